"""A long show is published as a paged feed that podcast apps walk to its first episode."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import podcastparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import inspect

import podcast_feed
from api.main import create_app
from narration.config import Settings
from narration.model import Episode
from narration.publish import feed as publish
from narration.publish.feed import feed_layout, publish_feed
from narration.store.catalog import Catalog
from narration.store.database import Database

pytestmark = pytest.mark.slow

BASE = "http://testserver"
START = dt.datetime(2021, 1, 1, 6, 0, tzinfo=dt.UTC)
NS = {"atom": "http://www.w3.org/2005/Atom"}


def make_episode(n: int, **changes: Any) -> Episode:
    stem = f"episodes/story-{n:05d}"
    ep = Episode(
        id=f"id-{n:05d}",
        guid=f"guid-{n:05d}",
        article_key=f"article-{n}",
        content_hash=f"{n:012x}",
        title=f"Story {n}",
        author="Desk",
        published=START + dt.timedelta(hours=n),
        description=f"Story number {n}.",
        audio_name=stem + ".mp3",
        transcript_name=stem + ".vtt",
        chapters_name=stem + ".chapters.json",
        bytes=1000 + n,
        duration_s=60.0 + n,
        chapters=(),
        created_at=START,
        updated_at=START,
    )
    return dataclasses.replace(ep, **changes)


def make_settings(tmp_path: Path, page_size: int) -> Settings:
    return Settings(out_dir=tmp_path / "out", base_url=BASE, feed_page_size=page_size)


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    db = Database.open(Settings(out_dir=tmp_path / "out"))
    yield Catalog(db)
    db.close()


def fill(catalog: Catalog, numbers: range) -> None:
    for n in numbers:
        catalog.save(make_episode(n))


def guids(data: bytes) -> list[str]:
    return [g.text or "" for g in etree.fromstring(data).iterfind("channel/item/guid")]


def links(data: bytes) -> dict[str, str]:
    channel = etree.fromstring(data).find("channel")
    assert channel is not None
    return {
        str(link.get("rel")): str(link.get("href")) for link in channel.iterfind("atom:link", NS)
    }


def newest_first(numbers: range) -> list[str]:
    return [f"guid-{n:05d}" for n in reversed(numbers)]


def walk(client: TestClient, url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Read the feed as gPodder does: podcastparser on each page, then ``paged_feed_next``."""
    episodes: list[dict[str, Any]] = []
    pages: list[str] = []
    next_url: str | None = url
    while next_url is not None:
        assert next_url not in pages, "the pages loop"
        assert len(pages) < 50
        pages.append(next_url)
        response = client.get(next_url.removeprefix(BASE))
        assert response.status_code == 200
        parsed = podcastparser.parse(next_url, io.BytesIO(response.content))
        assert parsed["paged_feed_first"] == f"{BASE}/feed.xml" or len(pages) == 1
        episodes.extend(parsed["episodes"])
        next_url = parsed.get("paged_feed_next")
    return episodes, pages


def test_catalog_count_and_page(catalog: Catalog) -> None:
    fill(catalog, range(10))
    catalog.save(make_episode(99, show="other"))
    assert catalog.count("default") == 10
    assert catalog.count("other") == 1
    assert catalog.count("none") == 0
    assert [e.guid for e in catalog.page("default", 3)] == newest_first(range(7, 10))
    assert [e.guid for e in catalog.page("default", 3, 8)] == newest_first(range(0, 2))
    assert catalog.page("default", 3, 10) == []
    assert len(catalog.versions("default")) == 10
    assert catalog.page("default", 1)[0] == catalog.list("default")[0]


def test_catalog_orders_equal_times_by_guid(catalog: Catalog) -> None:
    for n in (3, 1, 2):
        catalog.save(make_episode(n, published=START))
    assert [e.guid for e in catalog.page("default", 10)] == newest_first(range(1, 4))


def test_catalog_has_the_paging_index(catalog: Catalog) -> None:
    indexes = inspect(catalog.db.engine).get_indexes("episodes")
    assert any(ix["column_names"][:2] == ["show", "published"] for ix in indexes)


def test_versions_change_with_feed_values(catalog: Catalog) -> None:
    catalog.save(make_episode(1))
    before = catalog.versions("default")
    catalog.save(make_episode(1, description="Corrected."))
    assert catalog.versions("default") != before


def test_layout_counts_archives_from_the_oldest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, 300)
    assert [(p.name, p.offset, p.limit) for p in feed_layout(650, 300, settings)] == [
        ("feed.xml", 0, 300),
        ("feed-archive-2.xml", 300, 50),
        ("feed-archive-1.xml", 350, 300),
    ]
    assert [(p.name, p.links) for p in feed_layout(300, 300, settings)] == [("feed.xml", None)]
    assert [p.name for p in feed_layout(900, 300, settings)] == [
        "feed.xml",
        "feed-archive-2.xml",
        "feed-archive-1.xml",
    ]
    assert len(feed_layout(901, 300, settings)) == 4


