"""Feed tags for machine-read shows: podcast:txt ai-content, podcast:medium, podcast:person,
Podlove Simple Chapters, and the block tags and noindex header of private feeds. Checked
by namespace with lxml, and as feedparser reads them."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from api.main import create_app
from narration.config import Settings
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator
from narration.publish.shows import settings_for
from podcast_feed import build_feed, npt
from tests.feed_rules import feed_problems
from tests.test_podcast_feed import make_channel, make_item

PODCAST = "https://podcastindex.org/namespace/1.0"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PSC = "http://podlove.org/simple-chapters"
NS = {"podcast": PODCAST, "itunes": ITUNES, "psc": PSC}


def test_channel_says_machine_read_and_its_medium() -> None:
    feed = etree.fromstring(build_feed(make_channel(), [make_item(1)]))
    [txt] = feed.findall("channel/podcast:txt", NS)
    assert (txt.get("purpose"), txt.text) == ("ai-content", "true")
    assert feed.findtext("channel/podcast:medium", namespaces=NS) == "podcast"
    assert feed.find("channel/itunes:block", NS) is None
    assert feed.find("channel/podcast:block", NS) is None
    letters = etree.fromstring(build_feed(make_channel(medium="newsletter"), [make_item(1)]))
    assert letters.findtext("channel/podcast:medium", namespaces=NS) == "newsletter"
    with pytest.raises(ValueError, match="medium"):
        build_feed(make_channel(medium="radio"), [])


def test_items_name_their_author_and_carry_simple_chapters() -> None:
    chapters = ((0.0, "Introduction"), (61.5, "The vote & after"), (3725.25, "Reactions"))
    item = make_item(1, author="Ann Writer", chapters=chapters)
    data = build_feed(make_channel(), [item, make_item(2, author=None)])
    feed = etree.fromstring(data)
    second, first = feed.findall("channel/item")  # newest first
    assert first.findtext("guid") == "episode-1"
    [person] = first.findall("podcast:person", NS)
    assert (person.text, person.get("role"), person.get("group")) == (
        "Ann Writer",
        "author",
        "writing",
    )
    assert second.find("podcast:person", NS) is None
    [psc] = first.findall("psc:chapters", NS)
    marks = [(c.get("start"), c.get("title")) for c in psc.findall("psc:chapter", NS)]
    assert marks == [
        ("00:00:00.000", "Introduction"),
        ("00:01:01.500", "The vote & after"),
        ("01:02:05.250", "Reactions"),
    ]
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.namespaces.get("psc") == PSC


def test_npt_times() -> None:
    assert npt(0) == "00:00:00.000"
    assert npt(59.9995) == "00:01:00.000"
    assert npt(36000.001) == "10:00:00.001"


@pytest.mark.slow
def test_published_feed_carries_the_article_s_chapters_both_ways(tmp_path: Path) -> None:
    settings = Settings(out_dir=tmp_path / "out", voice="fake:tone", base_url="https://pod.example")
    src = tmp_path / "a.md"
    src.write_text(
        "---\ntitle: Council budget\nauthor: Ann Writer\n---\n\nIntro sentence here. Another.\n\n"
        "## The vote\n\nThe vote was close. Very close.\n\n"
        "## Reactions\n\nPeople reacted. Loudly.\n"
    )
    with Narrator(settings) as narrator:
        [result] = narrator.narrate([load_article(str(src), settings)])
    data = (settings.out_dir / "feed.xml").read_bytes()
    assert feed_problems(data, settings.out_dir, settings.base_url) == []
    feed = etree.fromstring(data)
    [item] = feed.findall("channel/item")
    assert item.findtext("podcast:person", namespaces=NS) == "Ann Writer"
    marks = [
        (c.get("start"), c.get("title")) for c in item.iterfind("psc:chapters/psc:chapter", NS)
    ]
    chapters = json.loads((settings.out_dir / result.episode.chapters_name).read_text())
    expected = [(npt(c["startTime"]), c["title"]) for c in chapters["chapters"]]
    assert marks == expected and len(marks) >= 2
    assert feed.findtext("channel/podcast:txt[@purpose='ai-content']", namespaces=NS) == "true"


@pytest.mark.slow
def test_private_feeds_are_blocked_and_not_indexed(tmp_path: Path) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text("[shows.letters]\ntitle = 'Letters'\nmedium = 'newsletter'\n")
    settings = Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        admin_keys=["k"],
        base_url="https://pod.example",
        shows_path=shows,
    )
    src = tmp_path / "a.md"
    src.write_text("---\ntitle: Members only\n---\n\nA first sentence. A second one.\n")
    show = settings_for(settings, "letters")
    with Narrator(show) as narrator:
        narrator.narrate([load_article(str(src), show)])
    public = etree.fromstring((settings.out_dir / "shows/letters/feed.xml").read_bytes())
    assert public.findtext("channel/podcast:medium", namespaces=NS) == "newsletter"
    client = TestClient(create_app(settings))
    made = client.post(
        "/v1/shows/letters/tokens", json={}, headers={"Authorization": "Bearer k"}
    ).json()
    answer = client.get(f"/private/{made['token']}/feed.xml")
    assert answer.status_code == 200
    assert answer.headers["x-robots-tag"] == "noindex"
    feed = etree.fromstring(answer.content)
    assert feed.findtext("channel/itunes:block", namespaces=NS) == "Yes"
    assert feed.findtext("channel/podcast:block", namespaces=NS) == "yes"
    assert feed.findtext("channel/podcast:medium", namespaces=NS) == "newsletter"
    again = client.get(
        f"/private/{made['token']}/feed.xml", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304 and again.headers["x-robots-tag"] == "noindex"
    read = feedparser.parse(answer.content).feed
    assert read["itunes_block"] == 1 and read["podcast_block"] == "yes"  # feedparser: blocked
    assert read["podcast_medium"] == "newsletter"
    assert (
        "itunes_block"
        not in feedparser.parse((settings.out_dir / "shows/letters/feed.xml").read_bytes()).feed
    )
