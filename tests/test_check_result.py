"""A kept listening check, typed: read from the JSON every version wrote and written back
unchanged, so that the API and the command line show it as it was kept."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.check.report import Check, SentenceCheck
from narration.check.result import (
    BadCheckJSON,
    CheckResult,
    FlaggedSentence,
    NaturalnessScores,
    read_result,
    result_json,
)
from narration.cli.checking import print_check
from narration.config import Settings
from narration.keys import Caller
from narration.model import Episode
from narration.service.callbacks import encode
from narration.service.views import EpisodeView, episode_view
from narration.store.checks import CheckStore
from narration.store.database import Database
from narration.store.tables import episode_checks
from tests.stats_fixtures import add_episode

OWNER = "owner-key"

FIRST: dict[str, Any] = {
    "wer": 0.125,
    "sentences": 8,
    "flagged": [
        {"text": "Dvořák wrote it.", "heard": " The work wrote it.", "start_s": 3.2, "score": 0.5}
    ],
    "lexicon_suggestions": {"Dvořák": "Dvor-zhahk"},
    "language": "en",
    "audio_s": 41.5,
    "checked_at": "2026-03-01T10:00:00+00:00",
}
"""As the first version kept a check: no ``end_s``, no ``naturalness``."""

WITH_END: dict[str, Any] = {
    **FIRST,
    "flagged": [
        {
            "text": "Dvořák wrote it.",
            "heard": " The work wrote it.",
            "start_s": 3.2,
            "end_s": 5.0,
            "score": 0.5,
        }
    ],
}
"""A flagged sentence's end, between its start and its score."""

UNMEASURED: dict[str, Any] = {
    "wer": 0.0,
    "sentences": 3,
    "flagged": [],
    "lexicon_suggestions": {},
    "naturalness": None,
    "language": "de",
    "audio_s": 12,
    "checked_at": "2026-06-02T08:30:00+00:00",
}
"""Naturalness asked for, speechmos not installed; a whole number of seconds."""

CURRENT: dict[str, Any] = {
    "wer": 0.2,
    "sentences": 5,
    "flagged": [
        {"text": "One.", "heard": " Won.", "start_s": 0, "end_s": 0.8, "score": 0},
        {"text": "Two words.", "heard": " Two birds.", "start_s": 1.25, "end_s": 2.5, "score": 0.5},
    ],
    "lexicon_suggestions": {"Kyiv": "Keev", "New York": "New Yawk"},
    "naturalness": {"mos": 3.412, "ovrl": 2.871},
    "language": "en",
    "audio_s": 9.01,
    "checked_at": "2026-12-05T18:00:00+00:00",
}

ROWS = [FIRST, WITH_END, UNMEASURED, CURRENT]


@pytest.mark.parametrize("row", ROWS, ids=["first", "with-end", "unmeasured", "current"])
def test_every_versions_json_is_written_back_unchanged(row: dict[str, Any]) -> None:
    kept = json.dumps(row, ensure_ascii=False)
    again = result_json(read_result(json.loads(kept)))
    assert json.dumps(again, ensure_ascii=False) == kept


def test_an_old_check_reads_with_what_it_lacks_as_none() -> None:
    result = read_result(FIRST)
    assert result == CheckResult(
        wer=0.125,
        sentences=8,
        flagged=(FlaggedSentence("Dvořák wrote it.", " The work wrote it.", 3.2, 0.5),),
        lexicon_suggestions={"Dvořák": "Dvor-zhahk"},
        naturalness=None,
        naturalness_kept=False,
        language="en",
        audio_s=41.5,
        checked_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
    )
    assert result.flagged[0].end_s is None


def test_a_current_check_reads_typed() -> None:
    result = read_result(CURRENT)
    assert result.naturalness == NaturalnessScores(mos=3.412, ovrl=2.871)
    assert result.naturalness_kept
    assert [item.end_s for item in result.flagged] == [0.8, 2.5]
    assert read_result(UNMEASURED).naturalness is None
    assert read_result(UNMEASURED).naturalness_kept


def test_a_row_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(BadCheckJSON, match="wer"):
        read_result({**CURRENT, "wer": "low"})
    with pytest.raises(BadCheckJSON, match="flagged"):
        read_result({**CURRENT, "flagged": {"text": "One."}})
    with pytest.raises(BadCheckJSON, match="sentences"):
        read_result({**CURRENT, "sentences": True})


def _check() -> Check:
    sentences = (
        SentenceCheck("Fine.", " Fine.", 0.0, 0.6, 1.0, 1, 0),
        SentenceCheck("Dvořák wrote it.", " The work wrote it.", 0.6, 2.1, 0.5, 3, 2, flagged=True),
    )
    return Check(
        wer=0.5,
        language="en",
        sentences=sentences,
        lexicon_suggestions={"Dvořák": "Dvor-zhahk"},
        audio_s=2.4,
        naturalness={"mos": 3.0, "ovrl": 2.5},
    )


