"""How fast the listening check hears an episode, how much memory it needs, and what it
finds: every sample in samples/ narrated with the espeak-ng voice and the Piper voice,
then checked in a fresh process of its own.

Figures printed (none asserted), per sample and voice:
  audio      seconds of audio heard
  check      wall time of the check (model loading included: a fresh process)
  rtf        check time / audio time (lower is faster)
  peak_mb    the checking process's peak RSS (ru_maxrss)
  wer        the episode's word error rate against its display text
  flagged    sentences flagged / sentences heard

    .venv/bin/python bench/check_speed.py [--voices pyttsx3:en piper:en_US-joe-medium]
        [--beam 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").iterdir())

_CHECK = """
import json, resource, sys, time
from pathlib import Path
from narration.check.run import check_episode
from narration.config import Settings
from narration.store.catalog import Catalog
from narration.store.database import Database
args = json.loads(sys.argv[1])
settings = Settings(out_dir=Path(args["out"]), check_beam_size=args["beam"],
                    check_threads=args["threads"], check_cache_dir=args["cache"])
db = Database.open(settings)
[episode] = Catalog(db).list("default")
started = time.monotonic()
check = check_episode(episode, settings)
took = time.monotonic() - started
print(json.dumps({
    "audio": check.audio_s, "check": took, "wer": check.wer,
    "flagged": len(check.flagged), "sentences": len(check.sentences),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worst": [[s.text, s.heard, s.score] for s in check.flagged][:3],
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voices", nargs="+", default=["pyttsx3:en", "piper:en_US-joe-medium"])
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = str(Path(tmp) / "model")
        print(f"beam {args.beam}, {args.threads} threads, int8 on the CPU ({os.cpu_count()} cores)")
        print(f"{'sample':28} {'voice':24} {'audio':>7} {'check':>7} {'rtf':>5} "
              f"{'peak_mb':>7} {'wer':>6} flagged")  # fmt: skip
        worst: list[str] = []
        for voice in args.voices:
            for sample in SAMPLES:
                out = Path(tmp) / f"{voice.replace(':', '-')}-{sample.stem}"
                subprocess.run(
                    [sys.executable, "-m", "narration.cli", "narrate", str(sample),
                     "--out", str(out), "--voice", voice],
                    cwd=ROOT, check=True, capture_output=True,
                )  # fmt: skip
                spec = {"out": str(out), "beam": args.beam, "threads": args.threads,
                        "cache": cache}  # fmt: skip
                done = subprocess.run(
                    [sys.executable, "-c", _CHECK, json.dumps(spec)],
                    cwd=ROOT, check=True, capture_output=True, text=True,
                )  # fmt: skip
                r = json.loads(done.stdout.splitlines()[-1])
                print(
                    f"{sample.name[:28]:28} {voice[:24]:24} {r['audio']:7.1f} {r['check']:7.1f} "
                    f"{r['check'] / r['audio']:5.2f} {r['peak_mb']:7.0f} {r['wer']:6.3f} "
                    f"{r['flagged']}/{r['sentences']}",
                    flush=True,
                )
                for text, heard, score in r["worst"]:
                    worst.append(f"  {voice} {sample.stem}: {score:.2f} {text!r} heard {heard!r}")
        if worst:
            print("\nflagged sentences (at most three per episode):")
            print("\n".join(worst))


if __name__ == "__main__":
    main()
