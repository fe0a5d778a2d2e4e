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
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from narration.config import Settings
from narration.fsutil import write_if_changed
from narration.tts.base import voice_backend

NOTE_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent


def recall(sources: Sequence[str], settings: Settings) -> list[dict[str, Any]] | None:
    """The results of narrating ``sources`` again, each ``unchanged``, when every one of
    them was narrated from exactly these inputs and is still that episode; else None."""
    if not sources or not _sqlite_catalog(settings):
        return None
    results: list[dict[str, Any]] = []
    with _ReadOnlyCatalog(settings) as db:
        if db is None:
            return None
        for source in sources:
            note = _read_note(source, settings)
            if note is None or note.get("fingerprint") != fingerprint(source, settings):
                return None
            if _episode_version(db, note["result"]["id"]) != note.get("version"):
                return None
            result = dict(note["result"])
            if not _files_in_place(result):
                return None
            result["status"] = "unchanged"
            result["synthesised_clips"] = 0
            results.append(result)
    return results


def remember(sources: Sequence[str], results: Sequence[dict[str, Any]], settings: Settings) -> None:
    """Keep a note for each source narrated by fingerprinted backends alone (results in the
    order of sources).
    A note that cannot be written is skipped: the next run takes the full path."""
    if not _sqlite_catalog(settings) or len(sources) != len(results):
        return
    with _ReadOnlyCatalog(settings) as db:
        if db is None:
            return
        for source, result in zip(sources, results, strict=True):
            print_ = fingerprint(source, settings)
            voices = [str(result.get("voice", "")), *filter(None, [settings.show.quote_voice])]
            if print_ is None or not all(_fingerprinted(v) for v in voices):
                _forget(source, settings)
                continue
            version = _episode_version(db, str(result["id"]))
            if version is None:
                continue
            note = {"fingerprint": print_, "version": version, "result": result}
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
    return note


def _forget(source: str, settings: Settings) -> None:
    with contextlib.suppress(OSError):
        _note_path(source, settings).unlink(missing_ok=True)


def _files_in_place(result: dict[str, Any]) -> bool:
    names = ("audio_path", "transcript_path", "chapters_path", "peaks_path", "feed_path")
    paths = [result.get(name) for name in names]
    if not all(isinstance(p, str) or p is None for p in paths):
        return False
    sized = Path(str(result["audio_path"]))
    try:
        if sized.stat().st_size != result.get("bytes"):
            return False
    except OSError:
        return False
    return all(p is None or Path(p).is_file() for p in paths)


def _sqlite_catalog(settings: Settings) -> bool:
    return settings.database_url is None


class _ReadOnlyCatalog(contextlib.AbstractContextManager["sqlite3.Connection | None"]):
    """The catalog opened read-only (None when there is none yet)."""

    def __init__(self, settings: Settings) -> None:
        self._path = settings.state_dir / "catalog.sqlite"
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection | None:
        if not self._path.is_file():
            return None
        # With no write-ahead log beside it, no writer has the catalog open and the file is
        # whole: read it as immutable, which creates no -wal or -shm file. Otherwise read
        # it through the log, as any reader does.
        wal = self._path.with_name(self._path.name + "-wal")
        mode = "ro" if wal.exists() else "ro&immutable=1"
        try:
            uri = f"file:{quote(str(self._path))}?mode={mode}"
            self._conn = sqlite3.connect(uri, uri=True, timeout=5)
        except sqlite3.Error:
            return None
        return self._conn

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            self._conn.close()


def _episode_version(db: sqlite3.Connection, episode_id: str) -> list[str] | None:
    """What identifies the version of an episode in the catalog: its content and the
    time it was last changed (None when it is gone)."""
    try:
        row = db.execute(
            "SELECT content_hash, updated_at FROM episodes WHERE id = ?", (episode_id,)
        ).fetchone()
    except sqlite3.Error:
        return None
    return [str(row[0]), str(row[1])] if row else None


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
