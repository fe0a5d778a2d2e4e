"""Following sites: how many polls one process sustains, and how long an item takes
from a site's feed to our feed.

1. Polls per minute: 200 sources on a local HTTP server (127.0.0.1), each a small RSS
   feed of 5 items answered with an ETag. The first round reads every feed and queues its
   items as jobs in a SQLite catalog (nothing is narrated); then for ``--seconds`` one
   follower polls every source over and over, every source always due, while one source in
   ``--change-every`` gets a new item before each round (the rest answer 304).
2. Item to episode: ``narration serve`` with the real espeak-ng voice follows one local
   feed (``NARRATION_FOLLOW_INTERVAL_S``, default 2 s); a new short item is put in the
   feed and the show's feed is fetched until its episode is in it. Repeated ``--trials``
   times; the floor for this figure is the poll interval.

    .venv/bin/python bench/follow_poll.py [--sources 200] [--seconds 30] [--trials 3]
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
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from narration.config import Settings  # noqa: E402
from narration.ingest.follow_rules import Rules  # noqa: E402
from narration.service import submission  # noqa: E402
from narration.service.follow import Follower  # noqa: E402
from narration.store.database import Database  # noqa: E402
from narration.store.jobs import JobStore, Submission  # noqa: E402
from tests.follow_site import Item, serving  # noqa: E402


def polls_per_minute(sources: int, seconds: float, change_every: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, serving() as site:
        settings = Settings(
            out_dir=Path(tmp) / "out",
            fetch_allow=["127.0.0.1"],
            follow_min_interval_s=0,
            follow_interval_s=0.001,
            follow_jitter=0,
        )
        feeds: dict[int, list[Item]] = {}
        for n in range(sources):
            feeds[n] = [Item(f"s{n}-i{i}", f"Source {n} item {i}") for i in range(5)]
            site.rss(f"/feeds/{n}.xml", feeds[n])
        db = Database.open(settings)
        jobs = JobStore(db)

        def queue(sub: Submission) -> str:
            submission.check(sub, settings)
            return jobs.enqueue(sub)[0].id

        follower = Follower(settings, db, queue)
        for n in range(sources):
            follower.store.add("default", f"{site.base}/feeds/{n}.xml", Rules())
        started = time.perf_counter()
        first = []
        while len(first) < sources:
            first.extend(follower.poll_due())
        print(
            f"first round: {sources} sources read, {sum(len(r.queued) for r in first)} items "
            f"queued in {time.perf_counter() - started:.1f} s"
        )
        results: dict[str, int] = {}
        polls = rounds = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            rounds += 1
            for n in range(0, sources, change_every):
                feeds[n].insert(0, Item(f"s{n}-r{rounds}", f"Source {n} round {rounds}"))
                site.rss(f"/feeds/{n}.xml", feeds[n][:5])
            polled = 0
            while polled < sources:  # one round: every source once (50 are taken at a time)
                for result in follower.poll_due():
                    polled += 1
                    results[result.result] = results.get(result.result, 0) + 1
            polls += polled
        elapsed = time.perf_counter() - started
        db.close()
    print(
        f"polls: {polls} in {elapsed:.1f} s = {polls / elapsed * 60:,.0f} polls per minute "
        f"({rounds} rounds of {sources} sources; results {results})"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def item_to_episode(trials: int, interval_s: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, serving() as site:
        work = Path(tmp)
        items = [Item("warm", "Warm up", body="The service is ready. It reads this first.")]
        site.rss("/feed.xml", items)
        shows = work / "shows.toml"
        shows.write_text(
            f"[shows.site]\ntitle = 'Site'\n[[shows.site.follow]]\nurl = '{site.base}/feed.xml'\n"
        )
        port = free_port()
        env = {
            **os.environ,
            "NARRATION_VOICE": "pyttsx3:en",
            "NARRATION_SHOWS_PATH": str(shows),
            "NARRATION_FETCH_ALLOW": "127.0.0.1",
            "NARRATION_FOLLOW_MIN_INTERVAL_S": "0",
            "NARRATION_FOLLOW_INTERVAL_S": str(interval_s),
            "NARRATION_FOLLOW_JITTER": "0",
            "NARRATION_FOLLOW_TICK_S": "0.2",
        }
        log = (work / "serve.log").open("wb")
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "narration.cli", "serve"),
                *("--port", str(port), "--out", str(work / "out")),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False)
        try:

            def wait_for(title: str, limit_s: float = 300) -> float:
                began = time.perf_counter()
                while time.perf_counter() - began < limit_s:
                    assert proc.poll() is None, (work / "serve.log").read_text()[-3000:]
                    try:
                        answer = http.get("/shows/site/feed.xml")
                    except httpx.HTTPError:
                        answer = None
                    if answer is not None and answer.status_code == 200 and title in answer.text:
                        return time.perf_counter() - began
                    time.sleep(0.05)
                raise SystemExit(f"{title!r} did not reach the feed in {limit_s} s")

            wait_for("Warm up")
            times = []
            for n in range(trials):
                title = f"Fresh story {n}"
                body = f"Story {n} happened this morning. Officials confirmed it at noon."
                items.insert(0, Item(f"fresh{n}", title, body=body))
                site.rss("/feed.xml", items)
                taken = wait_for(title)
                times.append(taken)
                print(f"item {n}: {taken:.2f} s from the site's feed to our feed")
            print(
                f"item to episode (espeak-ng, poll interval {interval_s:g} s): median "
                f"{statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s"
            )
        finally:
            http.close()
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--change-every", type=int, default=10)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--interval", type=float, default=2.0)
    args = parser.parse_args()
    threading.current_thread().name = "bench"
    polls_per_minute(args.sources, args.seconds, args.change_every)
    item_to_episode(args.trials, args.interval)


if __name__ == "__main__":
    main()
