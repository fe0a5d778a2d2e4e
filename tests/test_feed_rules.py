"""The feed rules catch each way a feed can go wrong: feeds from ``build_feed``, then broken."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image

from podcast_feed import PageLinks, build_feed
from tests.feed_rules import CHANNEL_TAGS, feed_problems
from tests.test_podcast_feed import BASE, NS, make_channel, make_item, write_site

Edit = Callable[[Any], object]  # changes a parsed feed (its <rss> element) in place


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A served directory whose ``feed.xml`` has three episodes and passes every rule."""
    items = write_site(tmp_path)
    (tmp_path / "feed.xml").write_bytes(build_feed(make_channel(), items))
    return tmp_path


def problems_after(site: Path, edit: Edit) -> list[str]:
    root = etree.fromstring((site / "feed.xml").read_bytes())
    edit(root)
    return feed_problems(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), site, BASE)


def assert_problems(problems: list[str], *fragments: str) -> None:
    """``problems`` are exactly one per fragment, each containing its fragment."""
    assert len(problems) == len(fragments), problems
    for fragment in fragments:
        assert any(fragment in problem for problem in problems), (fragment, problems)


def item(root: Any, n: int = 0) -> Any:
    return root.findall("channel/item")[n]


def remove(root: Any, path: str) -> None:
    element = root.find(path, NS)
    element.getparent().remove(element)


def keep(root: Any) -> None:
    """No edit: the feed as built (for breaks made in the site's files)."""


def set_text(path: str, text: str) -> Edit:
    return lambda root: setattr(root.find(path, NS), "text", text)


def set_attr(path: str, name: str, value: str) -> Edit:
    return lambda root: root.find(path, NS).set(name, value)


# --- a good feed ----------------------------------------------------------------------------


def test_a_good_feed_has_no_problems(site: Path) -> None:
    data = (site / "feed.xml").read_bytes()
    assert feed_problems(data) == []
    assert feed_problems(data, site, BASE) == []
    assert feed_problems(data, site, BASE + "/") == []


def test_every_page_of_a_paged_feed_has_no_problems(site: Path) -> None:
    # An archive page's self link names the page; its podcast:guid is the show's (first page).
    page = PageLinks(
        self_url=f"{BASE}/feed-archive-1.xml",
        first_url=f"{BASE}/feed.xml",
        last_url=f"{BASE}/feed-archive-1.xml",
        previous_url=f"{BASE}/feed.xml",
    )
    data = build_feed(make_channel(), [make_item(0, enclosure_length=2048)], page)
    assert feed_problems(data, site, BASE) == []


def test_site_and_base_url_go_together(site: Path) -> None:
    with pytest.raises(ValueError, match="both"):
        feed_problems((site / "feed.xml").read_bytes(), site)


# --- the document ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data.replace(b"<title>Episode 1</title>", b"<title>Tom & Jerry</title>"),
        lambda data: data.replace(b"</channel>", b""),
    ],
    ids=["cut short", "bare ampersand", "unclosed channel"],
)
def test_malformed_xml(site: Path, damage: Callable[[bytes], bytes]) -> None:
    problems = feed_problems(damage((site / "feed.xml").read_bytes()), site, BASE)
    assert_problems(problems, "feedparser: not well-formed", "not well-formed XML")


def test_not_rss() -> None:
    assert_problems(feed_problems(b"<feed><title>x</title></feed>"), "not an RSS document")


# --- channel --------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", CHANNEL_TAGS)
def test_missing_channel_tag(site: Path, tag: str) -> None:
    problems = problems_after(site, lambda root: remove(root, f"channel/{tag}"))
    assert_problems(problems, f"channel lacks <{tag}>")


@pytest.mark.parametrize("tag", ["title", "description", "itunes:author"])
def test_empty_channel_text(site: Path, tag: str) -> None:
    assert_problems(problems_after(site, set_text(f"channel/{tag}", " ")), f"<{tag}> is empty")


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (set_text("channel/description", "é" * 2001), "4002 bytes; Apple takes at most 4000"),
        (set_text("channel/language", "English"), "'English' is not an ISO 639 code"),
        (set_attr("channel/itunes:category", "text", "Newz"), "not one of Apple's categories"),
        (set_text("channel/itunes:explicit", "no"), "itunes:explicit is 'no'"),
        (set_text("channel/itunes:explicit", "clean"), "itunes:explicit is 'clean'"),
        (set_text("channel/podcast:locked", "true"), "podcast:locked is 'true'"),
        (
            lambda root: remove(root, "channel/itunes:owner/itunes:name"),
            "itunes:owner has no itunes:name",
        ),
        (set_text("channel/link", "pod.example.com"), "link 'pod.example.com' is not"),
    ],
    ids=[
        "long description",
        "language name",
        "unknown category",
        "explicit yes-no",
        "explicit clean",
        "locked true-false",
        "owner without name",
        "relative link",
    ],
)
def test_bad_channel_value(site: Path, edit: Edit, fragment: str) -> None:
    assert_problems(problems_after(site, edit), fragment)