def test_a_check_is_kept_as_its_json_with_language_length_and_time_beside_it() -> None:
    check = _check()
    at = dt.datetime(2026, 12, 5, 18, 0, tzinfo=dt.UTC)
    expected = {
        "wer": 0.5,
        "sentences": 2,
        "flagged": [
            {
                "text": "Dvořák wrote it.",
                "heard": " The work wrote it.",
                "start_s": 0.6,
                "end_s": 2.1,
                "score": 0.5,
            }
        ],
        "lexicon_suggestions": {"Dvořák": "Dvor-zhahk"},
        "naturalness": {"mos": 3.0, "ovrl": 2.5},
        "language": "en",
        "audio_s": 2.4,
        "checked_at": "2026-12-05T18:00:00+00:00",
    }
    written = json.dumps(result_json(CheckResult.of(check, at)), ensure_ascii=False)
    assert written == json.dumps(expected, ensure_ascii=False)
    unmeasured = Check(wer=0.0, language="en", sentences=())
    assert result_json(CheckResult.of(unmeasured, at))["naturalness"] is None


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", api_keys=[OWNER])


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    db = Database.open(settings)
    yield db
    db.close()


def _owned(settings: Settings) -> Episode:
    owner = Caller.of(OWNER, settings).key_id
    return add_episode(settings, "story", duration_s=1.0, audio=b"\xff\xfb" * 64, owner=owner)


def _keep_row(db: Database, ep: Episode, row: dict[str, Any]) -> None:
    """A check as an older version wrote it into the catalog."""
    with db.begin() as conn:
        conn.execute(
            episode_checks.insert().values(
                episode_id=ep.id,
                content_hash=ep.content_hash,
                wer=row["wer"],
                flagged=len(row["flagged"]),
                result=row,
                checked_at=dt.datetime.fromisoformat(row["checked_at"]),
            )
        )


def test_the_store_reads_a_kept_check_typed_and_saves_one_as_before(
    settings: Settings, db: Database
) -> None:
    ep = _owned(settings)
    _keep_row(db, ep, FIRST)
    stored = CheckStore(db).get(ep.id, ep.content_hash)
    assert stored is not None and stored.result == read_result(FIRST)
    saved = CheckStore(db).save(ep.id, ep.content_hash, _check())
    with db.begin() as conn:
        raw = conn.execute(episode_checks.select()).mappings().one()["result"]
    assert raw == result_json(saved.result)
    assert CheckStore(db).get(ep.id) == saved


@pytest.mark.parametrize("row", ROWS, ids=["first", "with-end", "unmeasured", "current"])
def test_the_api_answers_a_kept_check_as_it_did(
    settings: Settings, db: Database, row: dict[str, Any]
) -> None:
    ep = _owned(settings)
    _keep_row(db, ep, row)
    client = TestClient(create_app(settings))
    owner = {"Authorization": f"Bearer {OWNER}"}
    episode = client.get(f"/v1/episodes/{ep.id}", headers=owner)
    assert episode.status_code == 200
    assert json.dumps(episode.json()["check"]) == json.dumps(row)
    answer = client.get(f"/v1/episodes/{ep.id}/check", headers=owner)
    assert answer.status_code == 200
    flagged = [{**item, "end_s": item.get("end_s")} for item in row["flagged"]]
    expected = {
        "episode_id": ep.id,
        "title": ep.title,
        "audio_url": settings.url_for(ep.audio_name),
        "page_url": settings.url_for(f"editor/checks/{ep.id}"),
        "wer": row["wer"],
        "sentences": row["sentences"],
        "flagged": [
            {k: item[k] for k in ("text", "heard", "start_s", "end_s", "score")} for item in flagged
        ],
        "lexicon_suggestions": row["lexicon_suggestions"],
        "language": row["language"],
        "checked_at": row["checked_at"],
        "naturalness": row.get("naturalness"),
    }
    assert answer.json() == expected
    assert list(answer.json()) == list(expected)


def test_a_view_carries_the_check_typed_and_shows_it_as_kept(settings: Settings) -> None:
    ep = _owned(settings)
    result = read_result(FIRST)
    view = episode_view(None, ep, settings, result)
    assert view.check == result
    body = json.loads(encode(view))
    assert json.dumps(body["check"]) == json.dumps(FIRST)
    assert EpisodeView.model_validate(body).check == result
    assert episode_view(None, ep, settings).model_dump()["check"] is None


def test_the_command_line_prints_a_check(capsys: pytest.CaptureFixture[str]) -> None:
    print_check(read_result(CURRENT))
    assert capsys.readouterr().out.splitlines() == [
        "          heard back: word error rate 0.20, 2 of 5 sentences flagged",
        "          naturalness (DNSMOS, 1 to 5): 3.41, overall 2.87",
        "               0.0 s  0.00  One.",
        "                           heard:  Won.",
        "               1.2 s  0.50  Two words.",
        "                           heard:  Two birds.",
        '          lexicon suggestion: Kyiv = "Keev"',
        '          lexicon suggestion: "New York" = "New Yawk"',
    ]
    print_check(read_result(FIRST))
    assert "naturalness" not in capsys.readouterr().out
