"""The long-running and housekeeping commands: serve, worker, migrate, stats, voices."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from narration import logs
from narration.cli import settings_from
from narration.errors import BadInput
from narration.keys import key_fingerprint

log = logging.getLogger("narration")


def voices(args: argparse.Namespace) -> int:
    # Lazy: the backend registry and multiprocessing (~20 ms) for `voices` only, of this module.
    from narration.tts.voices import listed_voices

    for voice in listed_voices():
        print(f"{voice.label:32} language={voice.language:16} sample_rate={voice.sample_rate}")
    return 0


def serve(args: argparse.Namespace) -> int:
    # Lazy: FastAPI (~400 ms) only for `serve`, not for this module's other commands.
    from api.main import run

    settings = settings_from(args)
    if args.base_url is None and "NARRATION_BASE_URL" not in os.environ:
        settings = settings.model_copy(update={"base_url": f"http://{args.host}:{args.port}"})
    logs.configure()
    run(settings, args.host, args.port, embedded_worker=True)
    return 0


def migrate(args: argparse.Namespace) -> int:
    # Lazy: SQLAlchemy (~130 ms) not for `voices` or `key-id`, which share this module.
    from narration.store.database import Database, default_url

    settings = settings_from(args)
    if settings.database_url:
        db = Database(settings.database_url)
    else:
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        db = Database(default_url(settings.state_dir))
    try:
        before = db.revision()
        after = db.migrate()
    finally:
        db.close()
    if before == after:
        print(f"the database schema is up to date (revision {after})")
    else:
        print(f"migrated the database schema from {before or 'nothing'} to revision {after}")
    return 0


def stats(args: argparse.Namespace) -> int:
    """What ``narration serve`` does every ten minutes while it serves audio, for cron."""
    # Lazy: SQLAlchemy (~130 ms) is not for `voices` or `key-id`, which share this module.
    from narration.app.context import Context
    from narration.app.stats import roll_up  # lazy: as above
    from narration.service.stats.counter import Counter  # lazy: as above
    from narration.store.database import Database  # lazy: as above

    settings = settings_from(args)
    db = Database.open(settings)
    counter = Counter(settings, db)
    try:
        hits, events = roll_up(Context(settings, db, counter=counter))
    finally:
        counter.close()
        db.close()
    print(f"rolled up yesterday and today; deleted {hits} raw hits and {events} player events")
    return 0


def worker(args: argparse.Namespace) -> int:
    # Lazy: the queue and service load SQLAlchemy and the pipeline; `voices` shares this module.
    from narration.service.queue import JobQueue
    from narration.service.runtime import Service  # lazy: as above

    settings = settings_from(args)
    logs.configure()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    queue = JobQueue(settings)
    service = Service(queue)
    service.start()
    log.info("worker narrating into %s; Ctrl-C stops it", settings.out_dir)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        queue.close(wait=service.stop())
    return 0


def key_id(args: argparse.Namespace) -> int:
    """The id of the API key on stdin: what a show's ``owners`` names, so that the shows
    file never holds a key itself."""
    key = sys.stdin.readline().strip()
    if not key:
        raise BadInput('give the API key on stdin, e.g. printf %s "$KEY" | narration key-id')
    print(key_fingerprint(key))
    return 0
