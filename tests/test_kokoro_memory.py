"""The memory of a Kokoro narration's whole process tree, on a 10,000-word article.

The tree (the command, its forkserver and its synthesis workers, each with a Kokoro
session) must stay under 2 GB of PSS whatever the article's length: the model is loaded
once per worker and kept, and the audio is rendered two minutes at a time. So that the
test reads a whole hour of episode in minutes, the article is made of a few dozen
distinct sentences of every length, in paragraphs that each combine them differently:
Kokoro reads each sentence once (the clip cache has the rest), and the command prepares,
renders, encodes and tags all 10,000 words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from narration.tts import kokoro_files
from tests.helpers import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not kokoro_files.kokoro_installed(), reason="needs narration[kokoro]"),
]

BOUND_MB = 2000
WORDS = 10_000

SENTENCES = (
    "The council met on Tuesday.",
    "Rents in the city rose again this spring, and tenants say they have nowhere left to go.",
    "Officials said the new bus lanes would open before the end of the year.",
    "Nobody expected the vote to be this close.",
    "The harbour authority has asked for more time to study the plans for the tunnel under "
    "the estuary, which would carry two lanes of traffic in each direction and a line for "
    "freight trains.",
    "Shops on the high street reported their busiest weekend since the summer.",
    "A spokesperson declined to comment.",
    "Engineers will inspect the bridge every month until the repairs are finished.",
    "The school will stay closed while the heating is replaced.",
    "Farmers in the valley have waited three years for the new water pipe, and some of them "
    "have sold their herds because the wells ran dry during the long, hot summer.",
    "Prices fell.",
    "The mayor promised a decision by the autumn.",
    "Visitors will pay a small charge to enter the park at weekends.",
    "The report found that most people walk or cycle to work when the weather is fair.",
    "It is the third time this year that the line has been closed for repairs.",
    "Residents queued for hours outside the town hall.",
    "The library is to open on Sundays for the first time.",
    "Several families have been moved to temporary homes while the flats are made safe, "
    "and the council says it cannot yet tell them when they will be able to return.",
    "The festival drew more than forty thousand people.",
    "Police closed the road for most of the afternoon.",
    "Hospital staff said the new ward would ease the pressure on the emergency department.",
    "The ferry will run every half hour in the summer.",
    "The plan still needs the approval of the regional government.",
    "Traders said the market had never been so quiet.",
)


def article(words: int) -> str:
    """A Markdown article of about ``words`` words: headings every ten paragraphs, each
    paragraph four of :data:`SENTENCES` in an order no other paragraph has."""
    n = len(SENTENCES)
    lines = ["---", "title: A Long Week in the City", "language: en", "---", ""]
    count = paragraph = 0
    while count < words:
        if paragraph % 10 == 0:
            lines += [f"## Part {paragraph // 10 + 1}", ""]
        picks = [(paragraph * k + k * k) % n for k in (1, 3, 5, 7)]
        text = " ".join(SENTENCES[i] for i in dict.fromkeys(picks))
        lines += [text, ""]
        count += len(text.split())
        paragraph += 1
    return "\n".join(lines)


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
    text = article(WORDS)
    source.write_text(text, encoding="utf-8")
    assert len(text.split()) >= WORDS
    cmd = [sys.executable, "-m", "narration.cli", "narrate", str(source),
           "--out", str(tmp_path / "out"), "--voice", "kokoro:af_heart", "--json"]  # fmt: skip
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
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()[-2000:]
    episode = json.loads(out.decode().splitlines()[-1])
    # The whole article was read: over 10,000 words at about 170 a minute.
    assert episode["duration_s"] > 50 * 60, episode["duration_s"]
    assert 0 < peak < BOUND_MB * 1024 * 1024, f"peak PSS {peak / 2**20:.0f} MB"
