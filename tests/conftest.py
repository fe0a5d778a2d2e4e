"""Shared fixtures, and the test run's setup (in :func:`pytest_configure`, not at import)."""

from __future__ import annotations

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


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", voice="fake:tone", workers=2, clip_timeout_s=5)


@pytest.fixture
def espeak_settings(tmp_path: Path) -> Settings:
    return Settings(out_dir=tmp_path / "out", voice="pyttsx3:en", workers=2)
