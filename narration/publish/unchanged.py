"""Knowing, without reading it again, that a file was narrated from exactly these inputs.

Re-running ``narration narrate`` over files that have not changed is the common case in a
newsroom's scripts, and preparing an article only to find the episode it already is costs
more than a second of imports and text work. After each narration the command keeps a
small note per file (``.narration/unchanged/``): a fingerprint of everything the episode
was made from, and the episode's result. A later run whose fingerprint matches answers from
the note, once the catalog (the source of truth) confirms the episode is still the version
the note names and its files are all in place; anything else takes the full path.

The fingerprint holds: the file's bytes and absolute path; every setting; the contents'
identity (size, time of change) of every file a setting names (shows, lexicons, cover);
narration's own code files; and the files each voice's backend says determine its output
(espeak-ng's library and voice data). Only episodes read by such backends alone (the
reader and any quote voice) are noted: other engines' models are not in the fingerprint.
This module stays light on purpose: it must answer before the heavy libraries load (the
backend registry imports no engine).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from narration.config import Settings
from narration.fsutil import write_if_changed
from narration.publish.lines import ResultLine
from narration.store.versions import EpisodeVersions
from narration.tts.base import voice_backend

NOTE_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent


def recall(sources: Sequence[str], settings: Settings) -> list[ResultLine] | None:
    """The results of narrating ``sources`` again, each ``unchanged``, when every one of
    them was narrated from exactly these inputs and is still that episode; else None."""
    if not sources:
        return None
    results: list[ResultLine] = []
    with EpisodeVersions(settings) as catalog:
        if catalog is None:
            return None
        for source in sources:
            note = _read_note(source, settings)
            if note is None or note.get("fingerprint") != fingerprint(source, settings):
                return None
            kept: ResultLine = note["result"]
            version = catalog.version(kept["id"])
            if version is None or list(version) != note.get("version"):
                return None
            if not _files_in_place(kept):
                return None
            results.append({**kept, "status": "unchanged", "synthesised_clips": 0})
    return results


def remember(sources: Sequence[str], results: Sequence[ResultLine], settings: Settings) -> None:
    """Keep a note for each source narrated by fingerprinted backends alone (results in the
    order of sources).
    A note that cannot be written is skipped: the next run takes the full path."""
    if len(sources) != len(results):
        return
    with EpisodeVersions(settings) as catalog:
        if catalog is None:
            return
        for source, result in zip(sources, results, strict=True):
            print_ = fingerprint(source, settings)
            voices = [result["voice"], *filter(None, [settings.show.quote_voice])]
            if print_ is None or not all(_fingerprinted(v) for v in voices):
                _forget(source, settings)
                continue
            version = catalog.version(result["id"])
            if version is None:
                continue
            note = {"fingerprint": print_, "version": list(version), "result": result}
            with contextlib.suppress(OSError):
                write_if_changed(_note_path(source, settings), json.dumps(note).encode())


def fingerprint(source: str, settings: Settings) -> str | None:
    """Everything an episode of ``source`` is made from, hashed; None for what is not a
    local file (a URL may change under the same address; stdin is read once)."""
    if source == "-" or "://" in source:
        return None
    path = Path(source)
    try:
        if not path.is_file() or path.stat().st_size > settings.max_text_bytes:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    doc = [
        NOTE_FORMAT,
        str(path.resolve()),
        hashlib.sha256(data).hexdigest(),
        settings.model_dump(mode="json"),
        _named_files(settings),
        _code_stamp(),
        [_backend_stamp(v) for v in (settings.show.voice, settings.show.quote_voice) if v],
    ]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _note_path(source: str, settings: Settings) -> Path:
    key = hashlib.sha256(f"{settings.show.slug}\n{Path(source).resolve()}".encode()).hexdigest()
    return settings.state_dir / "unchanged" / f"{key}.json"


def _read_note(source: str, settings: Settings) -> dict[str, Any] | None:
    try:
        note = json.loads(_note_path(source, settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict) or not isinstance(note.get("result"), dict):
        return None
    if not ResultLine.__required_keys__ <= note["result"].keys():
        return None  # a note of an older form: the full path makes a new one
    return note


def _forget(source: str, settings: Settings) -> None:
    with contextlib.suppress(OSError):
        _note_path(source, settings).unlink(missing_ok=True)


def _files_in_place(result: ResultLine) -> bool:
    paths = [
        result["audio_path"],
        result["transcript_path"],
        result["chapters_path"],
        result["peaks_path"],
        result["feed_path"],
    ]
    if not all(isinstance(p, str) or p is None for p in paths):
        return False
    try:
        if Path(result["audio_path"]).stat().st_size != result["bytes"]:
            return False
    except OSError:
        return False
    return all(p is None or Path(p).is_file() for p in paths)


def _stamp(path: Path) -> list[object]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), st.st_size, st.st_mtime_ns]


def _named_files(settings: Settings) -> list[list[object]]:
    """The identity of every file a setting names, and of the lexicons a shows file names
    beside it."""
    stamps: list[list[object]] = []
    for value in _values(settings.model_dump()):
        if isinstance(value, Path) and value.is_file():
            stamps.append(_stamp(value))
    if settings.shows_path is not None and settings.shows_path.parent.is_dir():
        folder = settings.shows_path.parent
        stamps += [_stamp(p) for p in sorted(folder.rglob("*.toml"))[:200]]
    return stamps


def _values(tree: dict[str, Any]) -> list[object]:
    """The values of the settings and of their groups."""
    found: list[object] = []
    for value in tree.values():
        found += _values(value) if isinstance(value, dict) else [value]
    return found


def _code_stamp() -> list[list[object]]:
    return [_stamp(p) for p in sorted(_PACKAGE.rglob("*.py"))]


def _fingerprinted(voice: str) -> bool:
    backend = voice_backend(voice)
    return backend is not None and backend.fingerprinted


def _backend_stamp(voice: str) -> list[object] | None:
    """The files the backend of ``voice`` reads, where they determine its output."""
    backend = voice_backend(voice)
    return backend.fingerprint() if backend is not None and backend.fingerprinted else None
