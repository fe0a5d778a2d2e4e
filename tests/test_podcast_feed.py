"""Tests for the podcast feed builder."""

from __future__ import annotations

import dataclasses
import io
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from lxml import etree

from narration.episode.cover import make_cover
from podcast_feed import Channel, Item, PageLinks, build_feed, podcast_guid
from tests.feed_rules import feed_problems

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
BASE = "https://pod.example.com/show"


def make_channel(**changes: Any) -> Channel:
    channel = Channel(
        title="Morning Papers",
        description="News articles, read aloud.",
        link="https://pod.example.com/",
        language="en-gb",
        feed_url=f"{BASE}/feed.xml",
        image_url=f"{BASE}/cover.png",
        author="Narration Desk",
        owner_name="Ada Owner",
        owner_email="ada@example.com",
        category="News",
        subcategory="Daily News",
    )
    return dataclasses.replace(channel, **changes)


def make_item(n: int, **changes: Any) -> Item:
    item = Item(
        guid=f"episode-{n}",
        title=f"Episode {n}",
        description=f"The story of day {n}.",
        published=datetime(2024, 3, 1, 6, 30, tzinfo=UTC) + timedelta(days=n),
        enclosure_url=f"{BASE}/audio/episode-{n}.mp3",
        enclosure_length=1000 + n,
        duration_s=300.4 + n,
        transcript_url=f"{BASE}/audio/episode-{n}.vtt",
        chapters_url=f"{BASE}/audio/episode-{n}.chapters.json",
    )
    return dataclasses.replace(item, **changes)


def parse(data: bytes) -> Any:
    return etree.fromstring(data)


def channel_of(data: bytes) -> Any:
    return parse(data).find("channel")


def feed(items: Sequence[Item] = (), **channel_changes: Any) -> bytes:
    return build_feed(make_channel(**channel_changes), items)


# --- channel ----------------------------------------------------------------------------


