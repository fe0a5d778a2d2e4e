"""The worker pool: clips checked, stuck and dying workers replaced, one retry, clear errors."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from narration.audio.levels import loudness_lufs, pcm_to_float, true_peak_db
from narration.errors import BadInput, SynthesisError
from narration.model import LevelTarget
from narration.tts.base import create_backend, parse_voice
from narration.tts.pool import ClipJob, SynthesisPool, check_clip

pytestmark = pytest.mark.slow


def _job(tmp_path: Path, text: str, name: str = "clip") -> ClipJob:
    return ClipJob(text, tmp_path / f"{name}.wav", LevelTarget())


def test_pool_synthesises_levelled_clips(tmp_path: Path) -> None:
    with SynthesisPool(parse_voice("fake:tone", 170), workers=2, timeout_s=10) as pool:
        pending = [pool.submit(_job(tmp_path, "word " * n, f"c{n}")) for n in (3, 12)]
        short, long = (p.result() for p in pending)
    assert long.duration_s > short.duration_s * 2
    import wave

    with wave.open(str(long.path)) as w:
        x = pcm_to_float(w.readframes(w.getnframes()))
    assert abs(loudness_lufs(x, 22050) - (-16.0)) < 0.5
    assert true_peak_db(x, 22050) <= -1.5 + 0.05


def test_stuck_worker_is_killed_retried_once_then_fails(tmp_path: Path) -> None:
    with SynthesisPool(parse_voice("fake:tone", 170), workers=2, timeout_s=1.0) as pool:
        started = time.monotonic()
        stuck = pool.submit(_job(tmp_path, "never ends [[hang]]", "hang"))
        with pytest.raises(SynthesisError, match=r"after 2 attempts: no audio within 1 s"):
            stuck.result()
        assert time.monotonic() - started < 10
        # The pool replaced the killed worker and still works.
        assert pool.submit(_job(tmp_path, "still works fine", "ok")).result().samples > 0


def test_dying_worker_is_replaced(tmp_path: Path) -> None:
    with SynthesisPool(parse_voice("fake:tone", 170), workers=1, timeout_s=5) as pool:
        with pytest.raises(SynthesisError, match="worker process died"):
            pool.submit(_job(tmp_path, "boom [[crash]]", "crash")).result()
        assert pool.submit(_job(tmp_path, "after the crash", "ok")).result().samples > 0


def test_stopping_the_pool_ends_every_clip_still_waiting(tmp_path: Path) -> None:
    # A service that stops gives its job back: clips queued behind the one being read
    # fail at once, none is retried, and nobody waits on them for ever.
    pool = SynthesisPool(parse_voice("fake:tone", 170), workers=1, timeout_s=30)
    pending = [pool.submit(_job(tmp_path, "never ends [[hang]]", "hang"))]
    pending += [pool.submit(_job(tmp_path, f"clip number {n} " * 5, f"c{n}")) for n in range(30)]
    time.sleep(0.5)
    started = time.monotonic()
    pool.close(wait=False)
    outcomes: list[str] = []

    def collect() -> None:
        for clip in pending:
            try:
                clip.result()
                outcomes.append("done")
            except SynthesisError as exc:
                outcomes.append(str(exc))

    reader = threading.Thread(target=collect, daemon=True)
    reader.start()
    reader.join(20)
    assert not reader.is_alive(), f"{len(outcomes)} of {len(pending)} clips ended"
    assert time.monotonic() - started < 20
    stopped = [o for o in outcomes if o.endswith("the voice was stopped")]
    assert len(stopped) >= 29, outcomes
    with pytest.raises(SynthesisError, match="the voice was stopped"):
        pool.submit(_job(tmp_path, "after the stop", "late"))


def test_check_clip_refuses_empty_silent_and_absurd_audio() -> None:
    with pytest.raises(SynthesisError, match="too short"):
        check_clip(b"", 22050, "three short words")
    with pytest.raises(SynthesisError, match="silent"):
        check_clip(bytes(2 * 22050 * 2), 22050, "three short words")
    with pytest.raises(SynthesisError, match="too long"):
        check_clip(b"\x10\x10" * 22050 * 60, 22050, "two words")


def test_unknown_backend_and_malformed_voice_are_bad_input() -> None:
    with pytest.raises(BadInput, match="unknown TTS backend 'nope'"):
        create_backend(parse_voice("nope:en", 170))
    with pytest.raises(BadInput, match="backend:voice"):
        parse_voice("en", 170)


@pytest.mark.espeak
def test_pyttsx3_first_call_writes_its_own_audio() -> None:
    # pyttsx3's espeak driver used to return before writing the first file, then write both
    # utterances under the second name: each call must return exactly its own text's audio.
    backend = create_backend(parse_voice("pyttsx3:en", 170))
    short = backend.synthesize("Yes.")
    long = backend.synthesize("This sentence is a good deal longer than the first one was.")
    short_again = backend.synthesize("Yes.")
    assert 0.2 < len(short) / 2 / 22050 < 1.5
    assert len(long) > 3 * len(short)
    # Same text, same reading (to within espeak's few ms of start-up variation).
    assert abs(len(short_again) - len(short)) < 0.05 * len(short)


@pytest.mark.espeak
def test_pyttsx3_refuses_unknown_voice_and_empty_text() -> None:
    with pytest.raises(BadInput, match="unknown espeak-ng voice"):
        create_backend(parse_voice("pyttsx3:klingon-xx", 170))
    backend = create_backend(parse_voice("pyttsx3:en", 170))
    with pytest.raises(SynthesisError, match="empty"):
        backend.synthesize("   ")


@pytest.mark.espeak
def test_pyttsx3_honours_rate_and_voice() -> None:
    text = "The council met on Tuesday evening to discuss the budget for the coming year."
    slow = create_backend(parse_voice("pyttsx3:en", 120))
    fast = create_backend(parse_voice("pyttsx3:en", 240))
    # Each backend sets the process-wide espeak voice and rate again when it is used.
    slow_len, fast_len = len(slow.synthesize(text)), len(fast.synthesize(text))
    assert 1.6 < slow_len / fast_len < 2.4
    assert len(slow.synthesize(text)) == pytest.approx(slow_len, rel=0.05)
    french = create_backend(parse_voice("pyttsx3:fr", 170))
    english = create_backend(parse_voice("pyttsx3:en", 170))
    word = "Bonjour"
    assert french.synthesize(word) != english.synthesize(word)


def test_a_clip_asked_for_twice_while_it_is_made_is_made_once(tmp_path: Path) -> None:
    tally = tmp_path / "tally.txt"
    text = f"one sentence asked twice [[slow]] [[tally:{tally}]]"
    with SynthesisPool(parse_voice("fake:tone", 170), workers=2, timeout_s=10) as pool:
        first = pool.submit(_job(tmp_path, text, "twice"))
        second = pool.submit(_job(tmp_path, text, "twice"))
        other = pool.submit(_job(tmp_path, f"another sentence [[tally:{tally}]]", "other"))
        assert second is first
        assert first.result().samples == second.result().samples > 0
        assert other.result().samples > 0
        assert sorted(tally.read_text().splitlines()) == sorted([text, other.job.text])
        # Once made, the clip is no longer in flight: asking again makes it again (callers
        # look in the clip cache first).
        assert pool.submit(_job(tmp_path, text, "twice")) is not first
    assert tally.read_text().splitlines().count(text) == 2


def test_releasing_a_pool_lets_clips_being_made_finish_and_refuses_new_ones(
    tmp_path: Path,
) -> None:
    idle = SynthesisPool(parse_voice("fake:tone", 170), workers=2, timeout_s=10)
    assert idle.submit(_job(tmp_path, "one short sentence", "a")).result().samples > 0
    idle.release()
    with pytest.raises(SynthesisError, match="the voice was stopped"):
        idle.submit(_job(tmp_path, "after the release", "late"))
    busy = SynthesisPool(parse_voice("fake:tone", 170), workers=1, timeout_s=10)
    pending = busy.submit(_job(tmp_path, "still being read [[slow]]", "slow"))
    busy.release()  # a clip is pending: released as closed, after the clip is made
    assert pending.result().samples > 0
