"""What a built wheel holds: the package data that pyproject names is on disk, and every
file the program reads at run time that is not a module is named there (a wheel built
without Alembic's ``script.py.mako`` cannot make a migration)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.helpers import ROOT


def _package_data() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    return data


def _files(package: str) -> list[Path]:
    """The files of ``package`` in the checkout, bytecode left out."""
    return [
        path
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


def test_every_package_data_glob_names_files_on_disk() -> None:
    empty = [
        f"{package}/{glob}"
        for package, globs in _package_data().items()
        for glob in globs
        if not any(path.is_file() for path in (ROOT / package).glob(glob))
    ]
    assert not empty, f"package data that matches no file: {empty}"


def test_every_data_file_and_loose_module_is_package_data() -> None:
    data = _package_data()
    assert set(data) == {"narration", "api"}
    for package, globs in data.items():
        named = {path for glob in globs for path in (ROOT / package).glob(glob)}
        # A module in a folder without __init__.py (the migrations' versions) is no
        # package's module: only package data puts it in the wheel.
        needed = [
            path
            for path in _files(package)
            if path.suffix != ".py" or not (path.parent / "__init__.py").is_file()
        ]
        missing = sorted(str(path.relative_to(ROOT)) for path in needed if path not in named)
        assert not missing, f"not in the wheel's package data: {missing}"
