"""A ``narration serve`` started as its own process, for end-to-end tests over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from tests.helpers import ROOT, stop, wait_until_healthy

PENDING = ("queued", "running")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RunningService:
    """``narration serve`` on a free port of 127.0.0.1 with ``env`` over the environment;
    its log in ``workdir``. Start it with ``start()`` (again after ``stop()``).
    ``launcher`` is the module run: ``tests.run_with_fake`` adds the fake voice."""

    def __init__(
        self,
        workdir: Path,
        env: Mapping[str, str],
        base_url: str | None = None,
        launcher: str = "narration.cli",
    ):
        self.launcher = launcher
        self.workdir = workdir
        self.out = workdir / "out"
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = base_url or self.origin
        self.env = {**os.environ, **env}
        self.log_path = workdir / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.origin, timeout=30, trust_env=False)

    def start(self) -> RunningService:
        command = [sys.executable, "-m", self.launcher, "serve", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [*command, "--out", str(self.out), "--base-url", self.base_url],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        proc = self.proc
        wait_until_healthy(self.http, lambda: proc.poll() is None, self.log)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGINT, timeout_s: float = 30) -> int:
        """Stop the process with ``sig`` (killed after ``timeout_s``); its exit status."""
        assert self.proc is not None
        code = stop(self.proc, sig, timeout_s)
        self.proc = None
        return code

    def close(self) -> None:
        try:
            if self.proc is not None:
                self.stop()
        finally:
            self.http.close()

    def wait(self, job_id: str, headers: Mapping[str, str], timeout_s: float = 120) -> dict:
        """The job's JSON once it is no longer queued or running."""
        deadline = time.monotonic() + timeout_s
        while True:
            answer = self.http.get(f"/v1/episodes/{job_id}", headers=dict(headers))
            assert answer.status_code == 200, answer.text
            job: dict = answer.json()
            if job["status"] not in PENDING:
                return job
            assert time.monotonic() < deadline, job
            time.sleep(0.1)

    def narrate(self, body: Mapping[str, object], headers: Mapping[str, str]) -> dict:
        """Submit ``body`` and wait for its job; the job's JSON (it must be done)."""
        answer = self.http.post("/v1/articles", json=dict(body), headers=dict(headers))
        assert answer.status_code in (200, 202), answer.text
        job = self.wait(answer.json()["id"], headers)
        assert job["status"] == "done", job
        return job