def test_bad_podcast_guid(site: Path) -> None:
    wrong = "9b024349-ccf0-5f69-a609-6b82873eab3c"  # podnews.net/rss's
    problems = problems_after(site, set_text("channel/podcast:guid", wrong))
    assert_problems(problems, f"podcast:guid {wrong} is not UUIDv5 of {BASE}/feed.xml")


def test_podcast_guid_follows_the_feed_url(site: Path) -> None:
    moved = set_attr("channel/atom:link[@rel='self']", "href", "https://elsewhere.example/f.xml")
    assert_problems(problems_after(site, moved), "not UUIDv5 of https://elsewhere.example/f.xml")


def test_missing_self_link(site: Path) -> None:
    problems = problems_after(site, lambda root: remove(root, "channel/atom:link"))
    assert_problems(problems, "no atom:link rel=self")


def test_repeated_self_link(site: Path) -> None:
    def twice(root: Any) -> None:
        link = root.find("channel/atom:link", NS)
        link.addnext(etree.fromstring(etree.tostring(link)))

    assert_problems(problems_after(site, twice), "2 atom:link rel=self")


# --- cover ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "mode", "fragment"),
    [
        ((1400, 1500), "RGB", "cover is 1400x1500; Apple wants a square"),
        ((1000, 1000), "RGB", "cover is 1000x1000"),
        ((3200, 3200), "RGB", "cover is 3200x3200"),
        ((1400, 1400), "RGBA", "cover is RGBA; Apple wants RGB"),
    ],
    ids=["not square", "too small", "too large", "not RGB"],
)
def test_bad_cover_image(site: Path, size: tuple[int, int], mode: str, fragment: str) -> None:
    Image.new(mode, size).save(site / "cover.png")
    assert_problems(problems_after(site, keep), fragment)


def test_cover_format_must_match_its_name(site: Path) -> None:
    Image.new("RGB", (1400, 1400)).save(site / "cover.png", format="JPEG")
    assert_problems(problems_after(site, keep), "cover.png holds JPEG")


def test_cover_that_is_no_image(site: Path) -> None:
    (site / "cover.png").write_bytes(b"not a picture")
    assert_problems(problems_after(site, keep), "cover.png is not an image")


def test_cover_must_be_jpeg_or_png(site: Path) -> None:
    gif = set_attr("channel/itunes:image", "href", f"{BASE}/cover.gif")
    assert_problems(problems_after(site, gif), "is not named .jpg or .png")


def test_missing_cover_file(site: Path) -> None:
    (site / "cover.png").unlink()
    assert_problems(problems_after(site, keep), f"{BASE}/cover.png names no file")


# --- items ----------------------------------------------------------------------------------


def test_repeated_guid(site: Path) -> None:
    problems = problems_after(site, lambda root: set_text("guid", "episode-0")(item(root, 1)))
    assert_problems(problems, "guid 'episode-0' is on 2 items")


def test_guids_are_case_sensitive(site: Path) -> None:
    problems = problems_after(site, lambda root: set_text("guid", "EPISODE-0")(item(root, 1)))
    assert problems == []


def test_repeated_enclosure_url(site: Path) -> None:
    def share(root: Any) -> None:
        url = item(root, 2).find("enclosure").get("url")
        item(root, 0).find("enclosure").set("url", url)

    problems = problems_after(site, share)
    # The newest item now points at the 2048-byte file while saying 777 bytes.
    assert_problems(
        problems,
        f"enclosure URL '{BASE}/audio/episode-0.mp3' is on 2 items",
        "Episode 2: enclosure length 777 but the file has 2048 bytes",
    )


@pytest.mark.parametrize(
    ("length", "fragment"),
    [
        ("2049", "Episode 0: enclosure length 2049 but the file has 2048 bytes"),
        ("0", "Episode 0: enclosure length '0' is not a byte count"),
        ("-5", "enclosure length '-5' is not a byte count"),
        ("", "enclosure length '' is not a byte count"),
        ("2 KB", "enclosure length '2 KB' is not a byte count"),
    ],
)
def test_wrong_enclosure_length(site: Path, length: str, fragment: str) -> None:
    problems = problems_after(site, set_attr("channel/item[3]/enclosure", "length", length))
    assert_problems(problems, fragment)


@pytest.mark.parametrize(
    ("attr", "value", "fragment"),
    [
        ("type", "video/mp4", "enclosure type 'video/mp4' is not audio"),
        ("type", "", "enclosure type '' is not audio"),
        ("url", "audio/episode-0.mp3", "'audio/episode-0.mp3' is not an absolute http(s) URL"),
        ("url", "ftp://pod.example.com/show/a.mp3", "is not an absolute http(s) URL"),
        ("url", f"{BASE}/audio/épisode-0.mp3", "is not ASCII"),
        ("url", "https://cdn.example.net/episode-0.mp3", "is not under the base URL"),
        ("url", f"{BASE}/audio/missing.mp3", f"{BASE}/audio/missing.mp3 names no file"),
        ("url", f"{BASE}/../outside.mp3", "names no file"),
    ],
)
def test_bad_enclosure(site: Path, attr: str, value: str, fragment: str) -> None:
    problems = problems_after(site, lambda root: item(root, 2).find("enclosure").set(attr, value))
    assert_problems(problems, fragment)


