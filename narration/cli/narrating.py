"""``narration narrate`` and ``narration prepare``, and the JSON both print."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from narration.cli import settings_from
from narration.publish.lines import ResultLine, result_line

if TYPE_CHECKING:
    from narration.check.result import CheckResult
    from narration.config import Settings
    from narration.model import Article
    from narration.publish.narrator import Result


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


def narrate(args: argparse.Namespace) -> int:
    # Lazy: `prepare` shares this module and never checks (these cost ~6 ms).
    from narration.cli.checking import checked, gate

    settings = settings_from(args)
    noting = not getattr(args, "check", False)  # a check needs the episode's audio read
    if noting:
        # Lazy: loads sqlite3 and the TTS base (~7 ms), which `prepare` never needs.
        from narration.publish.unchanged import recall, remember

        recalled = recall(args.sources, settings)
        if recalled is not None:  # every file as it was narrated: nothing to do
            _print_recalled(recalled, args, settings)
            return 0
    # Lazy: pebble, multiprocessing (~40 ms); a re-run answered by the note starts no workers.
    from narration.tts.pool import start_forkserver

    # The server workers fork from loads the audio libraries while this process loads
    # the rest and reads the sources (it exits with this one if no worker is needed).
    start_forkserver()
    # Lazy, after start_forkserver(): the pipeline (~200 ms) loads while the forkserver starts.
    from narration.episode.maker import EpisodeMaker, check_articles
    from narration.prepare.load import load_article  # lazy: as above
    from narration.tts.voices import Voices  # lazy: as above

    voices = Voices(settings)  # an unknown voice is refused before any source is read
    try:
        # Read and check every source before writing anything, then start the clips
        # that are not cached: the workers read while the catalog and feed load. The
        # clips are started from a thread, which mostly waits for the first workers to
        # fork while this one imports the catalog and feed libraries.
        articles = [load_article(source, settings) for source in args.sources]
        check_articles(articles, voices, settings.max_words)
        progress = TerminalProgress()
        maker = EpisodeMaker(settings, progress)

        def start_clips() -> None:
            for article in articles:
                maker.start_clips(article, voices.cast(article.language))

        with ThreadPoolExecutor(1, thread_name_prefix="narration-start") as starter:
            started = starter.submit(start_clips)
            # Lazy: the catalog and feed libraries load here while the thread starts the clips.
            from narration.publish.narrator import Narrator

            started.result()  # the clips are queued (or the error is raised) here
    except BaseException:
        voices.close()
        raise
    checks: dict[str, CheckResult] = {}
    with Narrator(settings, progress, voices, maker=maker) as narrator:
        narrator.gate = gate(args, settings, narrator.db)

        def label(article: Article) -> None:
            progress.label = article.title.display[:40]

        results = narrator.narrate(articles, on_article=label)
        voices.release()  # every clip is made: the workers need not be waited for
        if noting:
            remember(args.sources, [result_line(r, settings) for r in results], settings)
        progress.end()
        feed = settings.out_dir / settings.show_prefix / "feed.xml"
        if args.check:
            checks = {r.episode.id: checked(r.episode, settings, narrator.db) for r in results}
    _print_results(results, checks, args, settings)
    if not args.json:
        print(f"feed      {feed}  ->  {settings.feed_url}")
    return 0


def _print_results(
    results: list[Result], checks: dict[str, CheckResult], args: argparse.Namespace, s: Settings
) -> None:
    """A line for each episode (a JSON object with ``--json``), with its check if made."""
    # Lazy: `prepare` shares this module and never checks (these cost ~6 ms).
    from narration.check.result import result_json as check_json
    from narration.cli.checking import print_check  # lazy: as above

    for result in results:
        ep = result.episode
        if args.json:
            line: dict[str, object] = {**result_line(result, s)}
            if ep.id in checks:
                line["check"] = check_json(checks[ep.id])
            print(json.dumps(line, ensure_ascii=False))
            continue
        print(
            f"{result.status:9} {s.out_dir / ep.audio_name} "
            f"({ep.duration_s:.0f} s, {len(ep.chapters)} chapters) {ep.title}"
        )
        if ep.id in checks:
            print_check(checks[ep.id])


def _print_recalled(lines: list[ResultLine], args: argparse.Namespace, settings: Settings) -> None:
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


def prepare(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    # Lazy: as above.
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
