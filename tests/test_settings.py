"""Settings from the environment: lists as one value, commas or JSON; a bad value stops
the command with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from narration.config import load_settings
from narration.errors import SettingsError
from tests.helpers import ROOT


@pytest.mark.parametrize(
    ("given", "keys"),
    [
        ("mykey", ["mykey"]),
        ("one, two,three", ["one", "two", "three"]),
        ('["x", "y"]', ["x", "y"]),
        ("", []),
    ],
)
def test_a_list_setting_takes_one_value_commas_or_json(
    monkeypatch: pytest.MonkeyPatch, given: str, keys: list[str]
) -> None:
    monkeypatch.setenv("NARRATION_API_KEYS", given)
    assert load_settings().api_keys == keys


def test_a_bad_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NARRATION_WORKERS", "many")
    with pytest.raises(SettingsError, match="NARRATION_WORKERS"):
        load_settings()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["serve", "worker", "narrate"])
def test_a_bad_setting_stops_a_command_with_one_line(command: str, tmp_path: object) -> None:
    env = {**os.environ, "NARRATION_API_KEYS": "[not json", "NARRATION_OUT_DIR": str(tmp_path)}
    args = [sys.executable, "-m", "narration.cli", command]
    if command == "narrate":
        args.append(str(ROOT / "samples" / "energy-bills-explainer.md"))
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "NARRATION_API_KEYS" in lines[0] and "Traceback" not in lines[0]
