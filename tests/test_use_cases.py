"""Each use case the README's table lists is reached from the command and the API route the
table names: the command's handler and the route's endpoint call the use case's function
(read from their source), and the function exists in ``narration.app``."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api.main import create_app
from narration.cli import COMMANDS
from narration.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def _rows() -> list[tuple[str, str, str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use cases", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1] not in ("function", "---"):
            rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


ROWS = _rows()


def _calls(function: object) -> set[str]:
    """Names the function's body calls (``f(...)`` or ``a.f(...)``), from its source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))  # type: ignore[arg-type]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def test_the_table_lists_every_use_case_function_of_the_app_layer() -> None:
    assert len(ROWS) >= 10
    listed = {function for _, function, _, _ in ROWS}
    for module in ("articles", "episodes", "shows", "stats"):
        mod = importlib.import_module(f"narration.app.{module}")
        for function in {f for f in listed if f.startswith(module + ".")}:
            assert callable(getattr(mod, function.split(".", 1)[1])), function


@pytest.mark.parametrize(("what", "function", "command", "route"), ROWS, ids=[r[0] for r in ROWS])
def test_a_use_case_is_reached_where_the_table_says(
    tmp_path: Path, what: str, function: str, command: str, route: str
) -> None:
    name = function.split(".", 1)[1]
    assert command or route, f"{what}: reached from nowhere"
    if command:
        handler = COMMANDS[command.removeprefix("narration ")]
        module, attr = handler.split(":")
        assert name in _calls(getattr(importlib.import_module(module), attr)), (what, command)
    if route:
        method, path = route.split(" ", 1)
        app = create_app(Settings(out_dir=tmp_path / "out"))
        endpoints = [
            r.original_route.endpoint
            for r in iter_route_contexts(app.routes)
            if isinstance(r.original_route, APIRoute)
            and r.path == path
            and method in r.original_route.methods
        ]
        assert endpoints, f"{what}: no route {route}"
        assert name in _calls(endpoints[0]), (what, route)
