"""py3langid's model, unpacked once into the user's cache and mapped from there.

The packaged model is an LZMA-compressed archive: unpacking it takes about half a second and
holds some 70 MB in every process that detects a language. Unpacked once into plain arrays
(``~/.cache/narration/langid-<version>-<size>/``, written to a temporary directory and
renamed), it is mapped from disk instead: a run reads only the pages its text visits, and
processes share them. When the cache cannot be written or read, the packaged model is
loaded as py3langid loads it, so detection never depends on the cache.
"""

from __future__ import annotations

import logging
import lzma
import os
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_TYPECODES = {2: "H", 4: "I", 8: "L"}


def cache_root() -> Path:
    """Where narration keeps caches that outlive one output directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "narration"


def load_identifier(root: Path | None = None) -> Any:
    """py3langid's ``LanguageIdentifier`` (normalised probabilities) over its packaged model,
    from the unpacked copy under ``root`` (made on first use)."""
    # Lazy: py3langid (~120 ms) only when a language must be guessed.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packaged = Path(MODEL_DIR) / MODEL_FILE
    try:
        unpacked = _unpacked(packaged, root or cache_root())
        arrays = _mapped(unpacked)
        return LanguageIdentifier(
            arrays["ptc"],
            arrays["pc"],
            [str(c) for c in arrays["classes"]],
            _ints(arrays["nextmove"]),
            _ints(arrays["out_feat"]),
            norm_probs=True,
            tk_row=_ints(arrays["nextmove_row"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("language model cache not used (%s); loading the packaged model", exc)
    load = (
        getattr(LanguageIdentifier, "from_model_file", None)
        or LanguageIdentifier.from_pickled_model
    )
    return load(MODEL_FILE, norm_probs=True)


def _unpacked(packaged: Path, root: Path) -> Path:
    """The directory of unpacked arrays for ``packaged``, unpacking it when missing."""
    try:
        release = version("py3langid")
    except PackageNotFoundError:
        release = "unknown"
    target = root / f"langid-{release}-{packaged.stat().st_size}"
    if (target / "ok").is_file():
        return target
    # Lazy: numpy (~120 ms) only when the model is unpacked or mapped.
    import numpy as np

    if not packaged.name.endswith(".npz.xz"):
        raise ValueError(f"unexpected model format {packaged.name}")
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".langid-", dir=root))
    try:
        archive = work / "model.npz"
        with lzma.open(packaged) as src, open(archive, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        with np.load(archive, allow_pickle=False) as data:
            for name in _ARRAYS:
                np.save(work / f"{name}.npy", np.ascontiguousarray(data[name]))
        archive.unlink()
        (work / "ok").write_text("complete\n")
        if target.exists() and not (target / "ok").is_file():
            shutil.rmtree(target)  # left by an unpacking that was cut short
        try:
            work.rename(target)
        except OSError:
            if not (target / "ok").is_file():  # not merely another process that won
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _mapped(directory: Path) -> dict[str, Any]:
    # Lazy: numpy (~120 ms) only when the model is unpacked or mapped.
    import numpy as np

    arrays: dict[str, Any] = {}
    for name in _ARRAYS:
        array = np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        arrays[name] = array
    return arrays


def _ints(array: Any) -> memoryview:
    """A flat view of an integer array whose items index as Python ints (as the stdlib
    arrays py3langid builds do), over the mapped file: nothing is copied."""
    if array.dtype.kind not in "ui" or array.dtype.itemsize not in _TYPECODES:
        raise TypeError(f"unexpected array type {array.dtype}")
    code = _TYPECODES[array.dtype.itemsize]
    if array.dtype.kind == "i":
        code = code.lower()
    raw: Any = memoryview(array.reshape(-1)).cast("B")
    view: memoryview = raw.cast(code)
    return view
