"""The narrators a process keeps: one per show and voice, the least recently used one
beyond the bound closed, a gate only where the show asks for one and a hearing is given."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from narration.config import Settings
from narration.service.narrators import Narrators
from narration.store.database import Database


@pytest.fixture
def db(fake_settings: Settings) -> Iterator[Database]:
    opened = Database.open(fake_settings)
    try:
        yield opened
    finally:
        opened.close()


def _show(settings: Settings, slug: str, **more: object) -> Settings:
    return settings.replaced(show_slug=slug, **more)


def test_one_narrator_per_show_and_voice_the_oldest_closed_beyond_the_bound(
    fake_settings: Settings, db: Database
) -> None:
    narrators = Narrators(db, keep=2)
    try:
        a, b = narrators.of(_show(fake_settings, "a")), narrators.of(_show(fake_settings, "b"))
        assert narrators.of(_show(fake_settings, "a")) is a
        other_voice = narrators.of(_show(fake_settings, "a", voice="fake:other"))
        # b was used longest ago: dropped and closed; a, used since, is kept.
        assert narrators.of(_show(fake_settings, "a")) is a
        assert narrators.of(_show(fake_settings, "b")) is not b
        assert narrators.of(_show(fake_settings, "a", voice="fake:other")) is not other_voice
    finally:
        narrators.close()


def test_a_gate_only_with_a_word_error_limit_and_a_hearing(
    fake_settings: Settings, db: Database, tmp_path: Path
) -> None:
    def hear(*_: object) -> None:
        raise AssertionError("not heard in this test")

    strict = _show(fake_settings, "strict", check_max_wer=0.2)
    without_hearing = Narrators(db)
    with_hearing = Narrators(db, hear=hear)  # type: ignore[arg-type]
    try:
        assert without_hearing.of(strict).gate is None
        assert with_hearing.of(_show(fake_settings, "open")).gate is None
        assert with_hearing.of(strict).gate is not None
    finally:
        without_hearing.close()
        with_hearing.close()
