"""Listening figures: what counting costs.

1. The counting path in one process: ``Counter.hit`` (what a media request does: a deque
   append) per second, and raw hits written per second by the background flush (user
   agent classified, listener hashed, rows inserted into SQLite).
2. ``narration serve`` answering ``Range: bytes=0-1`` on an episode's MP3 (what podcast
   apps send first, and the cheapest request, so counting weighs most on it) with
   counting on and off: requests per second, best of the rounds, taking turns.
3. A day's raw hits for 100,000 downloads on SQLite (each a 2-byte probe and a whole-file
   request: 200,000 rows): the bytes of the table and its indexes (``dbstat``), and how
   long that day's roll-up takes.

    .venv/bin/python bench/stats_counting.py [--seconds 5] [--connections 32] [--rounds 3]
        [--downloads 100000]

Everything listens on 127.0.0.1 only; every server started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feed_serve import build_show, check, episode, free_port, load, ours, server  # noqa: E402
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
                    "('stats_hits', 'ix_stats_hits_day_listener', 'ix_stats_hits_at') "
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


def serving(out: Path, seconds: float, connections: int, rounds: int) -> None:
    settings = Settings(out_dir=out, base_url="http://127.0.0.1:8000")
    catalog = build_show(settings, 50)
    catalog.db.close()
    audio = "/" + episode(49).audio_name
    best: dict[str, float] = {}
    print(f"narration serve, GET {audio} with {RANGE}, {connections} connections:")
    for _ in range(rounds):
        for name, on in (("counting off", "false"), ("counting on", "true")):
            port = free_port()
            os.environ["NARRATION_STATS"] = on
            with server(ours(out, port), port):
                check(port, audio, RANGE, 206)
                load(port, audio, RANGE, 1.0, connections)  # warm up
                got = load(port, audio, RANGE, seconds, connections)
            print(f"  {name:<14} {got.rps:>8.0f} req/s ({got.tool}, {got.errors} errors)")
            best[name] = max(best.get(name, 0.0), got.rps)
    os.environ.pop("NARRATION_STATS", None)
    change = best["counting on"] / best["counting off"] - 1
    print(
        f"best of {rounds}: off {best['counting off']:.0f} req/s, on {best['counting on']:.0f} "
        f"req/s: {change:+.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--downloads", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stats-counting-") as tmp:
        counting_path(Path(tmp) / "path", args.downloads)
        serving(Path(tmp) / "serve", args.seconds, args.connections, args.rounds)


if __name__ == "__main__":
    main()
