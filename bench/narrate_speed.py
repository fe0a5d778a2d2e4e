"""How long `narration narrate` takes for a ~2,000-word article, against the tools alone.

Targets: narrating the article cold takes at most 0.6 times the serial floor (`espeak-ng -w`
on the same spoken text, then an ffmpeg MP3 encode at the same bitrate and sample rate);
editing one paragraph costs at most 0.15 times the cold run; an unchanged article takes
under 0.3 s and changes no file.

    .venv/bin/python bench/narrate_speed.py [--words 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_gen import edit_paragraph, make_article

ROOT = Path(__file__).resolve().parent.parent
NARRATION = str(ROOT / ".venv" / "bin" / "narration")


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, proc.stdout


def narrate(source: Path, out: Path) -> tuple[float, dict[str, Any]]:
    seconds, stdout = timed([NARRATION, "narrate", str(source), "--out", str(out), "--json"])
    return seconds, json.loads(stdout.strip().splitlines()[-1])


def spoken_text(source: Path) -> tuple[str, int, int]:
    """The text the product reads (headings and sentences), its word count and sentences."""
    _, stdout = timed([NARRATION, "prepare", str(source), "--json"])
    doc = json.loads(stdout)
    lines: list[str] = []
    sentences = []
    for sec in doc["sections"]:
        lines.append(sec["heading_spoken"])
        sentences += [s["spoken"] for s in sec["sentences"]]
        lines += [s["spoken"] for s in sec["sentences"]]
    if len(set(sentences)) != len(sentences):
        print("warning: the article repeats sentences", file=sys.stderr)
    return "\n".join(lines) + "\n", int(doc["word_count"]), len(sentences)


def snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(out)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    article = make_article(args.words)
    edited, edited_sentences = edit_paragraph(article)
    rows: dict[str, list[float]] = {}

    def record(name: str, value: float) -> None:
        rows.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory(prefix="narrate-speed-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "article.md"
        source.write_text(article.markdown(), encoding="utf-8")
        spoken, words, sentences = spoken_text(source)
        text, wav, mp3 = tmp / "spoken.txt", tmp / "out.wav", tmp / "out.mp3"
        text.write_text(spoken, encoding="utf-8")
        for _ in range(args.runs):
            t_espeak, _ = timed(
                ["espeak-ng", "-v", "en", "-s", "170", "-w", str(wav), "-f", str(text)]
            )
            t_ffmpeg, _ = timed(
                ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "libmp3lame",
                 "-b:a", "64k", "-ar", "22050", "-ac", "1", str(mp3)]
            )  # fmt: skip
            record("baseline espeak-ng -w (s)", t_espeak)
            record("baseline ffmpeg MP3 (s)", t_ffmpeg)
            record("baseline total (s)", t_espeak + t_ffmpeg)
        baseline_audio = wav_seconds(wav)

        for run in range(args.runs):
            out = tmp / f"out-{run}"
            source.write_text(article.markdown(), encoding="utf-8")
            t_cold, cold = narrate(source, out)
            record("narrate cold (s)", t_cold)
            record("  cold: clips synthesised", cold["synthesised_clips"])
            record("episode audio (s)", cold["duration_s"])
            source.write_text(edited.markdown(), encoding="utf-8")
            t_warm, warm = narrate(source, out)
            record("narrate warm, one paragraph edited (s)", t_warm)
            record(
                f"  warm: clips synthesised ({edited_sentences} sentences edited)",
                warm["synthesised_clips"],
            )
            before = snapshot(out)
            t_same, same = narrate(source, out)
            after = snapshot(out)
            changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
            record("narrate unchanged (s)", t_same)
            record("  unchanged: clips synthesised", same["synthesised_clips"])
            record("  unchanged: files changed", len(changed))
            if same["status"] != "unchanged" or changed:
                print(f"note: unchanged run {run}: {same['status']}, {sorted(changed)}")

    med = {k: statistics.median(v) for k, v in rows.items()}
    cold_s, base_s = med["narrate cold (s)"], med["baseline total (s)"]
    print(f"narrate_speed: {args.words}-word target, median of {args.runs} runs")
    table: list[tuple[str, str]] = [
        ("words (written / as counted by prepare)", f"{article.words()} / {words}"),
        ("sentences (all distinct)", str(sentences)),
        ("baseline audio, espeak-ng WAV (s)", f"{baseline_audio:.1f}"),
    ]
    for name, values in rows.items():
        runs = ", ".join(_fmt(v) for v in values)
        table.append((name, f"{_fmt(med[name])}  [{runs}]"))
    table += [
        ("ratio narrate cold / baseline", f"{cold_s / base_s:.2f}  (target <= 0.60)"),
        (
            "ratio one paragraph edited / cold",
            f"{med['narrate warm, one paragraph edited (s)'] / cold_s:.2f}  (target <= 0.15)",
        ),
        ("unchanged run (s)", f"{med['narrate unchanged (s)']:.2f}  (target < 0.30)"),
        ("real-time factor (episode audio / narrate)", f"{med['episode audio (s)'] / cold_s:.1f}x"),
    ]
    width = max(len(k) for k, _ in table)
    for key, value in table:
        print(f"  {key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
