"""Choosing a voice: each voice on the three samples, how natural, how well heard, how fast.

Per voice and sample: `narration narrate` cold (a fresh output directory; model loading
included), its wall time over the episode's length (real-time factor) and the peak PSS
of its process tree (summed over its processes, read from /proc every 50 ms); then
`narration check` of the episode, for the listening check's word error rate and DNSMOS
naturalness (P.808 ``mos`` and P.835 ``ovrl``). The README's voice table is its output.

    .venv/bin/python bench/voices.py [--voices pyttsx3:en,kokoro:af_heart] [--samples a.md,b.html]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from narrate_memory import descendants, pss

ROOT = Path(__file__).resolve().parent.parent
NARRATION = str(ROOT / ".venv" / "bin" / "narration")
MIB = 1024 * 1024
VOICES = ("pyttsx3:en", "piper:en_US-joe-medium", "kokoro:af_heart", "kokoro:bf_emma")


def narrate(source: Path, out: Path, voice: str) -> tuple[float, dict[str, object], int]:
    """Wall time, the JSON line and the tree's peak PSS of one cold narration."""
    cmd = [NARRATION, "narrate", str(source), "--out", str(out), "--voice", voice, "--json"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(pss(p) for p in descendants(proc.pid)))
        time.sleep(0.05)
    wall = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{voice} on {source.name} failed: {stderr.decode()}")
    return wall, json.loads(stdout.decode().splitlines()[-1]), peak


def check(audio: Path, out: Path) -> dict[str, object]:
    done = subprocess.run(
        [NARRATION, "check", str(audio), "--out", str(out), "--json"],
        capture_output=True, check=True,
    )  # fmt: skip
    line = json.loads(done.stdout.decode().splitlines()[-1])
    result = line.get("check", line)
    assert isinstance(result, dict)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default=",".join(VOICES))
    parser.add_argument("--samples", default="")
    args = parser.parse_args()
    samples = (
        [ROOT / "samples" / s for s in args.samples.split(",")]
        if args.samples
        else sorted((ROOT / "samples").iterdir())
    )
    print("| voice | sample | audio | RTF (cold) | peak PSS, tree | WER | DNSMOS P.808 | OVRL |")
    print("|---|---|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-voices-") as tmp_name:
        tmp = Path(tmp_name)
        for voice in args.voices.split(","):
            for sample in samples:
                out = tmp / f"{voice.replace(':', '-')}-{sample.stem}"
                wall, line, peak = narrate(sample, out, voice)
                audio_s = float(str(line["duration_s"]))
                heard = check(Path(str(line["audio_path"])), out)
                nat = heard.get("naturalness") or {}
                assert isinstance(nat, dict)
                wer = float(str(heard["wer"]))
                print(
                    f"| {voice} | {sample.name} | {audio_s:.0f} s | {wall / audio_s:.3f} "
                    f"| {peak / MIB:.0f} MB | {wer:.3f} | {nat.get('mos', float('nan')):.2f} "
                    f"| {nat.get('ovrl', float('nan')):.2f} |",
                    flush=True,
                )
                row = totals.setdefault(voice, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
                row[0] += wall
                row[1] += audio_s
                row[2] = max(row[2], peak / MIB)
                row[3] += wer * audio_s
                row[4] += float(nat.get("mos", 0.0)) * audio_s
                row[5] += float(nat.get("ovrl", 0.0)) * audio_s
    print("\nper voice, over the samples (WER and DNSMOS weighted by audio length):")
    print("| voice | DNSMOS P.808 | OVRL | WER | RTF (cold) | peak PSS, tree |")
    print("|---|---|---|---|---|---|")
    for voice, (wall, audio, peak, wer, mos, ovrl) in totals.items():
        print(
            f"| {voice} | {mos / audio:.2f} | {ovrl / audio:.2f} | {wer / audio:.3f} "
            f"| {wall / audio:.3f} | {peak:.0f} MB |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
