"""The ``narration`` command: narrate articles, show how an article will be read, list voices."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narration.errors import BadInput, NarrationError, SettingsError

if TYPE_CHECKING:
    from narration.config import Settings
    from narration.model import Article
    from narration.publish.narrator import Result

# The pipeline is imported inside the commands: synthesis workers start by importing the
# main module (this one, through the console script), and should not pay for the app.

log = logging.getLogger("narration")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="narration", description=__doc__)
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
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from narration.config import load_settings
    from narration.publish.shows import settings_for

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
    return settings.model_copy(update={"voice": voice}) if voice else settings


class TerminalProgress:
    """Progress on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.label = ""

    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None:
        if not self.enabled:
            return
        count = f" {done}/{total}" if done is not None and total else ""
        sys.stderr.write(f"\r\x1b[K{self.label}: {message}{count}")
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _result_json(result: Result, settings: Settings) -> dict[str, Any]:
    ep = result.episode
    out = settings.out_dir
    return {
        "id": ep.id,
        "guid": ep.guid,
        "status": result.status,
        "title": ep.title,
        "author": ep.author,
        "published": ep.published.isoformat(),
        "audio_path": str(out / ep.audio_name),
        "audio_url": settings.url_for(ep.audio_name),
        "bytes": ep.bytes,
        "duration_s": ep.duration_s,
        "chapters": [{"title": c.title, "start_s": c.start_s} for c in ep.chapters],
        "transcript_path": str(out / ep.transcript_name),
        "chapters_path": str(out / ep.chapters_name),
        "peaks_path": str(out / ep.peaks_name) if ep.peaks_name else None,
        "feed_path": str(out / settings.show_prefix / "feed.xml"),
        "synthesised_clips": result.synthesised,
        "voice": result.voice,
    }


def article_json(article: Article) -> dict[str, Any]:
    published = article.published
    return {
        "title": article.title.display,
        "title_spoken": article.title.spoken,
        "author": article.author,
        "published": published.isoformat() if isinstance(published, dt.date) else None,
        "language": article.language,
        "standfirst": article.standfirst,
        "url": article.url,
        "word_count": article.word_count,
        "sections": [
            {
                "heading": sec.heading.display,
                "heading_spoken": sec.heading.spoken,
                "sentences": [
                    {"display": s.display, "spoken": s.spoken, "paragraph": p_index}
                    for p_index, para in enumerate(sec.paragraphs)
                    for s in para
                ],
            }
            for sec in article.sections
        ],
    }


def _narrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    noting = not getattr(args, "check", False)  # a check needs the episode's audio read
    if noting:
        from narration.publish.unchanged import recall

        recalled = recall(args.sources, settings)
        if recalled is not None:  # every file as it was narrated: nothing to do
            _print_recalled(recalled, args, settings)
            return 0
    from narration.prepare.load import load_article
    from narration.publish.narrator import Narrator
    from narration.tts.pool import start_forkserver
    from narration.tts.voices import Voices

    # An unknown voice is refused first. The server workers fork from loads the audio
    # libraries while the sources are read; workers start when a clip is not cached.
    voices = Voices(settings)
    start_forkserver()
    # Read and check every source before writing anything.
    try:
        articles = [load_article(source, settings) for source in args.sources]
    except BaseException:
        voices.close()
        raise
    progress = TerminalProgress()
    checks: dict[str, dict[str, Any]] = {}
    with Narrator(settings, progress, voices) as narrator:
        narrator.gate = _gate(args, settings, narrator.db)

        def label(article: Article) -> None:
            progress.label = article.title.display[:40]

        results = narrator.narrate(articles, on_article=label)
        if noting:
            from narration.publish.unchanged import remember

            remember(args.sources, [_result_json(r, settings) for r in results], settings)
        progress.end()
        feed = settings.out_dir / settings.show_prefix / "feed.xml"
        if args.check:
            checks = {r.episode.id: _checked(r.episode, settings, narrator.db) for r in results}
    for result in results:
        if args.json:
            line = _result_json(result, settings)
            if args.check:
                line["check"] = checks[result.episode.id]
            print(json.dumps(line, ensure_ascii=False))
        else:
            ep = result.episode
            print(
                f"{result.status:9} {settings.out_dir / ep.audio_name} "
                f"({ep.duration_s:.0f} s, {len(ep.chapters)} chapters) {ep.title}"
            )
            if args.check:
                _print_check(checks[ep.id])
    if not args.json:
        print(f"feed      {feed}  ->  {settings.feed_url}")
    return 0


def _print_recalled(
    lines: list[dict[str, Any]], args: argparse.Namespace, settings: Settings
) -> None:
    for line in lines:
        if args.json:
            print(json.dumps(line, ensure_ascii=False))
        else:
            print(
                f"{line['status']:9} {line['audio_path']} "
                f"({line['duration_s']:.0f} s, {len(line['chapters'])} chapters) {line['title']}"
            )
    if not args.json:
        feed = settings.out_dir / settings.show_prefix / "feed.xml"
        print(f"feed      {feed}  ->  {settings.feed_url}")


