"""The two tiers of tests: ``make check`` leaves out the tests marked slow, ``make test``
runs every test. Nothing may narrow the full run, so a test can be left out of the fast
tier but never out of the suite."""

from __future__ import annotations

import shlex
import tomllib

from tests.helpers import ROOT

NARROWING = ("-m", "-k", "--deselect", "--ignore", "--ignore-glob", "--lf", "--last-failed")


def _recipe(target: str) -> list[str]:
    """The command lines of ``target`` in the Makefile."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def _pytest_words(target: str) -> list[str]:
    [command] = [line for line in _recipe(target) if "pytest" in line]
    return shlex.split(command)


def test_make_test_runs_every_test() -> None:
    words = _pytest_words("test")
    assert not [w for w in words if w.split("=")[0] in NARROWING or w.startswith("tests/")]
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = config["tool"]["pytest"]["ini_options"]
    addopts = shlex.split(options["addopts"])
    assert "--strict-markers" in addopts
    assert not [w for w in addopts if w.split("=")[0] in NARROWING]
    assert options["testpaths"] == ["tests"]


def test_make_check_leaves_out_the_slow_tests_alone() -> None:
    words = _pytest_words("check")
    assert words[words.index("-m") + 1] == "not slow"
    assert not [w for w in words if w.split("=")[0] in NARROWING and w != "-m"]
