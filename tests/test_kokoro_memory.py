"""The memory of a Kokoro narration's whole process tree, on a 10,000-word article.

The tree (the command, its forkserver and its synthesis workers, each with a Kokoro
session) must stay under 2 GB of PSS whatever the article's length: the model is loaded
once per worker and kept, and the audio is rendered two minutes at a time. So that the
test renders a whole hour of episode in minutes, the clip cache is filled beforehand for
all but one sentence in 40 (a clip of noise at the episodes' rate, under the name Kokoro's
clip of the sentence has): Kokoro reads the rest, in two workers, and the command
prepares, renders, encodes and tags all 10,000 words. The growth of a worker's memory
over thousands of distinct sentences is bench/kokoro_speed.py's to measure
(``--words 10000 --no-floor``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from narration.audio.script import Speech
from narration.config import Settings
from narration.episode.maker import EpisodeMaker
from narration.prepare.load import load_article
from narration.tts import kokoro_files
from narration.tts.voices import Voices
from tests.helpers import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not kokoro_files.kokoro_installed(), reason="needs narration[kokoro]"),
]

BOUND_MB = 2000
WORDS = 10_000
READ_EVERY = 40


def _article_gen():  # type: ignore[no-untyped-def]
    """bench/article_gen.py: seeded news articles whose sentences are all distinct."""
    spec = importlib.util.spec_from_file_location("article_gen", ROOT / "bench" / "article_gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("article_gen", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _noise_clip(path: Path, seconds: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    samples = (rng.standard_normal(int(22050 * seconds)) * 2000).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(samples.tobytes())


def _read(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode(errors="replace")
    except OSError:  # the process has gone
        return ""


def tree_pss(root: int) -> int:
    """PSS in bytes of ``root`` and every process below it."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        stat = _read(f"/proc/{name}/stat") if name.isdigit() else ""
        if stat:
            parents[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root}
    grew = True
    while grew:
        found = {p for p, parent in parents.items() if parent in tree and p not in tree}
        tree |= found
        grew = bool(found)
    total = 0
    for pid in tree:
        rollup = _read(f"/proc/{pid}/smaps_rollup")
        line = next((x for x in rollup.splitlines() if x.startswith("Pss:")), "Pss: 0 kB")
        total += int(line.split()[1]) * 1024
    return total


def test_a_10000_word_kokoro_episode_keeps_the_tree_under_2_gb(tmp_path: Path) -> None:
    source = tmp_path / "long.md"
    source.write_text(_article_gen().make_article(WORDS).markdown(), encoding="utf-8")
    out = tmp_path / "out"
    settings = Settings(out_dir=out, voice="kokoro:af_heart")
    article = load_article(str(source), settings)
    speeches = [seg for seg in EpisodeMaker(settings).script(article).segments
                if isinstance(seg, Speech)]  # fmt: skip
    assert sum(len(s.spoken.split()) for s in speeches) >= WORDS
    voices = Voices(settings)
    try:
        reader = voices.cast(article.language).reader
        for i, speech in enumerate(speeches):
            if i % READ_EVERY:
                _noise_clip(reader.clip_path(speech.spoken), 4 + len(speech.spoken) / 20, i)
    finally:
        voices.close()

    cmd = [sys.executable, "-m", "narration.cli", "narrate", str(source),
           "--out", str(out), "--voice", "kokoro:af_heart", "--json"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    peak = 0
    deadline = time.monotonic() + 1800
    while proc.poll() is None and time.monotonic() < deadline:
        peak = max(peak, tree_pss(proc.pid))
        time.sleep(0.1)
    if proc.poll() is None:
        proc.kill()
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr.decode()[-2000:]
    episode = json.loads(stdout.decode().splitlines()[-1])
    # Kokoro read the sentences left to it; the episode holds every sentence.
    assert episode["synthesised_clips"] >= len(speeches) // READ_EVERY, episode
    assert episode["duration_s"] > 50 * 60, episode["duration_s"]
    figures = f"peak PSS {peak / 2**20:.0f} MB, {episode['synthesised_clips']} clips read"
    print(f"{figures}, {episode['duration_s'] / 60:.0f} min of audio")  # shown by pytest -s
    assert 0 < peak < BOUND_MB * 1024 * 1024, figures