def _gate(args: argparse.Namespace, settings: Settings, db: Any) -> Any:
    """With ``--check`` and ``NARRATION_CHECK_MAX_WER``, episodes are checked before they
    are published."""
    if not args.check or settings.check_max_wer is None:
        return None
    from narration.service.checking import Gate

    return Gate(settings, db)


def _checked(episode: Any, settings: Settings, db: Any) -> dict[str, Any]:
    """The episode's check: the one made before it was published, or one made now."""
    from narration.service.checking import check_and_keep, current_check

    stored = current_check(db, episode)
    if stored is None:
        check_and_keep(episode, settings, db)
        stored = current_check(db, episode)
    assert stored is not None
    return stored.result


def _print_check(result: dict[str, Any]) -> None:
    flagged = result["flagged"]
    print(
        f"          heard back: word error rate {result['wer']:.2f}, "
        f"{len(flagged)} of {result['sentences']} sentences flagged"
    )
    for item in flagged:
        print(f"          {item['start_s']:8.1f} s  {item['score']:.2f}  {item['text']}")
        print(f"                           heard: {item['heard']}")
    for word, respelling in result["lexicon_suggestions"].items():
        from narration.check.report import lexicon_line

        print(f"          lexicon suggestion: {lexicon_line(word, respelling)}")


def _check(args: argparse.Namespace) -> int:
    from narration.service.checking import check_and_keep, find_episode
    from narration.store.catalog import Catalog
    from narration.store.database import Database

    settings = _settings(args)
    db = Database.open(settings)
    try:
        episode = find_episode(Catalog(db), settings, args.episode)
        check_and_keep(episode, settings, db)
        result = _checked(episode, settings, db)
    finally:
        db.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{episode.title}  ({settings.out_dir / episode.audio_name})")
        _print_check(result)
    return 0


def _prepare(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from narration.prepare.load import load_article

    article = load_article(args.source, settings)
    if args.json:
        print(json.dumps(article_json(article), ensure_ascii=False, indent=2))
        return 0
    print(article.title.display)
    meta = [x for x in (article.author, str(article.published or "")) if x]
    if meta:
        print(" · ".join(meta))
    for sec in article.sections:
        print(f"\n## {sec.heading.display}")
        for para in sec.paragraphs:
            print()
            for s in para:
                print(f"  {s.display}")
                if s.spoken != s.display:
                    print(f"    -> {s.spoken}")
    return 0


def _voices(args: argparse.Namespace) -> int:
    from narration.tts.voices import listed_voices

    for voice in listed_voices():
        print(f"{voice.label:32} language={voice.language:16} sample_rate={voice.sample_rate}")
    return 0


def _follow(args: argparse.Namespace) -> int:
    import signal
    import threading

    from narration.service.follow import source_state
    from narration.service.follow_local import LocalFollow, Narrated
    from narration.store.database import Database

    settings = _settings(args)
    stop = threading.Event()
    if not args.once:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())

    def episode(made: Narrated) -> None:
        if args.json:
            line = {**_result_json(made.result, made.settings), "source": made.source.url}
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


def _serve(args: argparse.Namespace) -> int:
    from api.main import run

    settings = _settings(args)
    if args.base_url is None and "NARRATION_BASE_URL" not in os.environ:
        settings = settings.model_copy(update={"base_url": f"http://{args.host}:{args.port}"})
    from narration import logs

    logs.configure()
    run(settings, args.host, args.port, embedded_worker=True)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from narration.store.database import Database, default_url

    settings = _settings(args)
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


def _stats(args: argparse.Namespace) -> int:
    """What ``narration serve`` does every ten minutes while it serves audio, for cron."""
    from narration.service.stats.counter import Counter
    from narration.store.database import Database

    settings = _settings(args)
    db = Database.open(settings)
    counter = Counter(settings, db)
    try:
        counter.roll_up()
        hits, events = counter.purge()
    finally:
        counter.close()
        db.close()
    print(f"rolled up yesterday and today; deleted {hits} raw hits and {events} player events")
    return 0


def _worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from narration import logs
    from narration.service.queue import JobQueue, Service

    settings = _settings(args)
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


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="narration: %(message)s")
    # Extraction libraries log their own heuristics at WARNING; the CLI reports outcomes.
    for noisy in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    args = _parser().parse_args(argv)
    handlers = {
        "narrate": _narrate,
        "prepare": _prepare,
        "voices": _voices,
        "follow": _follow,
        "serve": _serve,
        "worker": _worker,
        "migrate": _migrate,
        "stats": _stats,
        "check": _check,
    }
    try:
        return handlers[args.command](args)
    except SettingsError as exc:
        print(f"narration: bad setting: {exc}", file=sys.stderr)
        return 2
    except BadInput as exc:
        print(f"narration: error: {exc}", file=sys.stderr)
        return 2
    except NarrationError as exc:
        print(f"narration: failed: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # Disk full, permissions on the output directory and the like: files are written
        # to temporary names and renamed, so nothing half-written is left behind.
        print(f"narration: failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("narration: interrupted", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
