"""``narration follow``: narrate what a site publishes, from its feed or sitemap."""

from __future__ import annotations

import argparse
import json

from narration.cli import settings_from
from narration.cli.narrating import result_json


def follow(args: argparse.Namespace) -> int:
    import signal
    import threading

    from narration.service.follow import source_state
    from narration.service.follow_local import LocalFollow, Narrated
    from narration.store.database import Database

    settings = settings_from(args)
    stop = threading.Event()
    if not args.once:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())

    def episode(made: Narrated) -> None:
        if args.json:
            line = {**result_json(made.result, made.settings), "source": made.source.url}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        else:
            ep = made.result.episode
            print(f"{made.result.status:9} {made.settings.out_dir / ep.audio_name} {ep.title}")

    db = Database.open(settings)
    local = LocalFollow(settings, db)
    try:
        sources = local.add(args.urls, settings.show_slug)
        due_only = False
        while True:
            for poll in local.poll(sources, due_only=due_only, on_episode=episode):
                state = source_state(local.store, poll.source)
                if args.json:
                    print(json.dumps({"source": state}, ensure_ascii=False), flush=True)
                else:
                    print(
                        f"source    {state['url']}: {state['last_result']}, "
                        f"{state['entries_seen']} seen, {state['failed']} failed"
                        + (f"; {state['last_error']}" if state["last_error"] else "")
                    )
            due_only = True
            if args.once or stop.wait(settings.follow_tick_s):
                break
    finally:
        local.close()
        db.close()
    return 0
