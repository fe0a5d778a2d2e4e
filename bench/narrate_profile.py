"""Where the time of a cold `narration narrate` goes, process by process and stage by stage.

Three views of one cold run of a ~2,000-word article:
- CPU seconds (user + system) of each process of the tree, read from /proc every 20 ms: the
  main process, the synthesis workers, the server they fork from;
- the main process sampled by py-spy (all its threads: the encoder threads included),
  each sample put in the stage its stack is in: start-up imports, preparing the text,
  waiting for clips, MP3 encoding, peaks, tagging, catalog, feed;
- inside a worker, the same article's sentences synthesised by espeak-ng, checked and
  levelled in this process, timed stage by stage (CPU seconds).

    .venv/bin/python bench/narrate_profile.py [--words 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_gen import make_article
from narrate_memory import descendants, role

ROOT = Path(__file__).resolve().parent.parent
NARRATION = str(ROOT / ".venv" / "bin" / "narration")
PY_SPY = str(ROOT / ".venv" / "bin" / "py-spy")
TICK = os.sysconf("SC_CLK_TCK")
RATE = 200

# (stage, what a frame of its stack contains); the first match from the leaf up wins.
STAGES = [
    ("MP3 encoding", ("encode.py", "lameenc")),
    ("peaks", ("peaks.py",)),
    ("waiting for clips", ("PendingClip.result", "pool.py")),
    ("reading clips", ("from_wav", "read_clip", "pydub")),
    ("tagging", ("tags.py", "mutagen")),
    ("feed", ("publish/feed.py", "podcast_feed", "feedgen")),
    ("catalog", ("narration/store/", "sqlalchemy")),
    ("preparing the text", ("narration/prepare/", "narration/ingest/")),
    ("start-up imports", ("_find_and_load",)),
]


def cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().decode().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / TICK


def stage(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for name, marks in STAGES:
            if any(mark in frame for mark in marks):
                return name
    return "other"


def main_profile(source: Path, out: Path, raw: Path) -> tuple[float, dict[str, float]]:
    """Run narrate under py-spy; return its wall time and CPU seconds per process role."""
    command = [PY_SPY, "record", "-r", str(RATE), "-f", "raw", "--nonblocking", "-o", str(raw),
               "--", NARRATION, "narrate", str(source), "--out", str(out), "--json"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def watch() -> None:
        roles: dict[int, str] = {}
        while not done.is_set():
            tree = descendants(proc.pid)
            for pid, parent in tree.items():
                if pid == proc.pid:
                    continue  # py-spy itself
                if parent == proc.pid:
                    roles[pid] = "main"
                else:
                    roles.setdefault(pid, role(pid, parent, roles))
                used = cpu(pid)
                if used >= 0:
                    seen[pid] = (roles[pid], used)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    proc.wait()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    by_role: Counter[str] = Counter()
    for name, used in seen.values():
        by_role[name] += used
    return wall, dict(by_role)


def stages_of(raw: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack:
            counts[stage(stack)] += int(n)
    return counts


def worker_split(spoken: list[str]) -> dict[str, float]:
    from narration.audio.levels import level_clip, trim_silence
    from narration.model import LevelTarget
    from narration.tts.pyttsx3 import Pyttsx3Backend
    from narration.tts.worker import check_clip

    backend = Pyttsx3Backend("en", 170)
    rate = backend.sample_rate
    target = LevelTarget()
    split = Counter[str]()
    audio = 0
    for text in spoken:
        t = time.process_time()
        pcm = backend.synthesize(text)
        split["synthesis (espeak-ng)"] += time.process_time() - t
        t = time.process_time()
        check_clip(pcm, rate, text)
        trimmed = trim_silence(pcm, rate)
        split["checking and trimming"] += time.process_time() - t
        t = time.process_time()
        level_clip(trimmed, rate, target)
        split["levelling (loudness, limiter, true peak)"] += time.process_time() - t
        audio += len(trimmed) // 2
    split["audio (s)"] = audio / rate
    return dict(split)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="narrate-profile-") as name:
        tmp = Path(name)
        source = tmp / "article.md"
        source.write_text(make_article(args.words).markdown(), encoding="utf-8")
        prepared = subprocess.run([NARRATION, "prepare", str(source), "--json"],
                                  check=True, capture_output=True, text=True)  # fmt: skip
        doc = json.loads(prepared.stdout)
        spoken = [s["spoken"] for sec in doc["sections"] for s in sec["sentences"]]
        raw = tmp / "main.txt"
        wall, by_role = main_profile(source, tmp / "out", raw)
        samples = stages_of(raw)
    total = sum(samples.values()) or 1
    print(f"narrate_profile: cold run, {args.words}-word article, {len(spoken)} sentences")
    print(f"  wall time (s, under py-spy)                 {wall:.2f}")
    for name, used in sorted(by_role.items(), key=lambda kv: -kv[1]):
        print(f"  CPU s, {name:36} {used:.2f}")
    print(f"  CPU s, whole tree                           {sum(by_role.values()):.2f}")
    print("  main process, by stage (share of py-spy samples of busy threads):")
    for name, n in samples.most_common():
        print(f"    {name:40} {n / RATE:6.2f} s  {100 * n / total:5.1f} %")
    print("  inside a worker, per stage (CPU s, in this process):")
    for name, value in worker_split(spoken).items():
        print(f"    {name:40} {value:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
