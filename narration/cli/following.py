"""``narration follow``: narrate what a site publishes, from its feed or sitemap."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from narration.cli import settings_from
from narration.ingest.follow_rules import Rules
from narration.publish.lines import result_line
from narration.service.follow import source_state
from narration.service.follow_local import LocalFollow, Narrated
from narration.store.database import Database

FAILED = ("failed", "over budget")
"""Poll results that mean a source could not be read."""


def follow(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    rules = Rules(max_new_per_poll=args.max_new) if args.max_new is not None else Rules()
    stop = threading.Event()
    if not args.once:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())

    def episode(made: Narrated) -> None:
        if args.json:
            line = {**result_line(made.result, made.settings), "source": made.source.url}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        else:
            ep = made.result.episode
            print(f"{made.result.status:9} {made.settings.out_dir / ep.audio_name} {ep.title}")

    db = Database.open(settings)
    local = LocalFollow(settings, db)
    all_failed = False
    try:
        sources = local.add(args.urls, settings.show.slug, rules)
        due_only = False
        while True:
            polls = local.poll(sources, due_only=due_only, on_episode=episode)
            for poll in polls:
                state = source_state(local.store, poll.source)
                if args.json:
                    print(json.dumps({"source": state}, ensure_ascii=False), flush=True)
                else:
                    print(_line(state))
            if not due_only:
                all_failed = bool(polls) and all(p.result in FAILED for p in polls)
            due_only = True
            if args.once or stop.wait(settings.follow.tick_s):
                break
    finally:
        local.close()
        db.close()
    if all_failed and args.once:
        print("narration follow: no source could be read", file=sys.stderr)
        return 1
    return 0


def _line(state: dict[str, object]) -> str:
    skipped = state.get("skipped") or 0
    return (
        f"source    {state['url']}: {state['last_result']}, "
        f"{state['entries_seen']} seen, {state['failed']} failed"
        + (f", {skipped} skipped" if skipped else "")
        + (f"; {state['last_error']}" if state["last_error"] else "")
    )
