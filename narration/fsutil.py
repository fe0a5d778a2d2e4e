"""Atomic file writes: a temporary name in the same directory, then a rename."""

from __future__ import annotations

import fcntl
import glob
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _host() -> str:
    return socket.gethostname().replace("/", "_")


def owned_temp(path: Path) -> Path:
    """A temporary name beside ``path`` that says which process on which host writes it,
    so that what a killed process left can be told from what a live one is writing."""
    return path.with_name(f".{path.name}.{_host()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def sweep_dead_temps(path: Path) -> None:
    """Remove the temporary files beside ``path`` (see :func:`owned_temp`) whose writer, a
    process of this host, is gone: a worker killed while writing leaves one behind."""
    prefix = f".{path.name}."
    for tmp in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        try:
            host, pid, _ = tmp.name[len(prefix) : -len(".tmp")].rsplit("-", 2)
            writer = int(pid)
        except ValueError:
            continue
        if host == _host() and not _alive(writer):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unique per writer: threads of one process, or workers on several machines sharing
    # the directory, may write the same file at once; the last rename wins whole.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly ``data``; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created when missing) while the block runs.

    Processes on this machine take turns; the kernel drops the lock of a process that dies.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
