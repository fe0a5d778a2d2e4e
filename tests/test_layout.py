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


def _route_imports(path: Path) -> list[str]:
    """The imports of ``path`` that name a module of ``api.routes`` (relative ones too,
    which can only point inside the package)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("api.routes")]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module == "api.routes" or module.startswith("api.routes."):
                found.append("." * node.level + module)
    return found


def test_no_route_module_imports_another() -> None:
    routes = sorted((ROOT / "api" / "routes").glob("*.py"))
    assert len(routes) > 10
    found = {p.name: _route_imports(p) for p in routes}
    assert not {name: imports for name, imports in found.items() if imports}, (
        "shared helpers of the routes live in api/, not in a route module"
    )
    # The guard sees what it looks for: the app module imports the routes.
    assert _route_imports(ROOT / "api" / "main.py") == ["api.routes"]