def test_650_episodes_on_three_pages(catalog: Catalog, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, 300)
    fill(catalog, range(650))
    publish_feed(catalog, settings)
    out = settings.out_dir
    assert sorted(p.name for p in out.glob("feed*.xml")) == [
        "feed-archive-1.xml",
        "feed-archive-2.xml",
        "feed.xml",
    ]
    first = (out / "feed.xml").read_bytes()
    assert guids(first) == newest_first(range(350, 650))
    assert guids((out / "feed-archive-2.xml").read_bytes()) == newest_first(range(300, 350))
    assert guids((out / "feed-archive-1.xml").read_bytes()) == newest_first(range(0, 300))
    assert links(first) == {
        "self": f"{BASE}/feed.xml",
        "first": f"{BASE}/feed.xml",
        "last": f"{BASE}/feed-archive-1.xml",
        "next": f"{BASE}/feed-archive-2.xml",
    }
    assert links((out / "feed-archive-2.xml").read_bytes()) == {
        "self": f"{BASE}/feed-archive-2.xml",
        "first": f"{BASE}/feed.xml",
        "last": f"{BASE}/feed-archive-1.xml",
        "previous": f"{BASE}/feed.xml",
        "next": f"{BASE}/feed-archive-1.xml",
    }
    assert links((out / "feed-archive-1.xml").read_bytes()) == {
        "self": f"{BASE}/feed-archive-1.xml",
        "first": f"{BASE}/feed.xml",
        "last": f"{BASE}/feed-archive-1.xml",
        "previous": f"{BASE}/feed-archive-2.xml",
    }
    with TestClient(create_app(settings)) as client:
        for page in out.glob("feed*.xml"):
            for href in links(page.read_bytes()).values():
                response = client.get(href.removeprefix(BASE))
                assert response.status_code == 200, href
                assert response.headers["content-type"].startswith("application/rss+xml")
        episodes, pages = walk(client, f"{BASE}/feed.xml")
    assert pages == [
        f"{BASE}/feed.xml",
        f"{BASE}/feed-archive-2.xml",
        f"{BASE}/feed-archive-1.xml",
    ]
    assert [e["guid"] for e in episodes] == newest_first(range(650))
    published = [e["published"] for e in episodes]
    assert published == sorted(published, reverse=True)
    assert len({e["enclosures"][0]["url"] for e in episodes}) == 650


def _rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the pages rendered from now on (by their self link)."""
    names: list[str] = []
    real = podcast_feed.build_feed

    def spy(
        channel: podcast_feed.Channel,
        items: Any,
        page: podcast_feed.PageLinks | None = None,
    ) -> bytes:
        names.append((page.self_url if page else channel.feed_url).rsplit("/", 1)[1])
        return real(channel, items, page)

    monkeypatch.setattr(publish.podcast_feed, "build_feed", spy)
    return names


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.glob("feed*.xml")}


def test_a_new_episode_changes_only_the_current_and_newest_archive_page(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, 300)
    fill(catalog, range(650))
    publish_feed(catalog, settings)
    before = _snapshot(settings.out_dir)
    rendered = _rendered(monkeypatch)
    publish_feed(catalog, settings)
    assert rendered == []
    assert _snapshot(settings.out_dir) == before

    catalog.save(make_episode(650))
    publish_feed(catalog, settings)
    after = _snapshot(settings.out_dir)
    assert sorted(rendered) == ["feed-archive-2.xml", "feed.xml"]
    assert after["feed-archive-1.xml"] == before["feed-archive-1.xml"]
    assert guids(after["feed.xml"]) == newest_first(range(351, 651))
    assert guids(after["feed-archive-2.xml"]) == newest_first(range(300, 351))


def test_a_new_archive_page_touches_its_older_neighbour_once(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, 3)
    fill(catalog, range(9))  # feed.xml 6-8, archive 2: 3-5, archive 1: 0-2
    publish_feed(catalog, settings)
    rendered = _rendered(monkeypatch)
    catalog.save(make_episode(9))
    publish_feed(catalog, settings)
    # Archive 3 is new; archive 2 now has a newer neighbour to point back to.
    assert sorted(rendered) == ["feed-archive-2.xml", "feed-archive-3.xml", "feed.xml"]
    assert guids((settings.out_dir / "feed-archive-3.xml").read_bytes()) == ["guid-00006"]
    rendered.clear()
    catalog.save(make_episode(10))
    publish_feed(catalog, settings)
    assert sorted(rendered) == ["feed-archive-3.xml", "feed.xml"]


def test_an_edited_old_episode_rebuilds_only_its_page(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, 3)
    fill(catalog, range(10))
    publish_feed(catalog, settings)
    rendered = _rendered(monkeypatch)
    catalog.save(make_episode(1, title="Story 1, corrected"))
    publish_feed(catalog, settings)
    assert rendered == ["feed-archive-1.xml"]
    assert b"Story 1, corrected" in (settings.out_dir / "feed-archive-1.xml").read_bytes()


def test_a_missing_page_file_is_rebuilt(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, 3)
    fill(catalog, range(10))
    publish_feed(catalog, settings)
    (settings.out_dir / "feed-archive-2.xml").unlink()
    rendered = _rendered(monkeypatch)
    publish_feed(catalog, settings)
    assert rendered == ["feed-archive-2.xml"]


def test_channel_changes_rebuild_every_page(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, 3)
    fill(catalog, range(10))
    publish_feed(catalog, settings)
    rendered = _rendered(monkeypatch)
    renamed = settings.replaced(show_title="Renamed")
    publish_feed(catalog, renamed)
    assert len(rendered) == 4
    for page in settings.out_dir.glob("feed*.xml"):
        assert b"<title>Renamed</title>" in page.read_bytes()


def test_fewer_pages_remove_the_stale_archives(catalog: Catalog, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, 3)
    fill(catalog, range(10))
    publish_feed(catalog, settings)
    assert len(list(settings.out_dir.glob("feed-archive-*.xml"))) == 3
    publish_feed(catalog, settings.replaced(feed_page_size=300))
    assert list(settings.out_dir.glob("feed-archive-*.xml")) == []
    data = (settings.out_dir / "feed.xml").read_bytes()
    assert guids(data) == newest_first(range(10))
    assert links(data) == {"self": f"{BASE}/feed.xml"}
