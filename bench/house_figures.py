"""Figures of the code's shape, read from its syntax trees (nothing is run).

- fields of each configuration model (pydantic models in narration/config.py and
  narration/publish/shows.py);
- function signatures that take the whole process settings (a parameter annotated
  ``Settings``);
- the ten longest functions;
- imports inside functions, and how many carry a comment saying why (a comment on the
  line itself or on the line above).

Import circles are import-linter's and ``python -m narration`` start-up is
bench/startup.py's.

    .venv/bin/python bench/house_figures.py [ROOT]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGES = ("narration", "api")


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for package in PACKAGES:
        found += sorted(p for p in (root / package).rglob("*.py") if "migrations" not in p.parts)
    found.append(root / "podcast_feed.py")
    return [p for p in found if p.exists()]


def _annotation(node: ast.expr | None) -> str:
    return ast.unparse(node) if node is not None else ""


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    models: dict[str, int] = {}
    whole_settings = 0
    lengths: list[tuple[int, str]] = []
    inner_imports = inner_with_reason = 0
    for path in _files(root):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        rel = path.relative_to(root)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                _annotation(b).endswith(("BaseModel", "BaseSettings", "Group")) for b in node.bases
            ):
                fields = [
                    s
                    for s in node.body
                    if isinstance(s, ast.AnnAssign) and "ClassVar" not in _annotation(s.annotation)
                ]
                models[f"{rel}:{node.name}"] = len(fields)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                if any(_annotation(a.annotation) in ("Settings", "'Settings'") for a in params):
                    whole_settings += 1
                end = node.end_lineno or node.lineno
                lengths.append((end - node.lineno + 1, f"{rel}:{node.name}"))
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        inner_imports += 1
                        here = lines[inner.lineno - 1]
                        above = lines[inner.lineno - 2].strip() if inner.lineno > 1 else ""
                        if "#" in here or above.startswith("#"):
                            inner_with_reason += 1
    print("fields per configuration model:")
    for name, count in sorted(models.items(), key=lambda kv: -kv[1]):
        print(f"  {count:4d}  {name}")
    print(f"function signatures taking the whole Settings: {whole_settings}")
    print("ten longest functions (lines):")
    for length, name in sorted(lengths, reverse=True)[:10]:
        print(f"  {length:4d}  {name}")
    print(
        f"imports inside functions: {inner_imports}, with a comment saying why: {inner_with_reason}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
