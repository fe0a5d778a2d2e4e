"""Precision and recall of the listening check's flags on a marked set of sentences.

The set (bench/check_flags_marked.json, recorded by bench/check_flags_record.py) holds
episodes of real article text read by the espeak-ng voice and the Piper voice: every
sentence with its times, every word the recogniser heard with its times, and per sentence
a mark, ``"misread": true`` where a listener would hear the voice say something other than
the text. The comparison (``narration.check.compare.compare``) is run again on them
offline, so no audio is heard here. A flag is right when its sentence is marked misread:

    precision  flagged and misread / flagged
    recall     flagged and misread / misread

How the sentences were marked: nobody listened to them. Each sentence's text (and its
spoken form) was read side by side with what the recogniser heard, and marked misread
where a word that carries meaning (a name, a noun, a verb, an adjective, a number) was
heard as a word that does not sound the same, was not heard, or a word of that kind was
heard that the text does not have ("Ofgem" heard as "Often", "Sarah Lin of" as "Sarah
Lennon"). Not misread: another spelling of the same sound ("flue" as "flu", "Whitaker" as
"Whittaker"), a number, date or sum in another form, a compound split or joined, another
ending (a plural s, -ed), punctuation and capitals, and small words alone ("as" heard as
"and", "a" as "the"). The recogniser stands in for the listener: where it misheard a word
the voice said right, the mark says misread all the same, and each mark has a note.

    .venv/bin/python bench/check_flags.py [--before /tmp/before-c] [--list]

``--before DIR`` runs the same measurement with the ``narration`` package of another
checkout (e.g. a worktree of the previous commit) and prints it first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "check_flags_marked.json"


def measure(data: Path, show: bool) -> dict[str, dict[str, int]]:
    from narration.check.compare import compare
    from narration.check.report import HeardWord
    from narration.model import Cue

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for episode in json.loads(data.read_text(encoding="utf-8")):
        marked = list(episode["sentences"])
        cues = [Cue(s["start_s"], s["end_s"], s["text"]) for s in marked]
        words = [HeardWord(w["text"], w["start_s"], w["end_s"]) for w in episode["words"]]
        found = compare(cues, words, "en", 0.7)
        results = iter(found.sentences)
        result = next(results, None)
        for sentence in marked:
            flagged = False
            if result is not None and result.text == sentence["text"]:
                flagged = result.flagged
                heard, value = result.heard, result.score
                result = next(results, None)
            else:
                heard, value = "", 1.0
            misread = bool(sentence.get("misread"))
            for key in (episode["voice"], "all"):
                row = counts[key]
                row["sentences"] += 1
                row["misread"] += misread
                row["flagged"] += flagged
                row["right"] += flagged and misread
            if show and (flagged or misread):
                tag = {(1, 1): "right", (1, 0): "FALSE", (0, 1): "MISSED"}[flagged, misread]
                print(f"{tag:6} {value:.2f} {episode['voice']} | {sentence['text']}")
                print(f"{'':12} heard: {heard}")
    return {k: dict(v) for k, v in counts.items()}


def report(title: str, counts: dict[str, dict[str, int]]) -> None:
    print(title)
    for key, row in sorted(counts.items(), key=lambda kv: kv[0] == "all"):
        precision = row["right"] / row["flagged"] if row["flagged"] else float("nan")
        recall = row["right"] / row["misread"] if row["misread"] else float("nan")
        print(
            f"  {key:24} sentences {row['sentences']:4}  misread {row['misread']:3}  "
            f"flagged {row['flagged']:3}  right {row['right']:3}  "
            f"precision {precision:.2f}  recall {recall:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--before", type=Path, help="checkout whose narration to measure first")
    parser.add_argument("--list", action="store_true", help="print every flagged or misread")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.data, False)))
        return
    if args.before:
        done = subprocess.run(
            [sys.executable, __file__, "--data", str(args.data.resolve()), "--json"],
            env={**os.environ, "PYTHONPATH": str(args.before)},
            cwd=args.before, capture_output=True, text=True, check=True,
        )  # fmt: skip
        report(f"before ({args.before})", json.loads(done.stdout))
    sys.path.insert(0, str(ROOT))
    report("after" if args.before else "this checkout", measure(args.data, args.list))


if __name__ == "__main__":
    main()
