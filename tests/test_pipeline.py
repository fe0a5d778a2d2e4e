"""The pipeline with the fake voice: files, catalog, idempotence, versions, crash safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from narration.config import Settings
from narration.errors import SynthesisError
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator
from narration.store.catalog import Catalog
from narration.store.database import Database

pytestmark = pytest.mark.slow

ARTICLE = """---
title: "Council Approves New Cycle Lanes"
author: "Ana Silva"
date: 2025-10-02
---

The council voted on Tuesday to build 12 km of protected cycle lanes. Work starts in May.

## Costs

The scheme will cost £4.5m over 3 years. Dr. Patel said it was good value.

## Reaction

Shopkeepers were divided. Some feared lost parking.
"""


def _write(tmp_path: Path, text: str = ARTICLE, name: str = "cycle-lanes.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _snapshot(out: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def _narrate(settings: Settings, *paths: Path) -> list:  # type: ignore[type-arg]
    articles = [load_article(str(p), settings) for p in paths]
    with Narrator(settings) as narrator:
        return narrator.narrate(articles)


def test_narrate_writes_episode_sidecars_feed_and_catalog(
    fake_settings: Settings, tmp_path: Path
) -> None:
    (result,) = _narrate(fake_settings, _write(tmp_path))
    out = fake_settings.out_dir
    ep = result.episode
    assert result.status == "created"
    assert ep.audio_name.startswith("episodes/council-approves-new-cycle-lanes-")
    audio = out / ep.audio_name
    assert audio.stat().st_size == ep.bytes > 10_000
    assert [c.title for c in ep.chapters] == [
        "Council Approves New Cycle Lanes",
        "Costs",
        "Reaction",
    ]
    assert ep.chapters[0].start_s == 0.0
    assert ep.chapters[1].start_s < ep.chapters[2].start_s < ep.duration_s
    vtt = (out / ep.transcript_name).read_text()
    assert vtt.startswith("WEBVTT")
    assert "The scheme will cost £4.5m over 3 years." in vtt  # display form, not spoken
    chapters = json.loads((out / ep.chapters_name).read_text())
    assert chapters["version"] == "1.2.0"
    assert [c["title"] for c in chapters["chapters"]][1:] == ["Costs", "Reaction"]
    feed = (out / "feed.xml").read_text()
    assert ep.guid in feed and ep.audio_name in feed
    assert (out / "cover.png").exists()
    stored = Catalog(Database.open(fake_settings)).get(ep.id)
    assert stored is not None and stored.content_hash == ep.content_hash
    tags = ID3(str(audio))
    assert str(tags["TIT2"]) == "Council Approves New Cycle Lanes"
    assert str(tags["TPE1"]) == "Ana Silva"
    assert str(tags["TDRC"]) == "2025-10-02"
    assert len(tags.getall("CHAP")) == 3 and len(tags.getall("CTOC")) == 1


def test_unchanged_article_synthesises_nothing_and_touches_no_file(
    fake_settings: Settings, tmp_path: Path
) -> None:
    src = _write(tmp_path)
    (first,) = _narrate(fake_settings, src)
    before = _snapshot(fake_settings.out_dir)
    (again,) = _narrate(fake_settings, src)
    assert again.status == "unchanged" and again.synthesised == 0
    assert again.episode.audio_name == first.episode.audio_name
    assert _snapshot(fake_settings.out_dir) == before


def test_edited_paragraph_resynthesises_only_it_and_keeps_the_guid(
    fake_settings: Settings, tmp_path: Path
) -> None:
    (first,) = _narrate(fake_settings, _write(tmp_path))
    edited = ARTICLE.replace("Some feared lost parking.", "Some feared lost parking spaces.")
    (second,) = _narrate(fake_settings, _write(tmp_path, edited))
    assert second.status == "updated"
    assert second.synthesised == 1
    assert second.episode.guid == first.episode.guid
    assert second.episode.id == first.episode.id
    assert second.episode.audio_name != first.episode.audio_name
    # The published file of the first version was not changed in place.
    assert (fake_settings.out_dir / first.episode.audio_name).exists()
    feed = (fake_settings.out_dir / "feed.xml").read_text()
    assert feed.count("<item>") == 1 and second.episode.audio_name in feed


def _parts(settings: Settings) -> set[str]:
    return {p.name for p in (settings.state_dir / "parts").rglob("*.mp3")}


def test_an_edited_paragraph_encodes_only_its_part_and_sounds_as_a_fresh_encode(
    fake_settings: Settings, tmp_path: Path
) -> None:
    from narration.episode.tags import mp3_duration

    _narrate(fake_settings, _write(tmp_path))
    parts_before = _parts(fake_settings)
    assert len(parts_before) >= 5  # intro, three paragraphs under two headings, outro
    edited = ARTICLE.replace("Work starts in May.", "Work starts in June.")
    (second,) = _narrate(fake_settings, _write(tmp_path, edited))
    assert second.status == "updated" and second.synthesised == 1
    assert len(_parts(fake_settings) - parts_before) == 1

    # The same edited article narrated from nothing, in another output directory.
    fresh_settings = fake_settings.model_copy(update={"out_dir": tmp_path / "fresh"})
    (fresh,) = _narrate(fresh_settings, _write(tmp_path, edited))
    joined = fake_settings.out_dir / second.episode.audio_name
    alone = fresh_settings.out_dir / fresh.episode.audio_name
    # Same frames (the tags differ only by nothing: same article, same show).
    assert joined.read_bytes() == alone.read_bytes()
    assert second.episode.chapters == fresh.episode.chapters
    assert (fake_settings.out_dir / second.episode.transcript_name).read_text() == (
        fresh_settings.out_dir / fresh.episode.transcript_name
    ).read_text()
    assert abs(mp3_duration(joined) - second.episode.duration_s) < 0.05


def test_second_article_adds_one_item(fake_settings: Settings, tmp_path: Path) -> None:
    _narrate(fake_settings, _write(tmp_path))
    other = ARTICLE.replace("Cycle Lanes", "Bus Lanes").replace("cycle", "bus")
    _narrate(fake_settings, _write(tmp_path, other, "bus-lanes.md"))
    feed = (fake_settings.out_dir / "feed.xml").read_text()
    assert feed.count("<item>") == 2


def test_failed_synthesis_leaves_no_episode_and_no_feed(
    fake_settings: Settings, tmp_path: Path
) -> None:
    broken = ARTICLE.replace("Work starts in May.", "Work starts in May [[empty]].")
    article = load_article(str(_write(tmp_path, broken)), fake_settings)
    with Narrator(fake_settings) as narrator, pytest.raises(SynthesisError, match="too short"):
        narrator.narrate([article])
    out = fake_settings.out_dir
    assert not (out / "feed.xml").exists()
    assert not (out / "episodes").exists() or list((out / "episodes").iterdir()) == []
    # The parts encoded before the failure stay in the cache, whole, for the next try.
    cached = fake_settings.state_dir / "parts"
    assert [p for p in out.rglob("*.mp3") if cached not in p.parents] == []
    assert list(out.rglob("*.tmp")) == []
    assert Catalog(Database.open(fake_settings)).list("default") == []


def test_a_feed_that_cannot_be_built_fails_its_article_alone(
    fake_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import podcast_feed
    from narration.errors import PublishError

    first = _narrate(fake_settings, _write(tmp_path, name="first.md"))[0]
    feed = fake_settings.out_dir / "feed.xml"
    before = feed.read_bytes()
    real_build = podcast_feed.build_feed

    def refuse_the_poison(channel, items, links=None):  # type: ignore[no-untyped-def]
        if any(item.title == "Poison" for item in items):
            raise ValueError("item Poison cannot be listed")
        return real_build(channel, items, links)

    monkeypatch.setattr(podcast_feed, "build_feed", refuse_the_poison)
    poison = _write(tmp_path, ARTICLE.replace("Council Approves New Cycle Lanes", "Poison"), "p.md")
    with pytest.raises(PublishError, match="Poison"):
        _narrate(fake_settings, poison)
    # The failed article left the catalog and the feed as they were ...
    assert feed.read_bytes() == before
    catalog = Catalog(Database.open(fake_settings))
    try:
        assert [ep.id for ep in catalog.list(fake_settings.show.slug)] == [first.episode.id]
    finally:
        catalog.db.close()
    # ... so the next article publishes.
    other = _write(tmp_path, ARTICLE.replace("Council Approves New Cycle Lanes", "Next"), "n.md")
    assert _narrate(fake_settings, other)[0].status == "created"
    assert b"<title>Next</title>" in feed.read_bytes()


def test_an_article_longer_than_an_episode_may_be_is_refused_before_any_audio(
    fake_settings: Settings, tmp_path: Path
) -> None:
    from narration.errors import BadInput

    short = fake_settings.model_copy(update={"max_words": 20})
    with pytest.raises(BadInput, match="words is too long for one episode"):
        _narrate(short, _write(tmp_path))
    assert not list(short.out_dir.glob("episodes/*"))
    assert not (short.out_dir / "feed.xml").exists()


def test_clips_started_before_narrating_are_taken_up_not_made_again(
    fake_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from narration.episode.maker import EpisodeMaker
    from narration.tts.pool import SynthesisPool
    from narration.tts.voices import Voices

    scheduled: list[Path] = []
    schedule = SynthesisPool._schedule

    def counted(pool: SynthesisPool, job):  # type: ignore[no-untyped-def]
        scheduled.append(job.dest)
        return schedule(pool, job)

    monkeypatch.setattr(SynthesisPool, "_schedule", counted)
    article = load_article(str(_write(tmp_path)), fake_settings)
    voices = Voices(fake_settings)
    cast = voices.cast(article.language)
    maker = EpisodeMaker(fake_settings)
    started = maker.start_clips(article, cast)
    with Narrator(fake_settings, voices=voices, maker=maker) as narrator:
        (result,) = narrator.narrate([article])
    assert result.status == "created"
    assert started == result.synthesised == len(scheduled) == len(set(scheduled)) > 5
    assert EpisodeMaker(fake_settings).start_clips(article, cast) == 0  # all cached now
    voices.close()
