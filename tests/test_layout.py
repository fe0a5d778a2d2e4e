"""The layout's contracts hold: imports point down the layers (import-linter, run by
`make lint`, checks the core; these guard what it cannot see)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers import ROOT


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_feed_builder_imports_nothing_from_the_project() -> None:
    found = _imported(ROOT / "podcast_feed.py")
    assert not {name for name in found if name.split(".")[0] in ("narration", "api")}


def test_no_test_double_is_in_the_core() -> None:
    core = (ROOT / "narration").rglob("*.py")
    assert not [p for p in core if "fake" in p.stem], "test doubles live in tests/"


@pytest.mark.slow
def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts = len(declared["contracts"])
    assert contracts >= 3
    assert f"Contracts: {contracts} kept, 0 broken." in done.stdout
