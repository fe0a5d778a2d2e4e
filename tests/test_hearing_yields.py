"""A check after publishing never delays a narration: the hearing process runs at the
lowest CPU priority and, before each window of audio, waits while the service narrates.
With the real recogniser and an espeak-ng episode."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from narration.check.report import Check
from narration.config import Settings
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator
from narration.service.hearing import Narrating, hear_when_idle, lowest_priority

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

ARTICLE = """---
title: The ferry returns
language: en
---

The ferry across the harbour runs again from Monday. The council paid for new engines.
"""


def test_a_check_waits_for_the_narration_then_resumes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        out_dir=tmp_path / "out", voice="pyttsx3:en", check_cache_dir=tmp_path / "model"
    )
    source = tmp_path / "a.md"
    source.write_text(ARTICLE, encoding="utf-8")
    with Narrator(settings) as narrator:
        (made,) = narrator.narrate([load_article(str(source), settings)])
    narrating = Narrating()
    events: list[str] = []
    result: list[Check] = []

    policies: list[int] = []

    def check() -> None:
        result.append(hear_when_idle(str(narrating.path), made.episode, settings))
        policies.append(os.sched_getscheduler(0))
        events.append("check done")

    caplog.set_level(logging.INFO, logger="narration.service.hearing")
    narrating.started()  # a narration runs when the check starts
    narrating.started()  # and another
    hearing = threading.Thread(target=check)
    hearing.start()
    while "hearing waits" not in caplog.text:
        hearing.join(0.1)
        assert hearing.is_alive(), "the check ended without waiting"
    narrating.ended()
    hearing.join(0.5)
    assert hearing.is_alive()  # one narration still runs: the check still waits
    events.append("narrations done")
    narrating.ended()
    hearing.join(300)
    assert not hearing.is_alive()
    assert events == ["narrations done", "check done"]
    assert "hearing resumes" in caplog.text
    (heard,) = result
    assert heard.wer < 0.2 and len(heard.sentences) >= 3
    # The thread that heard it (the hearing process's, in the service) ran at the lowest
    # priority.
    assert lowest_priority() == "SCHED_IDLE"
    assert policies == [os.SCHED_IDLE]
    narrating.close()
    assert not narrating.path.parent.exists()
