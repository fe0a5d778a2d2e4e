"""Feed latency while a large article is accepted and prepared by `narration serve`.

Starts `narration serve` (espeak-ng voice) in a temporary directory, narrates one short
article so the feed exists, POSTs a large plain-text article, and then fetches
`/feed.xml` repeatedly while the worker prepares it. Prints the POST's answer time and
the feed's p50, p99 and maximum latency.

    .venv/bin/python bench/feed_while_preparing.py [--kb 1900] [--requests 400]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = {"Authorization": "Bearer bench"}


def text_of(kb: int) -> str:
    parts, size, n = [], 0, 0
    while size < kb * 1024:
        n += 1
        sentence = (
            f"In district {n} the council counted {n * 7 + 3} new homes, "
            f"and residents of street {n % 97 + 1} asked for a crossing."
        )
        parts.append(sentence + ("\n\n" if n % 6 == 0 else " "))
        size += len(sentence) + 1
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", type=int, default=1900)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "NARRATION_API_KEYS": "bench",
            "NARRATION_VOICE": "pyttsx3:en",
            "NARRATION_DRAIN_TIMEOUT_S": "1",
        }
        command = [sys.executable, "-m", "narration.cli", "serve", "--port", str(port)]
        proc = subprocess.Popen(
            [*command, "--out", str(Path(tmp) / "out")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
                for _ in range(300):
                    try:
                        if http.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                first = http.post("/v1/articles", json={"text": "A short one. Done."}, headers=KEY)
                while http.get(f"/v1/episodes/{first.json()['id']}", headers=KEY).json()[
                    "status"
                ] in ("queued", "running"):
                    time.sleep(0.1)
                body = {"text": text_of(args.kb), "title": "Long report"}
                started = time.perf_counter()
                answer = http.post("/v1/articles", json=body, headers=KEY)
                accepted = time.perf_counter() - started
                latencies = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    http.get("/feed.xml").raise_for_status()
                    latencies.append((time.perf_counter() - t0) * 1000)
                    time.sleep(0.01)
                job = http.get(f"/v1/episodes/{answer.json()['id']}", headers=KEY).json()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"article: {args.kb} KB of text; POST answered {answer.status_code} in {accepted:.3f} s")
    print(
        f"/feed.xml during preparation ({len(latencies)} requests): "
        f"p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms"
    )
    print(f"job status at the end: {job['status']}")


if __name__ == "__main__":
    main()
