"""`narration narrate --voice kokoro:af_heart` against kokoro-onnx alone, side by side.

The floor is kokoro-onnx by itself: one process, its default onnxruntime session (default
threads), reading the article's spoken text (its headings and sentences as `narration
prepare` gives them) sentence by sentence at the same speed, model load included. The
command is timed cold (an empty output directory, so no clip is cached; the joined model
already in the cache, as it is for the floor), and the PSS of its whole process tree is
read from /proc every 50 ms.

Targets: the command takes at most 0.9 times the floor; its audio is within 10 % of the
floor's (the command also reads an intro and an outro); the tree's PSS stays under 2 GB
(run with --words 10000 for that figure). Runs alternate floor and command so that a
machine busy with other work weighs on both alike.

    .venv/bin/python bench/kokoro_speed.py [--words 2000] [--runs 1] [--voice af_heart]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_gen import make_article
from narrate_memory import descendants, pss, rss

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
NARRATION = str(ROOT / ".venv" / "bin" / "narration")
MIB = 1024 * 1024

FLOOR = """
import json, resource, sys, time
start = time.perf_counter()
from kokoro_onnx import Kokoro
model, voices, voice, lang, speed, text = sys.argv[1:7]
kokoro = Kokoro(model, voices)
loaded = time.perf_counter() - start
samples = 0
for line in open(text, encoding="utf-8").read().splitlines():
    if line.strip():
        audio, rate = kokoro.create(line, voice, speed=float(speed), lang=lang)
        samples += len(audio)
print(json.dumps({"audio_s": samples / rate, "load_s": loaded,
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""
"""kokoro-onnx alone, as its README uses it: ``Kokoro(model, voices).create(...)``."""


def spoken_lines(source: Path) -> tuple[list[str], int]:
    """The headings and sentences the command reads, as spoken, and the word count."""
    doc = json.loads(
        subprocess.run(
            [NARRATION, "prepare", str(source), "--json"], check=True, capture_output=True
        ).stdout
    )
    lines: list[str] = []
    for sec in doc["sections"]:
        lines.append(sec["heading_spoken"])
        lines += [s["spoken"] for s in sec["sentences"]]
    return [line for line in lines if line.strip()], int(doc["word_count"])


def floor(text: Path, voice: str) -> tuple[float, dict[str, float]]:
    from narration.tts import kokoro, kokoro_files

    args = [
        str(kokoro_files.model_path()),
        str(kokoro_files.voices_npz()),
        voice,
        kokoro_files.ESPEAK_LANGUAGE[voice[0]],
        str(kokoro.speed_for(170)),
        str(text),
    ]
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", FLOOR, *args], check=True, capture_output=True)
    return time.perf_counter() - start, json.loads(done.stdout.decode().splitlines()[-1])


def ours(source: Path, out: Path, voice: str) -> tuple[float, dict[str, object], int, int]:
    """Wall time, the JSON line, the tree's peak PSS and its peak summed RSS."""
    cmd = [NARRATION, "narrate", str(source), "--out", str(out), "--json",
           "--voice", f"kokoro:{voice}"]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        tree = descendants(proc.pid)
        peak_pss = max(peak_pss, sum(pss(p) for p in tree))
        peak_rss = max(peak_rss, sum(rss(p) for p in tree))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"narration narrate failed: {stderr.decode()}")
    return wall, json.loads(stdout.decode().splitlines()[-1]), peak_pss, peak_rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--voice", default="af_heart")
    parser.add_argument("--no-floor", action="store_true", help="only the command (memory)")
    args = parser.parse_args()

    from narration.tts import kokoro

    article = make_article(args.words)
    rows: dict[str, list[float]] = {}

    def record(name: str, value: float) -> None:
        rows.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory(prefix="kokoro-speed-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "article.md"
        source.write_text(article.markdown(), encoding="utf-8")
        lines, words = spoken_lines(source)
        text = tmp / "spoken.txt"
        text.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for run in range(args.runs):
            if not args.no_floor:
                t_floor, info = floor(text, args.voice)
                record("floor: kokoro-onnx alone (s)", t_floor)
                record("floor: model load (s)", info["load_s"])
                record("floor: audio (s)", info["audio_s"])
                record("floor: real-time factor", t_floor / info["audio_s"])
                record("floor: peak RSS (MiB)", info["peak_rss"] / MIB)
                speed = kokoro.speed_for(170)
                record("floor: words a minute at speed 1", words / info["audio_s"] * 60 / speed)
            t_ours, line, peak_pss, peak_rss = ours(source, tmp / f"out-{run}", args.voice)
            audio = float(str(line["duration_s"]))
            record("narrate cold (s)", t_ours)
            record("narrate: episode audio (s)", audio)
            record("narrate: real-time factor", t_ours / audio)
            record("narrate: tree peak PSS (MiB)", peak_pss / MIB)
            record("narrate: tree peak RSS summed (MiB)", peak_rss / MIB)
            if not args.no_floor:
                record("narrate / floor (target <= 0.9)", t_ours / t_floor)
                record("audio: narrate / floor", audio / info["audio_s"])

    print(f"kokoro_speed: kokoro:{args.voice}, {args.words}-word article "
          f"({len(lines)} spoken lines), median of {args.runs} run(s)")  # fmt: skip
    for name, values in rows.items():
        print(f"  {name:44} {statistics.median(values):10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