def test_channel_elements() -> None:
    data = feed([make_item(1)], copyright="© 2024 Narration")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<rss")
    assert b"\n  <channel>" in data  # pretty-printed
    root = parse(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    ch = root.find("channel")
    assert ch.findtext("title") == "Morning Papers"
    assert ch.findtext("description") == "News articles, read aloud."
    assert ch.findtext("link") == "https://pod.example.com/"
    assert ch.findtext("language") == "en-gb"
    assert ch.findtext("copyright") == "© 2024 Narration"
    assert ch.findtext("generator")
    assert ch.find("itunes:image", NS).get("href") == f"{BASE}/cover.png"
    assert ch.findtext("itunes:author", namespaces=NS) == "Narration Desk"
    assert ch.findtext("itunes:type", namespaces=NS) == "episodic"
    category = ch.find("itunes:category", NS)
    assert category.get("text") == "News"
    assert [c.get("text") for c in category.findall("itunes:category", NS)] == ["Daily News"]
    owner = ch.find("itunes:owner", NS)
    assert owner.findtext("itunes:name", namespaces=NS) == "Ada Owner"
    assert owner.findtext("itunes:email", namespaces=NS) == "ada@example.com"
    self_links = ch.findall("atom:link[@rel='self']", NS)
    assert len(self_links) == 1
    assert self_links[0].get("href") == f"{BASE}/feed.xml"
    assert self_links[0].get("type") == "application/rss+xml"
    assert ch.findtext("podcast:guid", namespaces=NS) == podcast_guid(f"{BASE}/feed.xml")
    locked = ch.find("podcast:locked", NS)
    assert locked.text == "yes"
    assert locked.get("owner") == "ada@example.com"


def test_category_without_subcategory() -> None:
    category = channel_of(feed(subcategory=None)).find("itunes:category", NS)
    assert category.get("text") == "News"
    assert len(category) == 0


@pytest.mark.parametrize(("explicit", "text"), [(True, "true"), (False, "false")])
def test_channel_explicit_is_true_or_false(explicit: bool, text: str) -> None:
    ch = channel_of(feed(explicit=explicit))
    values = [e.text for e in ch.findall("itunes:explicit", NS)]
    assert values == [text]


def test_item_explicit_only_when_given() -> None:
    items = [make_item(1, explicit=True), make_item(2, explicit=False), make_item(3)]
    ch = channel_of(feed(items))
    by_guid = {i.findtext("guid"): i for i in ch.findall("item")}
    assert [e.text for e in by_guid["episode-1"].findall("itunes:explicit", NS)] == ["true"]
    assert [e.text for e in by_guid["episode-2"].findall("itunes:explicit", NS)] == ["false"]
    assert by_guid["episode-3"].find("itunes:explicit", NS) is None


def test_unlocked_and_owner_without_email() -> None:
    ch = channel_of(feed(locked=False, owner_email=""))
    locked = ch.find("podcast:locked", NS)
    assert locked.text == "no"
    assert locked.get("owner") is None
    owners = ch.findall("itunes:owner", NS)
    assert len(owners) == 1
    assert owners[0].findtext("itunes:name", namespaces=NS) == "Ada Owner"
    assert owners[0].find("itunes:email", NS) is None


def test_podcast_guid_for_known_url() -> None:
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    expected = str(uuid.uuid5(namespace, "podnews.net/rss"))
    assert podcast_guid("https://podnews.net/rss") == expected
    assert podcast_guid("http://podnews.net/rss/") == expected
    # The value published in the podcast namespace documentation for this feed.
    assert expected == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_long_channel_description_is_cut_on_a_word() -> None:
    words = [f"word{n}é" for n in range(1500)]
    ch = channel_of(feed(description=" ".join(words)))
    text = ch.findtext("description")
    assert len(text.encode("utf-8")) <= 4000
    assert text.endswith("…")
    assert text[:-1].split(" ")[-1] in words


def test_short_channel_description_is_kept() -> None:
    text = "x" * 3990
    assert channel_of(feed(description=text)).findtext("description") == text


# --- items ------------------------------------------------------------------------------


def test_item_elements() -> None:
    item = make_item(
        7,
        link="https://news.example.com/story-7",
        image_url=f"{BASE}/art/7.png",
        author="Reporter Seven",
        duration_s=61.6,
    )
    node = channel_of(feed([item])).find("item")
    assert node.findtext("title") == "Episode 7"
    assert node.findtext("description") == "The story of day 7."
    assert node.findtext("link") == "https://news.example.com/story-7"
    guid = node.find("guid")
    assert guid.text == "episode-7"
    assert guid.get("isPermaLink") == "false"
    assert parsedate_to_datetime(node.findtext("pubDate")) == item.published
    enclosure = node.find("enclosure")
    assert enclosure.get("url") == f"{BASE}/audio/episode-7.mp3"
    assert enclosure.get("length") == "1007"
    assert enclosure.get("type") == "audio/mpeg"
    assert node.findtext("itunes:duration", namespaces=NS) == "62"
    assert node.findtext("itunes:episodeType", namespaces=NS) == "full"
    assert node.findtext("itunes:author", namespaces=NS) == "Reporter Seven"
    assert node.find("itunes:image", NS).get("href") == f"{BASE}/art/7.png"
    transcript = node.find("podcast:transcript", NS)
    assert transcript.get("url") == f"{BASE}/audio/episode-7.vtt"
    assert transcript.get("type") == "text/vtt"
    chapters = node.find("podcast:chapters", NS)
    assert chapters.get("url") == f"{BASE}/audio/episode-7.chapters.json"
    assert chapters.get("type") == "application/json+chapters"


def test_optional_item_tags_left_out() -> None:
    item = make_item(1, transcript_url=None, chapters_url=None)
    node = channel_of(feed([item])).find("item")
    for tag in ("link", "itunes:image", "podcast:transcript", "podcast:chapters"):
        assert node.find(tag, NS) is None


def test_items_newest_first_and_last_build_date() -> None:
    items = [make_item(2), make_item(5), make_item(1), make_item(3)]
    ch = channel_of(feed(items))
    assert [i.findtext("guid") for i in ch.findall("item")] == [
        "episode-5",
        "episode-3",
        "episode-2",
        "episode-1",
    ]
    assert parsedate_to_datetime(ch.findtext("lastBuildDate")) == make_item(5).published


def test_timezones_are_kept() -> None:
    published = datetime(2024, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    node = channel_of(feed([make_item(1, published=published)])).find("item")
    assert parsedate_to_datetime(node.findtext("pubDate")) == published


def test_identical_input_gives_identical_bytes() -> None:
    items = [make_item(n) for n in range(4)]
    first = feed(items)
    assert feed(list(items)) == first
    assert feed(list(reversed(items))) == first
    assert feed([]) == feed([])
    assert channel_of(feed([])).findtext("lastBuildDate")


def test_control_characters_are_stripped() -> None:
    dirty = "A\x00B\x01C\x08D\x0bE\x0cF\x0eG\x1fH\ufffeI\uffffJ\ud800K"
    item = make_item(1, title=dirty, description=dirty + "\tok\n", guid="g\x02uid")
    data = build_feed(make_channel(title=dirty, description=dirty, author=dirty), [item])
    data.decode("utf-8")  # no lone surrogates
    ch = channel_of(data)
    assert ch.findtext("title") == "ABCDEFGHIJK"
    assert ch.findtext("description") == "ABCDEFGHIJK"
    assert ch.findtext("itunes:author", namespaces=NS) == "ABCDEFGHIJK"
    node = ch.find("item")
    assert node.findtext("title") == "ABCDEFGHIJK"
    assert node.findtext("description") == "ABCDEFGHIJK\tok"
    assert node.findtext("guid") == "guid"
    assert not feedparser.parse(data).bozo


# --- validation -------------------------------------------------------------------------


def test_duplicate_guid_is_rejected() -> None:
    twin = make_item(2, guid="episode-1")
    with pytest.raises(ValueError, match="episode-1"):
        feed([make_item(1), twin])


def test_duplicate_enclosure_is_rejected() -> None:
    twin = make_item(2, enclosure_url=make_item(1).enclosure_url)
    with pytest.raises(ValueError, match="episode-2"):
        feed([make_item(1), twin])


@pytest.mark.parametrize(
    "url", ["audio/episode-1.mp3", "/audio/episode-1.mp3", "ftp://x.example/a.mp3", "https://"]
)
def test_enclosure_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(ValueError, match="episode-1"):
        feed([make_item(1, enclosure_url=url)])


@pytest.mark.parametrize("length", [0, -5])
def test_enclosure_length_must_be_positive(length: int) -> None:
    with pytest.raises(ValueError, match="episode-1"):
        feed([make_item(1, enclosure_length=length)])


def test_naive_published_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="episode-1"):
        feed([make_item(1, published=datetime(2024, 1, 1))])


def test_bad_cover_url_is_rejected() -> None:
    with pytest.raises(ValueError, match="image"):
        feed(image_url=f"{BASE}/cover.gif")


# --- third-party readers ----------------------------------------------------------------


def test_podcastparser_reads_the_feed() -> None:
    items = [make_item(1), make_item(2, transcript_url=None, chapters_url=None)]
    parsed = podcastparser.parse(f"{BASE}/feed.xml", io.BytesIO(feed(items)))
    assert parsed["title"] == "Morning Papers"
    episodes = parsed["episodes"]
    assert [e["guid"] for e in episodes] == ["episode-2", "episode-1"]
    newest, oldest = episodes
    assert newest["enclosures"] == [
        {"url": f"{BASE}/audio/episode-2.mp3", "file_size": 1002, "mime_type": "audio/mpeg"}
    ]
    assert newest["total_time"] == 302
    assert newest["published"] == int(make_item(2).published.timestamp())
    assert oldest["enclosures"][0]["file_size"] == 1001
    assert "transcript_url" not in newest
    assert "chapters_json_url" not in newest


def test_podcastparser_reads_transcript_and_chapters() -> None:
    # podcastparser 0.6 only knows the podcast namespace by its original GitHub URI, which
    # the namespace specification declares identical to the canonical one the feed uses.
    data = feed([make_item(1)]).replace(
        NS["podcast"].encode(),
        b"https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
    )
    (episode,) = podcastparser.parse(f"{BASE}/feed.xml", io.BytesIO(data))["episodes"]
    assert episode["transcript_url"] == f"{BASE}/audio/episode-1.vtt"
    assert episode["chapters_json_url"] == f"{BASE}/audio/episode-1.chapters.json"


def test_feedparser_reads_the_feed() -> None:
    parsed = feedparser.parse(feed([make_item(1), make_item(2)]))
    assert parsed.bozo == 0
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Morning Papers"
    assert [e.id for e in parsed.entries] == ["episode-2", "episode-1"]
    assert parsed.entries[0].enclosures[0].length == "1002"


def write_site(site: Path, sizes: Sequence[int] = (2048, 4096, 777)) -> list[Item]:
    """Episodes of ``sizes`` bytes with their files (audio, transcript, chapters) and the
    show's cover written under ``site``, the directory served at ``BASE``."""
    make_cover("Morning Papers", "News articles, read aloud", site / "cover.png")
    (site / "audio").mkdir(parents=True, exist_ok=True)
    chapters = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Start"}]}
    for n, size in enumerate(sizes):
        (site / "audio" / f"episode-{n}.mp3").write_bytes(b"\xff" * size)
        (site / "audio" / f"episode-{n}.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n")
        (site / "audio" / f"episode-{n}.chapters.json").write_text(json.dumps(chapters))
    return [make_item(n, enclosure_length=size) for n, size in enumerate(sizes)]


def test_feed_follows_the_feed_rules(tmp_path: Path) -> None:
    items = write_site(tmp_path)
    assert feed_problems(feed(items), tmp_path, BASE) == []


# --- paged feeds (RFC 5005 section 3) -------------------------------------------------------


def page_links(**changes: Any) -> PageLinks:
    links = PageLinks(
        self_url=f"{BASE}/feed-archive-2.xml",
        first_url=f"{BASE}/feed.xml",
        last_url=f"{BASE}/feed-archive-1.xml",
        previous_url=f"{BASE}/feed.xml",
        next_url=f"{BASE}/feed-archive-1.xml",
    )
    return dataclasses.replace(links, **changes)


def atom_links(data: bytes) -> dict[str, str]:
    channel = etree.fromstring(data).find("channel")
    return {link.get("rel"): link.get("href") for link in channel.findall("atom:link", NS)}


def test_page_links_are_atom_links() -> None:
    data = build_feed(make_channel(), [make_item(1)], page_links())
    assert atom_links(data) == {
        "self": f"{BASE}/feed-archive-2.xml",
        "first": f"{BASE}/feed.xml",
        "last": f"{BASE}/feed-archive-1.xml",
        "previous": f"{BASE}/feed.xml",
        "next": f"{BASE}/feed-archive-1.xml",
    }
    # The show keeps its identity on every page.
    guid = etree.fromstring(data).findtext("channel/podcast:guid", namespaces=NS)
    assert guid == podcast_guid(f"{BASE}/feed.xml")


def test_first_and_last_pages_leave_out_missing_neighbours() -> None:
    first = build_feed(make_channel(), [make_item(1)], page_links(previous_url=None))
    assert "previous" not in atom_links(first)
    last = build_feed(make_channel(), [make_item(1)], page_links(next_url=None))
    assert "next" not in atom_links(last)


def test_unpaged_feed_has_only_the_self_link() -> None:
    assert atom_links(feed([make_item(1)])) == {"self": f"{BASE}/feed.xml"}


def test_page_link_must_be_http() -> None:
    with pytest.raises(ValueError, match="page link next"):
        build_feed(make_channel(), [make_item(1)], page_links(next_url="feed-archive-1.xml"))


def test_podcastparser_sees_the_paging_links() -> None:
    data = build_feed(make_channel(), [make_item(1)], page_links())
    parsed = podcastparser.parse(f"{BASE}/feed-archive-2.xml", io.BytesIO(data))
    assert parsed["paged_feed_next"] == f"{BASE}/feed-archive-1.xml"
    assert parsed["paged_feed_first"] == f"{BASE}/feed.xml"
    assert feedparser.parse(data).bozo == 0
