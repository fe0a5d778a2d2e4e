"""Listening figures: what counting costs.

1. The counting path in one process: ``Counter.hit`` (what a media request does: a deque
   append) per second, and raw hits written per second by the background flush (user
   agent classified, listener hashed, rows inserted into SQLite).
2. ``narration serve`` answering ``Range: bytes=0-1`` on an episode's MP3 (what podcast
   apps send first, and the cheapest request, so counting weighs most on it) with
   counting on and off: requests per second, two servers loaded in turn, the median and
   the best of the rounds.
3. A day's raw hits for 100,000 downloads on SQLite (each a 2-byte probe and a whole-file
   request: 200,000 rows): the bytes of the table and its indexes (``dbstat``), and how
   long that day's roll-up takes.

    .venv/bin/python bench/stats_counting.py [--seconds 5] [--connections 32] [--rounds 6]
        [--downloads 100000]

Everything listens on 127.0.0.1 only; every server started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feed_serve import build_show, check, episode, free_port, load, ours  # noqa: E402
from deploy.local_nginx import stop, wait_listening  # noqa: E402
from narration.config import Settings  # noqa: E402
from narration.service.stats.counter import AudioRequest, Counter  # noqa: E402
from narration.store.database import Database  # noqa: E402

RANGE = {"Range": "bytes=0-1"}
AGENTS = (
    "Podcasts/1650.20 CFNetwork/1410.0.3 Darwin/22.6.0",
    "AppleCoreMedia/1.0.0.20G75 (iPhone; U; CPU OS 16_6 like Mac OS X; en_us)",
    "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
    "Spotify/8.8.0 iOS/17.0 (iPhone15,2)",
    "AntennaPod/3.2.0",
)


def requests(downloads: int, name: str, size: int, day: dt.datetime) -> list[AudioRequest]:
    """``downloads`` listeners spread over ``day``, each probing then fetching the file."""
    found = []
    for n in range(downloads):
        at = day + dt.timedelta(seconds=n * 86_000 / downloads)
        address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        agent = AGENTS[n % len(AGENTS)]
        found.append(AudioRequest(at, name, address, agent, 0, 1))
        found.append(AudioRequest(at, name, address, agent, 0, size - 1))
    return found


def counting_path(out: Path, downloads: int) -> None:
    settings = Settings(out_dir=out)
    catalog = build_show(settings, 1)
    catalog.db.close()
    ep = episode(0)
    day = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    batch = requests(downloads, ep.audio_name, ep.bytes, day)
    db = Database.open(settings)
    counter = Counter(settings, db, flush_s=3600)  # flushed here, by hand
    try:
        start = time.perf_counter()
        for request in batch:
            counter._pending.append(request)  # hit() without starting the flush thread
        taken = time.perf_counter() - start
        start = time.perf_counter()
        written = counter.flush()
        flushed = time.perf_counter() - start
        print(f"counting path, {len(batch):,} requests ({downloads:,} downloads):")
        print(f"  Counter.hit (deque append)        {len(batch) / taken:>12,.0f} hits/s")
        print(f"  flush to SQLite (classify, hash)  {written / flushed:>12,.0f} hits/s")
        start = time.perf_counter()
        counter.roll_up()
        rolled = time.perf_counter() - start
        with db.engine.connect() as conn:
            sizes = dict(
                conn.exec_driver_sql(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name IN "
                    "('stats_hits', 'ix_stats_hits_day_listener') "
                    "GROUP BY name"
                ).all()
            )
            rows = conn.exec_driver_sql("SELECT COUNT(*) FROM stats_hits").scalar_one()
            counted = conn.exec_driver_sql("SELECT SUM(downloads) FROM stats_daily").scalar_one()
        total = sum(sizes.values())
        print(f"a day's raw hits for {downloads:,} downloads ({rows:,} rows) on SQLite:")
        for name, size in sorted(sizes.items()):
            print(f"  {name:<32} {size / 1e6:>8.1f} MB")
        print(f"  {'table and indexes':<32} {total / 1e6:>8.1f} MB = {total / rows:.0f} B/hit")
        print(f"  roll-up of the day: {rolled:.2f} s, {counted:,} downloads counted")
    finally:
        counter.close()
        db.close()


@contextmanager
def started(out: Path, port: int, stats: bool) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "NARRATION_STATS": "true" if stats else "false"}
    proc = subprocess.Popen(
        ours(out, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_listening(port, proc)
        yield proc
    finally:
        stop(proc)


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` and all its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serving(out: Path, seconds: float, connections: int, rounds: int) -> None:
    """Two servers on one output directory, counting off and on, loaded in turn (so a
    burst of other work on the machine falls on both alike): requests per second (median
    and best of the rounds) and the server's CPU time per request, which other work on
    the machine disturbs less."""
    settings = Settings(out_dir=out, base_url="http://127.0.0.1:8000")
    catalog = build_show(settings, 50)
    catalog.db.close()
    audio = "/" + episode(49).audio_name
    ports = {"counting off": free_port(), "counting on": free_port()}
    rates: dict[str, list[float]] = {name: [] for name in ports}
    cpu: dict[str, list[float]] = {name: [] for name in ports}
    print(f"narration serve, GET {audio} with {RANGE}, {connections} connections:")
    with (
        started(out, ports["counting off"], stats=False) as off,
        started(out, ports["counting on"], stats=True) as on,
    ):
        pids = {"counting off": off.pid, "counting on": on.pid}
        for port in ports.values():
            check(port, audio, RANGE, 206)
            load(port, audio, RANGE, 1.0, connections)  # warm up
        for n in range(rounds):
            # Each goes first in every other round: neither always follows the other.
            for name, port in sorted(ports.items(), reverse=n % 2 == 1):
                before = cpu_s(pids[name])
                got = load(port, audio, RANGE, seconds, connections)
                time.sleep(1.5)  # the counter's next flush belongs to this run
                used = (cpu_s(pids[name]) - before) / max(got.ok, 1)
                rates[name].append(got.rps)
                cpu[name].append(used)
                print(
                    f"  {name:<14} {got.rps:>8.0f} req/s, {used * 1e6:>6.0f} us CPU/request "
                    f"({got.tool}, {got.errors} errors)"
                )
    for name in ports:
        rps, us = statistics.median(rates[name]), statistics.median(cpu[name]) * 1e6
        print(
            f"{name:<14} median {rps:>8.0f} req/s, best {max(rates[name]):>6.0f}; "
            f"median {us:>5.0f} us CPU/request"
        )
    median = statistics.median(rates["counting on"]) / statistics.median(rates["counting off"])
    best = max(rates["counting on"]) / max(rates["counting off"])
    per = statistics.median(cpu["counting on"]) / statistics.median(cpu["counting off"])
    print(
        f"counting on vs off: req/s median {median - 1:+.1%}, best {best - 1:+.1%}; "
        f"CPU per request {per - 1:+.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--downloads", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stats-counting-") as tmp:
        counting_path(Path(tmp) / "path", args.downloads)
        serving(Path(tmp) / "serve", args.seconds, args.connections, args.rounds)


if __name__ == "__main__":
    main()
