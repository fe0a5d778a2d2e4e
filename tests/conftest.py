"""Shared fixtures, and the test run's setup (in :func:`pytest_configure`, not at import)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from narration.config import Settings
from tests import fake_backend

pytest_plugins = ["tests.api_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # The test-only ``fake`` voice, in this process and (through the pool) its synthesis
    # workers; commands run as subprocesses get it from ``tests.run_with_fake``.
    fake_backend.register()
    # The service hears every episode back after publishing where the check extra is
    # installed; the tests of the listening check turn it on themselves (here and in the
    # services the tests start, which inherit the environment).
    os.environ.setdefault("NARRATION_CHECK", "false")


NEEDS_A_PROCESS = ("espeak", "ffmpeg", "services")
"""Markers of tests that start a voice, ffmpeg or a server's client processes: these are
slow as well, so ``make check`` (``-m "not slow"``) leaves them out."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in NEEDS_A_PROCESS):
            item.add_marker(pytest.mark.slow)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Importing the modules whose every test is slow (browsers, voices, fuzzers) is a good
    # part of a fast run's time: with -m "not slow" they are not even collected. Every
    # other selection, ``make test``'s included, collects every module.
    if config.option.markexpr != "not slow" or not collection_path.name.startswith("test_"):
        return None
    return _all_slow(collection_path) or None


def _all_slow(module: Path) -> bool:
    """Whether ``module``'s own ``pytestmark`` marks every test in it slow."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        ):
            marks = node.value.elts if isinstance(node.value, ast.List) else [node.value]
            return any(ast.unparse(mark) == "pytest.mark.slow" for mark in marks)
    return False


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", voice="fake:tone", workers=2, clip_timeout_s=5)


@pytest.fixture
def espeak_settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", voice="pyttsx3:en", workers=2)
