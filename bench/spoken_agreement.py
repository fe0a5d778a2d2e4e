"""How often `narration.prepare.spoken.speak` agrees with an external text-normalisation case set.

Reads cases as `written<TAB>spoken` or NeMo's `written~spoken`, one a line; a directory
stands for every `*.txt` in it. Two readings agree when their bags of words are equal
after normalising both: lower case, hyphens and punctuation removed, and runs of single
letters joined ("A-M" and "AM" are both "am", "B-B-C" and "BBC" both "bbc"). Agreement is
reported strictly and with the word "and" ignored (num2words' UK "one hundred and five"
against "one hundred five"), per family (from the file name `test_cases_<family>.txt`, or
from the shape of the written form), and for a git revision of `narration/spoken` as the
figure before a change:

    .venv/bin/python bench/spoken_agreement.py CASES [CASES ...] [--style us] [--before HEAD]
        [--show-misses N]

The case files are not part of this repository; see the report printed for their paths.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Case:
    written: str
    spoken: str
    family: str


SHAPES: tuple[tuple[str, str], ...] = (
    ("time", r"\d:\d\d|\d\s?[ap]\.?m\b"),
    ("money", r"[$£€¥₩₹]|\b(?:yuan|CHF)\b"),
    ("measure", r"\d\s?(?:k?g|km|m|cm|mm|lbs?|mph|°|min|hrs?|sec)\b"),
    ("date", r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d/\d+/\d|\d{4}-\d\d"),
    ("fraction", r"\d/\d"),
    ("ordinal", r"\d(?:st|nd|rd|th)\b"),
    ("decimal", r"\d?\.\d"),
    ("cardinal", r"\d"),
)
"""The family of a case without one in its file name: the first shape its written form has."""


def family_of(path: Path, written: str) -> str:
    named = re.fullmatch(r"test_cases_(\w+)\.txt", path.name)
    if named:
        return named[1]
    for family, shape in SHAPES:
        if re.search(shape, written, re.IGNORECASE):
            return family
    return "other"


def read_cases(paths: Iterable[Path]) -> list[Case]:
    cases: list[Case] = []
    for path in paths:
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for file in files:
            for line in file.read_text(encoding="utf-8").splitlines():
                separator = "\t" if "\t" in line else "~"
                written, found, spoken = line.partition(separator)
                if found and written.strip() and spoken.strip():
                    cases.append(Case(written, spoken, family_of(file, written)))
    return cases


def words(text: str, *, ignore_and: bool) -> Counter[str]:
    """The bag of words of a reading, normalised for comparison."""
    text = text.lower().replace("-", " ").replace("–", " ").replace("'", "").replace("’", "")
    tokens = re.findall(r"[^\W_]+", text)
    joined: list[str] = []
    spelled = False
    for token in tokens:
        # Runs of single letters are one spelled token: "a m" -> "am", "b b c" -> "bbc".
        letter = len(token) == 1 and token.isalpha()
        if letter and spelled:
            joined[-1] += token
            continue
        joined.append(token)
        spelled = letter
    return Counter(t for t in joined if not (ignore_and and t == "and"))


def speak_all(written: list[str], style: str, revision: str | None) -> list[str]:
    """Speak every written form with the working tree's rules, or with those at `revision`."""
    if revision is None:
        from narration.prepare.spoken import speak

        return [speak(text, style) for text in written]  # type: ignore[arg-type]
    # The rules moved from narration/spoken to narration/prepare/spoken.
    folder = "narration/prepare/spoken"
    listed = subprocess.run(
        ["git", "ls-tree", "-d", revision, folder], cwd=ROOT, capture_output=True, text=True
    )
    if not listed.stdout.strip():
        folder = "narration/spoken"
    module = folder.replace("/", ".")
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", revision, folder],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        tar_path = Path(tmp) / "spoken.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        for package in Path(tmp, folder).parents:
            if package != Path(tmp) and package.is_relative_to(tmp):
                (package / "__init__.py").touch()
        script = (
            "import json, sys\n"
            f"from {module} import speak\n"
            "texts = json.load(sys.stdin)\n"
            f"json.dump([speak(t, {style!r}) for t in texts], sys.stdout)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp,
            input=json.dumps(written),
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
        )
        result: list[str] = json.loads(done.stdout)
        return result


def agreement(cases: list[Case], spoken: list[str]) -> dict[str, tuple[int, int, int]]:
    """Per family (and "all"): cases, strict agreements, agreements ignoring "and"."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case, ours in zip(cases, spoken, strict=True):
        strict = words(ours, ignore_and=False) == words(case.spoken, ignore_and=False)
        loose = words(ours, ignore_and=True) == words(case.spoken, ignore_and=True)
        for key in (case.family, "all"):
            tally[key][0] += 1
            tally[key][1] += strict
            tally[key][2] += loose
    return {key: (n, s, a) for key, (n, s, a) in tally.items()}


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   - "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", type=Path, help="case files or directories")
    parser.add_argument("--style", default="us", choices=["us", "uk"])
    parser.add_argument("--before", default="HEAD", help="git revision for the before figure")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N")
    args = parser.parse_args()

    cases = read_cases(args.cases)
    written = [case.written for case in cases]
    after = speak_all(written, args.style, None)
    before = speak_all(written, args.style, args.before)
    now, then = agreement(cases, after), agreement(cases, before)

    print(f"{len(cases)} cases from {', '.join(str(p) for p in args.cases)}; style {args.style}")
    print(f"{'family':<12} {'cases':>5}   {args.before + ' strict':>14} {'no and':>7}   "
          f"{'now strict':>10} {'no and':>7}")  # fmt: skip
    for family in sorted(now, key=lambda k: (k == "all", k)):
        n, strict, loose = now[family]
        _, strict_before, loose_before = then[family]
        print(
            f"{family:<12} {n:>5}   {percent(strict_before, n):>14} {percent(loose_before, n):>7}"
            f"   {percent(strict, n):>10} {percent(loose, n):>7}"
        )
    shown = 0
    for case, ours in zip(cases, after, strict=True):
        if shown >= args.show_misses:
            break
        if words(ours, ignore_and=True) != words(case.spoken, ignore_and=True):
            print(f"  [{case.family}] {case.written!r}")
            print(f"      ours:   {ours}\n      theirs: {case.spoken}")
            shown += 1


if __name__ == "__main__":
    main()
