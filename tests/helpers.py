"""Helpers the tests import: the repository's paths, running the ``narration`` command,
decoding and measuring audio with ffmpeg, waiting for and stopping a served process.

Kept apart from ``conftest.py``, which pytest loads as a plugin and which holds fixtures
and hooks only."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def decode(path: Path, sample_rate: int = 22050) -> np.ndarray:
    """Decode an audio file with ffmpeg to mono float samples."""
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def ffmpeg_loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) as ffmpeg's EBU R128 meter reads the file."""
    out = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    summary = out[out.rindex("Summary:") :]
    lufs = float(summary.split("I:")[1].split("LUFS")[0])
    peak = float(summary.split("Peak:")[1].split("dBFS")[0])
    return lufs, peak


def run_cli(
    *args: str, stdin: bytes | None = None, with_fake: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """The ``narration`` command; ``with_fake`` registers the test-only ``fake`` voice."""
    module = "tests.run_with_fake" if with_fake else "narration.cli"
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=600,
    )


def json_lines(stdout: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]


def wait_until_healthy(
    http: httpx.Client, alive: Callable[[], bool], why: Callable[[], str], timeout_s: float = 60
) -> None:
    """Wait until the server behind ``http`` answers ``/healthz``; fail with ``why()`` if
    its process dies (``alive()`` false) or it does not answer within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        assert alive(), why()
        try:
            if http.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout_s: float = 30) -> int:
    """Ask ``proc`` to stop with ``sig``; kill it if it has not stopped in ``timeout_s``.
    Its exit status."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout_s)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode
