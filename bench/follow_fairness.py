"""Following is fair: how long a due source waits while another source is pathological.

Two sources on a local HTTP server (127.0.0.1), both due when the follower starts; the
pathological one was added first, so a follower that polls in turn reads it first.

1. ``feed``: a 2,000-entry RSS feed followed with the URL pattern ``(a|aa)+$``, whose
   links end in a long run of "a" then a digit (each match backtracks until its time
   limit), beside a one-entry feed.
2. ``index``: a sitemap index of 50 sitemaps of 50,000 URLs each, beside a one-entry feed.

For each: the delay until the one-entry feed's poll is recorded, how long the
pathological source's poll took and what it recorded, and the process's peak memory
above what it held before polling. The pattern is stored as a source stored before
patterns were checked would be (from its JSON), so the run works whether or not patterns
are checked when added. Each scenario runs in a process of its own.

    .venv/bin/python bench/follow_fairness.py [--scenario feed|index|both] [--limit-s 900]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Appended, not inserted: PYTHONPATH (another checkout of the project) comes first.
sys.path.append(str(ROOT))

from narration.config import Settings  # noqa: E402
from narration.ingest.follow_rules import Rules  # noqa: E402
from narration.service.follow import Follower  # noqa: E402
from narration.store.database import Database  # noqa: E402
from narration.store.sources import SourceStore  # noqa: E402
from tests.follow_site import Item, Site, serving  # noqa: E402

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pathological_feed(site: Site) -> tuple[str, Rules]:
    # Links end in a digit, so "(a|aa)+$" fails only after trying every split of the run.
    items = [
        Item(f"p{n}", f"Entry {n}", path=f"/articles/{n}/{'a' * 28}{n % 10}") for n in range(2000)
    ]
    site.rss("/slow.xml", items)
    return f"{site.base}/slow.xml", Rules.from_json({"url_pattern": "(a|aa)+$"})


def large_index(site: Site, sitemaps: int = 50, urls: int = 50_000) -> tuple[str, Rules]:
    for s in range(sitemaps):
        body = "".join(f"<url><loc>{site.base}/s{s}/article-{n}</loc></url>" for n in range(urls))
        site.put(
            f"/sitemaps/{s}.xml",
            f"<?xml version='1.0' encoding='utf-8'?><urlset xmlns='{SITEMAP_NS}'>{body}</urlset>",
        )
    listed = "".join(
        f"<sitemap><loc>{site.base}/sitemaps/{s}.xml</loc></sitemap>" for s in range(sitemaps)
    )
    site.put(
        "/index.xml",
        f"<?xml version='1.0' encoding='utf-8'?><sitemapindex xmlns='{SITEMAP_NS}'>{listed}"
        "</sitemapindex>",
    )
    # New entries are few per poll, as a site's are: the figure is the reading of the index.
    return f"{site.base}/index.xml", Rules(max_new_per_poll=10)


def scenario(name: str, limit_s: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, serving() as site:
        settings = Settings(
            out_dir=Path(tmp) / "out",
            fetch_allow=["127.0.0.1"],
            follow_min_interval_s=0,
            follow_interval_s=3600,
            follow_jitter=0,
            follow_tick_s=0.1,
        )
        url, rules = pathological_feed(site) if name == "feed" else large_index(site)
        site.rss("/fast.xml", [Item("f1", "Due story")])
        db = Database.open(settings)
        store = SourceStore(db)
        slow = store.add("default", url, rules)
        fast = store.add("default", f"{site.base}/fast.xml", Rules())
        follower = Follower(settings, db, lambda sub: None)
        before_mb = rss_mb()
        stop = threading.Event()
        thread = threading.Thread(target=follower.run, args=(stop,), daemon=True)
        started = time.perf_counter()
        thread.start()
        fast_s = slow_s = None
        while time.perf_counter() - started < limit_s and (fast_s is None or slow_s is None):
            now = time.perf_counter() - started
            if fast_s is None and (store.get(fast.id) or fast).last_poll_at is not None:
                fast_s = now
            if slow_s is None and (store.get(slow.id) or slow).last_poll_at is not None:
                slow_s = now
            time.sleep(0.05)
        stop.set()
        thread.join(timeout=limit_s)
        done = store.get(slow.id) or slow
        db.close()
    label = (
        "2,000-entry feed, url_pattern (a|aa)+$"
        if name == "feed"
        else "sitemap index, 50 x 50,000 URLs"
    )
    shown = "not polled" if fast_s is None else f"{fast_s:.1f} s"
    took = "unfinished" if slow_s is None else f"{slow_s:.1f} s"
    print(f"{label}:")
    print(f"  due source polled after: {shown}")
    print(f"  pathological source's poll ended after: {took}")
    print(f"  its result: {done.last_result}; error: {done.last_error}")
    print(f"  peak memory above the start: {peak_mb() - before_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", choices=["feed", "index", "both"], default="both")
    parser.add_argument("--limit-s", type=float, default=900.0)
    args = parser.parse_args()
    if args.scenario != "both":
        scenario(args.scenario, args.limit_s)
        return
    for name in ("feed", "index"):
        command = [sys.executable, __file__, "--scenario", name, "--limit-s", str(args.limit_s)]
        subprocess.run(command, check=True, env=os.environ.copy())


if __name__ == "__main__":
    main()
