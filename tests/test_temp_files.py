"""Temporary files name their writer, so what a killed process left is swept and what a
live one is writing is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from narration.fsutil import owned_temp, sweep_dead_temps

pytestmark = pytest.mark.slow


def test_a_dead_writers_temporary_file_is_swept_and_a_live_ones_kept(tmp_path: Path) -> None:
    dest = tmp_path / "part.mp3"
    mine = owned_temp(dest)
    mine.write_bytes(b"being written")
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    dead_pid = gone.stdout.strip()
    dead = mine.with_name(mine.name.replace(f"-{os.getpid()}-", f"-{dead_pid}-"))
    dead.write_bytes(b"left by a killed worker")
    other_file = owned_temp(tmp_path / "other.mp3")
    other_file.write_bytes(b"another file's")
    sweep_dead_temps(dest)
    assert mine.exists() and not dead.exists() and other_file.exists()
