"""Score the preparer and trafilatura alone, side by side, on the real-page corpus.

    .venv/bin/python bench/realpages_eval.py [--made] [--list]

Reads ``tests/realpages`` (108 real pages with must-keep and must-drop strings; see its
README), or with ``--made`` the pages written here in ``tests/realpages/made``. For each
side it prints the strings kept and dropped, precision, recall and F1 (a must-keep string
kept is a true positive, one missed a false negative, a must-drop string kept a false
positive), the pages refused, and the pieces read that look like program text. Both
sides read the same file: ours through ``extract`` and ``prepare`` (whichever
``narration`` is importable, so that ``PYTHONPATH=<another checkout>`` measures that
one), trafilatura through plain ``trafilatura.extract`` with its default options, as the
gate in ``tests/test_real_pages_eval.py`` does. Must-keep strings that lie only in
program listings, footnotes or sentence-less table rows are left out for both sides, as
the gate leaves them out. The judge of "looks like code" and "holds prose" is this
script's own, so that it measures any version of the preparer alike.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "realpages"
CODE = re.compile(
    r"\bfunction\s*[\w$]*\s*\(|=>|\b(?:var|const|let)\s+[A-Za-z_$][\w$]*\s*="
    r"|\bwindow\.[A-Za-z_$]|<!\[CDATA\[|\{[^{}]*;[^{}]*\}|\{\s*\"[^\"]+\"\s*:"
)
COMPOUND = re.compile(r"^[\"“‘'(]*[^\W_]+(?:[-'’/][^\W_]+)*[.,;:!?)\"”’]*$")
UNSPACED = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)»」』]*(?:\s|$)")
MIN_PROSE = 50


def comparable(text: str) -> str:
    shown = unicodedata.normalize("NFKC", text)
    return " ".join("".join(c for c in shown if unicodedata.category(c) != "Cf").split())


def looks_like_code(piece: str) -> bool:
    if CODE.search(piece):
        return True
    if UNSPACED.search(piece):
        return False
    return any(
        len(run) >= 50 and not run.startswith(("http", "www.")) and not COMPOUND.match(run)
        for run in piece.split()
    )


def prose(pieces: list[str]) -> int:
    """Words in sentences of six words or more (CJK and Thai: two characters a word)."""
    total = 0
    for piece in pieces:
        for sentence in SENTENCE_END.split(piece):
            chars = len(UNSPACED.findall(sentence))
            words = len(UNSPACED.sub(" ", sentence).split()) + chars // 2
            total += words if words >= 6 else 0
    return total


def ours(path: Path) -> list[str]:
    from narration.ingest.extract import extract
    from narration.ingest.sources import read_source
    from narration.prepare.article import prepare

    article = prepare(extract(read_source(str(path))), name=path.stem)
    parts = [article.title.display]
    for section in article.sections:
        if not section.heading_is_title:
            parts.append(section.heading.display)
        parts.extend(s.display for s in section.sentences)
    return parts


def theirs(path: Path) -> list[str]:
    from narration.ingest.sources import read_source

    text = trafilatura.extract(read_source(str(path)).text)
    return text.splitlines() if text else []


NOTES = frozenset({"footnote", "footnotes", "endnote", "endnotes"})


def not_read_by_rule(path: Path) -> str:
    """The same exclusion as the gate's: program listings, footnotes and endnotes, and
    the rows of data tables that hold no sentence."""
    from lxml import html as lxml_html

    from narration.ingest.extract.prose import holds_sentence, mostly_prose
    from narration.ingest.sources import read_source

    root = lxml_html.document_fromstring(read_source(str(path)).text.encode("utf-8"))
    parts = ["".join(e.itertext()) for e in root.iter("pre", "code")]
    for e in root.iter():
        if not isinstance(e.tag, str):
            continue
        names = f"{e.get('class', '')} {e.get('id', '')}".replace("_", "-")
        words = {w.lower() for name in names.split() for w in name.split("-")}
        if words & NOTES or e.get("role", "") in {"doc-endnotes", "doc-footnote"}:
            parts.append(" ".join(e.itertext()))
    for table in root.iter("table"):
        cells = [" ".join(" ".join(c.itertext()).split()) for c in table.iter("td", "th")]
        if table.find(".//p") is not None or mostly_prose(cells):
            continue
        for row in table.iter("tr"):
            own = [" ".join(" ".join(c.itertext()).split()) for c in row.iter("td", "th")]
            if not holds_sentence(own):
                parts.append(" ".join(row.itertext()))
    return " ".join(parts)


def read(job: tuple[str, Path]) -> tuple[list[str] | None, str]:
    side, path = job
    from narration.errors import ExtractionError

    try:
        pieces = ours(path) if side == "ours" else theirs(path)
    except ExtractionError as exc:
        return None, str(exc)
    return (pieces or None), "" if pieces else "no text"


def corpus(made: bool, folder: Path) -> list[tuple[str, Path, list[str], list[str]]]:
    base = PAGES / "made" if made else PAGES
    expected = json.loads((base / "expect.json").read_text(encoding="utf-8"))
    out = []
    for url, entry in sorted(expected.items()):
        path = base / entry["file"]
        if path.suffix == ".gz":
            path = folder / path.name.removesuffix(".gz")
            path.write_bytes(gzip.decompress((base / entry["file"]).read_bytes()))
        out.append((url, path, entry["with"], entry["without"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--made", action="store_true", help="the pages written here")
    parser.add_argument("--list", action="store_true", help="list each miss, leak and refusal")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pages = corpus(args.made, Path(tmp))
        rules = [comparable(not_read_by_rule(path)) for _, path, _, _ in pages]
        with ProcessPoolExecutor(max_workers=2) as pool:
            readings = {
                side: list(pool.map(read, [(side, p[1]) for p in pages]))
                for side in ("ours", "theirs")
            }
    print(f"{len(pages)} pages ({'tests/realpages/made' if args.made else 'tests/realpages'})")
    for side, name in (("ours", "narration prepare"), ("theirs", "trafilatura alone")):
        tp = fn = fp = tn = 0
        refused: list[str] = []
        code: list[str] = []
        notes: list[str] = []
        for (url, _, keep, drop), rule, (pieces, why) in zip(
            pages, rules, readings[side], strict=True
        ):
            keep = [s for s in keep if comparable(s) not in rule]
            text = comparable(" ".join(pieces or []))
            if pieces is None:
                refused.append(url)
                notes.append(f"  refused {url}: {why}")
            found = [s for s in keep if comparable(s) in text]
            leaked = [s for s in drop if comparable(s) in text]
            tp, fn = tp + len(found), fn + len(keep) - len(found)
            fp, tn = fp + len(leaked), tn + len(drop) - len(leaked)
            code += [f"{url}: {p[:100]!r}" for p in pieces or [] if looks_like_code(p)]
            notes += [f"  missed {s!r} ({url})" for s in keep if s not in found]
            notes += [f"  leaked {s!r} ({url})" for s in leaked]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{name:<18} kept {tp}/{tp + fn}, dropped {tn}/{tn + fp}, "
            f"precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}, "
            f"refused {len(refused)}, code-like pieces read {len(code)}"
        )
        if args.list:
            print("\n".join(notes + [f"  code {c}" for c in code]))
    with_prose = {
        url
        for (url, *_), (pieces, _) in zip(pages, readings["theirs"], strict=True)
        if prose(pieces or []) >= MIN_PROSE
    }
    wrongly = [
        url
        for (url, *_), (p, _) in zip(pages, readings["ours"], strict=True)
        if p is None and url in with_prose
    ]
    print(f"refused by us where trafilatura reads {MIN_PROSE}+ words of prose: {len(wrongly)}")
    for url in wrongly:
        print(f"  {url}")


if __name__ == "__main__":
    main()
