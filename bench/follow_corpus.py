"""Following real-world feeds: each feed of tests/feeds (public parsers' test data, with
their licences) served on 127.0.0.1 with its Content-Type and followed once; entries
others find (feedparser, a JSON read, lxml for sitemaps) against entries the follower
recorded, by format, and the polls that failed with why.

    .venv/bin/python bench/follow_corpus.py
    PYTHONPATH=/tmp/before-f .venv/bin/python bench/follow_corpus.py   # another checkout
"""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This checkout's harness, loaded by path: the narration it measures is whichever is
# imported (PYTHONPATH may name another checkout, with its own tests package).
_spec = importlib.util.spec_from_file_location("feed_corpus", ROOT / "tests" / "feed_corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
sys.modules["feed_corpus"] = corpus
_spec.loader.exec_module(corpus)
follow_all, load, unexplained = corpus.follow_all, corpus.load, corpus.unexplained


def main() -> None:
    logging.disable(logging.WARNING)
    import narration

    outcomes = follow_all(load())
    print(f"narration from {Path(narration.__file__).parent.parent}")
    print("found: entries others find; queued: entries queued for narration; short: feeds")
    print("where fewer are queued than found; failed: polls that failed\n")
    print(f"{'format':16} {'feeds':>6} {'found':>7} {'queued':>7} {'short':>6} {'failed':>7}")
    by_format: dict[str, list] = {}
    for o in outcomes:
        by_format.setdefault(o.format, []).append(o)
    rows = [*sorted(by_format.items()), ("all", outcomes)]
    for name, group in rows:
        found = sum(o.expected for o in group)
        seen = sum(min(o.seen, o.expected) for o in group)
        short = sum(1 for o in group if o.seen < o.expected)
        failed = sum(1 for o in group if o.result in ("failed", "over budget"))
        print(f"{name:16} {len(group):6} {found:7} {seen:7} {short:6} {failed:7}")
    unstated = [o for o in outcomes if unexplained(o)]
    print(f"feeds with fewer entries queued than found and no reason given: {len(unstated)}")
    causes = Counter(
        re.sub(r"https?://\S+", "URL", o.error or "no reason given")[:110]
        for o in outcomes
        if o.result in ("failed", "over budget")
    )
    print("polls failed, by cause:")
    for cause, n in causes.most_common():
        print(f"  {n:4}  {cause}")
    reasons: Counter[str] = Counter()
    for o in outcomes:
        reasons.update({re.sub(r"https?://\S+", "URL", k)[:110]: v for k, v in o.reasons.items()})
    if reasons:
        print("entries skipped, by reason:")
        for reason, n in reasons.most_common():
            print(f"  {n:4}  {reason}")


if __name__ == "__main__":
    main()
