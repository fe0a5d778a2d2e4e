"""The ``narration`` command: narrate articles, show how an article will be read, list voices,
follow sites, hear episodes back, and run the service.

Each command lives in a module of this package and is imported only when it runs: synthesis
workers start by importing the main module, and ``narration --help`` should not pay for the
pipeline.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narration.errors import BadInput, NarrationError, SettingsError

if TYPE_CHECKING:
    from narration.config import Settings

log = logging.getLogger("narration")

GC_THRESHOLD = 50_000
"""New objects between collections of the youngest generation in a short command
(Python's default, 700, is kept by the long-running ones)."""
LONG_RUNNING = frozenset(("serve", "worker", "follow"))

COMMANDS = {
    "narrate": "narration.cli.narrating:narrate",
    "prepare": "narration.cli.narrating:prepare",
    "check": "narration.cli.checking:check",
    "follow": "narration.cli.following:follow",
    "voices": "narration.cli.running:voices",
    "serve": "narration.cli.running:serve",
    "worker": "narration.cli.running:worker",
    "migrate": "narration.cli.running:migrate",
    "stats": "narration.cli.running:stats",
    "key-id": "narration.cli.running:key_id",
}
"""Each command's handler, as ``module:function``."""


def _parser() -> argparse.ArgumentParser:
    summary = (__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="narration", description=summary)
    sub = parser.add_subparsers(dest="command", required=True)

    narrate = sub.add_parser("narrate", help="turn articles into episodes and update the feed")
    narrate.add_argument("sources", nargs="+", metavar="SOURCE", help="a file, or - for stdin")
    narrate.add_argument("--out", type=Path, help="output directory (default audio_out)")
    narrate.add_argument("--base-url", help="URL the output directory is published under")
    narrate.add_argument("--voice", help="backend:voice, e.g. pyttsx3:en")
    narrate.add_argument("--show", help="show slug (default: the default show)")
    narrate.add_argument("--json", action="store_true", help="one JSON object per episode")
    narrate.add_argument(
        "--check", action="store_true", help="hear each episode back and report what was misheard"
    )

    check = sub.add_parser("check", help="hear an episode back and list what was misheard")
    check.add_argument("episode", metavar="EPISODE", help="an episode id, or its audio file")
    check.add_argument("--out", type=Path, help="output directory (default audio_out)")
    check.add_argument("--json", action="store_true", help="the check as one JSON object")

    prepare = sub.add_parser("prepare", help="show the prepared article without making audio")
    prepare.add_argument("source", metavar="SOURCE")
    prepare.add_argument("--json", action="store_true")

    sub.add_parser("voices", help="list the installed voices")

    follow = sub.add_parser(
        "follow", help="narrate what sites publish, from their feeds or sitemaps"
    )
    follow.add_argument(
        "urls", nargs="+", metavar="URL", help="an RSS, Atom or JSON feed, or a sitemap"
    )
    follow.add_argument("--show", help="show slug (default: the default show)")
    follow.add_argument("--out", type=Path, help="output directory (default audio_out)")
    follow.add_argument("--base-url", help="URL the output directory is published under")
    follow.add_argument("--once", action="store_true", help="poll each source once, then exit")
    follow.add_argument(
        "--max-new",
        type=int,
        metavar="N",
        help="narrate at most N new entries per poll, newest first (the rest wait)",
    )
    follow.add_argument(
        "--json", action="store_true", help="one JSON object per episode, then one per source"
    )

    serve = sub.add_parser("serve", help="serve the API, the feed and the audio, and narrate")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--out", type=Path, help="output directory (default audio_out)")
    serve.add_argument("--base-url", help="URL the output directory is published under")

    worker = sub.add_parser("worker", help="narrate submitted articles from the queue")
    worker.add_argument("--out", type=Path, help="output directory (default audio_out)")

    migrate = sub.add_parser(
        "migrate", help="bring the database's schema up to date (NARRATION_DATABASE_URL)"
    )
    migrate.add_argument("--out", type=Path, help="output directory (default audio_out)")

    stats = sub.add_parser(
        "stats", help="roll up the listening figures and delete raw hits older than 48 hours"
    )
    stats.add_argument("--out", type=Path, help="output directory (default audio_out)")
    sub.add_parser(
        "key-id",
        help="print the id of the API key read from stdin (what a show's owners list names)",
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    # Lazy: config and shows load pydantic (~150 ms); `narration --help` must not pay for it.
    from narration.config import load_settings
    from narration.publish.shows import settings_for  # lazy: as above

    overrides: dict[str, Any] = {}
    for flag, field in (("out", "out_dir"), ("base_url", "base_url")):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[field] = value
    settings = load_settings(**overrides)
    show = getattr(args, "show", None)
    if show is not None:
        settings = settings_for(settings, show)
    # The flag beats the show's voice, which beats NARRATION_VOICE.
    voice = getattr(args, "voice", None)
    return (
        settings.for_show(settings.show.model_copy(update={"voice": voice})) if voice else settings
    )


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="narration: %(message)s")
    # Extraction libraries log their own heuristics at WARNING; the CLI reports outcomes.
    for noisy in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    args = _parser().parse_args(argv)
    if args.command not in LONG_RUNNING:
        # Importing a command's libraries makes hundreds of thousands of objects that live
        # as long as the process; collecting cycles every 700 new objects (the default)
        # spends a good part of a short command's time scanning them again. Cycles are
        # rare here: reference counting frees nearly everything.
        gc.set_threshold(GC_THRESHOLD, 20, 20)
    module, _, name = COMMANDS[args.command].partition(":")
    try:
        handler = getattr(importlib.import_module(module), name)
        return int(handler(args))
    except SettingsError as exc:
        print(f"narration: bad setting: {exc}", file=sys.stderr)
        return 2
    except BadInput as exc:
        print(f"narration: error: {exc}", file=sys.stderr)
        return 2
    except (NarrationError, OSError) as exc:
        # OSError: disk full, permissions on the output directory and the like. Files are
        # written to temporary names and renamed, so nothing half-written is left behind.
        print(f"narration: failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("narration: interrupted", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
