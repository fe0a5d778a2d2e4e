"""How many marks the voice would read by name survive into spoken forms.

Prepares every real page in ``tests/realpages`` as the service does (its language
resolved, UK house style) and speaks every case of the spoken-form tables
(``tests/test_spoken.py`` and ``tests/spoken_cases.py``), then counts what
``narration.prepare.spoken.marks.unread`` finds in the spoken text: pages and cases that
hold any, occurrences, and the commonest runs with an example of each.

The counting rule is always this checkout's ``marks.py`` and its tables, loaded by path, so
the same rule can count an older revision's spoken forms:

    .venv/bin/python bench/spoken_marks.py
    git worktree add /tmp/before HEAD
    PYTHONPATH=/tmp/before .venv/bin/python bench/spoken_marks.py
    git worktree remove /tmp/before
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "realpages"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _unread() -> Callable[[str], list[str]]:
    marks = _load(ROOT / "narration" / "prepare" / "spoken" / "marks.py", "marks_rule")
    return marks.unread  # type: ignore[no-any-return]


def spoken_page(path: str) -> list[str]:
    """The spoken text of one page: title, headings and sentences."""
    from narration.ingest.extract import extract
    from narration.ingest.sources import read_source
    from narration.prepare.article import prepare
    from narration.prepare.language import resolve

    doc = extract(read_source(path))
    body = " ".join(block.text for block in doc.blocks)
    language = resolve(doc.language, body, default="en", detect_missing=True)
    article = prepare(doc, language=language, name=Path(path).stem)
    spoken = [article.title.spoken]
    for section in article.sections:
        if not section.heading_is_title:
            spoken.append(section.heading.spoken)
        spoken.extend(s.spoken for s in section.sentences)
    return spoken


def table_cases() -> list[tuple[str, str]]:
    """(written, style) of every case in this checkout's spoken-form tables."""
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))  # for "from tests import ..." (after PYTHONPATH)
    cases = _load(ROOT / "tests" / "spoken_cases.py", "spoken_cases_now")
    table = _load(ROOT / "tests" / "test_spoken.py", "test_spoken_now")
    rows = [(w, s) for w, s, _ in table.CASES] + [(w, s) for w, s, _ in cases.CASES]
    return list(dict.fromkeys(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=25, help="commonest runs to show")
    args = parser.parse_args()
    unread = _unread()
    import narration

    print(f"spoken forms from {Path(narration.__file__).parent.parent}")
    expected = json.loads((PAGES / "expect.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for entry in sorted(expected.values(), key=lambda e: e["file"]):
            path = Path(folder) / Path(entry["file"]).name.removesuffix(".gz")
            path.write_bytes(gzip.decompress((PAGES / entry["file"]).read_bytes()))
            paths.append(str(path))
        with ProcessPoolExecutor(max_workers=2) as pool:
            spoken = dict(zip(paths, pool.map(spoken_page, paths), strict=True))

    runs: Counter[str] = Counter()
    examples: dict[str, str] = {}
    pages_with = 0
    for sentences in spoken.values():
        found_here = 0
        for sentence in sentences:
            for run in unread(sentence):
                runs[run] += 1
                found_here += 1
                examples.setdefault(run, sentence[:100])
        pages_with += found_here > 0
    occurrences = sum(runs.values())
    print(
        f"real pages: {len(spoken)}, with marks read by name: {pages_with}, "
        f"occurrences: {occurrences}"
    )

    from narration.prepare.spoken import speak

    cases = table_cases()
    case_runs = [(written, style, unread(speak(written, style))) for written, style in cases]
    failing = [c for c in case_runs if c[2]]
    print(
        f"table cases: {len(cases)}, with marks read by name: {len(failing)}, "
        f"occurrences: {sum(len(c[2]) for c in failing)}"
    )
    for written, style, found in failing[: args.show]:
        print(f"  case {style}:{written!r}: {found}")
    for run, count in runs.most_common(args.show):
        print(f"  {count:5d} {run!r:14} e.g. {examples[run]!r}")


if __name__ == "__main__":
    main()
