"""A kept listening check, typed: read from the JSON every version wrote and written back
unchanged, so that the API and the command line show it as it was kept."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from narration.check.report import Check, SentenceCheck
from narration.check.result import (
    BadCheckJSON,
    CheckResult,
    FlaggedSentence,
    NaturalnessScores,
    read_result,
    result_json,
)

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
        **check.to_json(),
        "language": check.language,
        "audio_s": check.audio_s,
        "checked_at": at.isoformat(),
    }
    written = json.dumps(result_json(CheckResult.of(check, at)), ensure_ascii=False)
    assert written == json.dumps(expected, ensure_ascii=False)
    unmeasured = Check(wer=0.0, language="en", sentences=())
    assert result_json(CheckResult.of(unmeasured, at))["naturalness"] is None
