"""The player and its pages: bytes a listener downloads, requests/s of each page, time
until the player can be played in headless Chromium, and the cost of measuring peaks.

Narrates one sample (espeak-ng) into a temporary directory beside 500 synthetic
episodes, serves it with the app under uvicorn (one worker) on 127.0.0.1 and loads each
page for a fixed time (wrk when installed, else a small keep-alive client).

    .venv/bin/python bench/player_pages.py [--seconds 5] [--connections 16] [--loads 5]

Every server started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from feed_serve import episode, free_port, load, ours, server  # noqa: E402

from narration.audio.peaks import PeakMeter  # noqa: E402
from narration.config import Settings  # noqa: E402
from narration.store.catalog import Catalog  # noqa: E402
from narration.store.database import Database  # noqa: E402

SAMPLE = ROOT / "samples" / "harbour-tunnel.html"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def narrate(out: Path, base: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(SAMPLE), "--out", str(out),
         "--base-url", base, "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    ident: str = json.loads(done.stdout.splitlines()[-1])["id"]
    return ident


def add_synthetic(out: Path, count: int) -> None:
    catalog = Catalog(Database.open(Settings(out_dir=out)))
    try:
        for n in range(count):
            catalog.save(episode(n))
    finally:
        catalog.db.close()


def sizes(base: str, ident: str) -> list[tuple[str, int, int]]:
    import httpx

    rows = []
    with httpx.Client(base_url=base, trust_env=False) as http:
        view = http.get(f"/v1/episodes/{ident}").json()
        for name, url in (
            ("embed page", f"/episodes/{ident}/embed"),
            ("episode page", f"/episodes/{ident}"),
            ("player.js", "/player.js"),
            ("player.css", "/player.css"),
            ("episode JSON", f"/v1/episodes/{ident}"),
            ("peaks JSON", view["peaks_url"]),
            ("transcript VTT", view["transcript_url"]),
            ("cover", view["image_url"]),
        ):
            answer = http.get(url)  # httpx asks for gzip, as browsers do
            rows.append((name, len(answer.content), answer.num_bytes_downloaded))
    return rows


def time_to_playable(base: str, ident: str, loads: int) -> list[float]:
    """Milliseconds from navigation to a Play button and an audio element with metadata."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context()
                page = context.new_page()
                start = time.perf_counter()
                page.goto(f"{base}/episodes/{ident}/embed")
                page.get_by_role("button", name="Play").wait_for()
                page.wait_for_function(
                    "() => document.querySelector('narration-player audio').readyState >= 1"
                )
                times.append((time.perf_counter() - start) * 1000)
                context.close()
        finally:
            browser.close()
    return times


def peaks_cost(seconds_of_audio: float, sample_rate: int = 22050) -> float:
    """Milliseconds to measure the peaks of that much audio fed in clips of 3 s."""
    rng = np.random.default_rng(1)
    clip = rng.integers(-20000, 20000, size=3 * sample_rate, dtype=np.int16).tobytes()
    start = time.perf_counter()
    meter = PeakMeter(sample_rate)
    for _ in range(int(seconds_of_audio / 3)):
        meter.add(clip)
        meter.add_silence(sample_rate // 2)
    meter.finish()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        ident = narrate(out, base)
        add_synthetic(out, 500)
        print(f"peaks for 877 s of audio (a 2,000-word episode): {peaks_cost(877):.1f} ms")
        os.environ["NARRATION_BASE_URL"] = base  # the server started below inherits it
        with server(ours(out, port), port):
            print("\nbytes a listener downloads (body / sent to a browser taking gzip):")
            total = [0, 0]
            for name, raw, packed in sizes(base, ident):
                print(f"  {name:16s} {raw:>9,d} {packed:>9,d}")
                if name not in ("episode page",):
                    total[0] += raw
                    total[1] += packed
            print(f"  {'embed, all':16s} {total[0]:>9,d} {total[1]:>9,d}  (before the audio)")
            print(f"\nrequests/s, {args.connections} connections, {args.seconds:g} s each:")
            for name, path in (
                ("embed page", f"/episodes/{ident}/embed"),
                ("episode page", f"/episodes/{ident}"),
                ("show page", "/"),
                ("episode JSON", f"/v1/episodes/{ident}"),
                ("player.js", "/player.js"),
            ):
                result = load(port, path, {}, args.seconds, args.connections)
                print(f"  {name:16s} {result.rps:>9,.0f}  errors {result.errors} ({result.tool})")
            times = time_to_playable(base, ident, args.loads)
            print(
                f"\nheadless Chromium, navigation to playable embed: median "
                f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms ({args.loads} loads)"
            )


if __name__ == "__main__":
    main()