def test_missing_enclosure(site: Path) -> None:
    problems = problems_after(site, lambda root: remove(item(root, 1), "enclosure"))
    assert_problems(problems, "Episode 1: no enclosure")


def test_missing_audio_file(site: Path) -> None:
    (site / "audio" / "episode-1.mp3").unlink()
    problems = problems_after(site, keep)
    assert_problems(problems, f"Episode 1: {BASE}/audio/episode-1.mp3 names no file")


@pytest.mark.parametrize("tag", ["guid", "pubDate", "itunes:duration", "description"])
def test_missing_item_tag(site: Path, tag: str) -> None:
    problems = problems_after(site, lambda root: remove(item(root, 1), tag))
    assert_problems(problems, f"Episode 1: no <{tag}>")


def test_missing_item_title(site: Path) -> None:
    problems = problems_after(site, lambda root: remove(item(root, 1), "title"))
    assert_problems(problems, "episode-1: no <title>")


@pytest.mark.parametrize(
    ("tag", "text", "fragment"),
    [
        ("pubDate", "2024-03-02T06:30:00Z", "is not an RFC 2822 date"),
        ("pubDate", "yesterday", "'yesterday' is not an RFC 2822 date"),
        ("pubDate", "Sat, 02 Mar 2024 06:30:00 -0000", "has no time zone"),
        ("pubDate", "Mon, 02 Mar 2024 06:30:00 +0000", "names the wrong day of the week"),
        ("itunes:duration", "5:01", "'5:01' is not a whole number of seconds"),
        ("itunes:duration", "301.4", "is not a whole number of seconds"),
        ("itunes:explicit", "yes", "itunes:explicit is 'yes'"),
    ],
)
def test_bad_item_value(site: Path, tag: str, text: str, fragment: str) -> None:
    def change(root: Any) -> None:
        node = item(root, 1)
        if node.find(tag, NS) is None:
            etree.SubElement(node, f"{{{NS['itunes']}}}explicit")
        node.find(tag, NS).text = text

    (problem,) = problems_after(site, change)
    assert problem.startswith("Episode 1: ") and fragment in problem, problem


@pytest.mark.parametrize("text", ["2 Mar 2024 06:30:00 +0000", "Sat, 02 Mar 2024 06:30:00 GMT"])
def test_other_rfc_2822_dates_pass(site: Path, text: str) -> None:
    # RFC 2822 leaves out the weekday at will and allows obsolete zone names.
    assert problems_after(site, set_text("channel/item/pubDate", text)) == []


# --- transcripts and chapters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "media_type"),
    [("podcast:transcript", "text/vtt"), ("podcast:chapters", "application/json+chapters")],
)
def test_missing_transcript_or_chapters(site: Path, tag: str, media_type: str) -> None:
    problems = problems_after(site, lambda root: remove(item(root, 0), tag))
    assert_problems(problems, f"Episode 2: no <{tag}> of type {media_type}")
    problems = problems_after(site, lambda root: item(root, 0).find(tag, NS).set("type", "text/x"))
    assert_problems(problems, f"Episode 2: no <{tag}> of type {media_type}")


def test_transcript_url_must_be_absolute(site: Path) -> None:
    relative = set_attr("channel/item/podcast:transcript", "url", "audio/episode-2.vtt")
    assert_problems(problems_after(site, relative), "'audio/episode-2.vtt' is not an absolute")


def test_missing_transcript_file(site: Path) -> None:
    (site / "audio" / "episode-2.vtt").unlink()
    problems = problems_after(site, keep)
    assert_problems(problems, f"Episode 2: {BASE}/audio/episode-2.vtt names no file")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("episode-0.vtt", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n", "vtt is not WebVTT"),
        ("episode-0.vtt", b"WEBVTT\n\n\xff\xfe", "vtt is not UTF-8"),
        ("episode-0.chapters.json", b"{chapters: []}", "chapters.json is not JSON"),
        ("episode-0.chapters.json", b'{"version": "1.2.0"}', "has no 'chapters' list"),
        ("episode-0.chapters.json", b'{"chapters": {}}', "has no 'chapters' list"),
        ("episode-0.chapters.json", b"[]", "has no 'chapters' list"),
    ],
)
def test_bad_transcript_or_chapters_file(
    site: Path, name: str, content: bytes, fragment: str
) -> None:
    (site / "audio" / name).write_bytes(content)
    (problem,) = problems_after(site, keep)
    assert problem.startswith("Episode 0: podcast:") and problem.endswith(fragment), problem


def test_transcript_may_start_with_a_byte_order_mark(site: Path) -> None:
    (site / "audio" / "episode-0.vtt").write_text("\ufeffWEBVTT\n\n", encoding="utf-8")
    chapters = {"version": "1.2.0", "chapters": []}
    (site / "audio" / "episode-0.chapters.json").write_text(json.dumps(chapters))
    assert problems_after(site, keep) == []
