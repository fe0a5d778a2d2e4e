"""``narration check`` and ``narration narrate --check``: episodes heard back."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from narration.check.report import lexicon_line
from narration.check.result import CheckResult, result_json
from narration.cli import settings_from
from narration.config import Settings

if TYPE_CHECKING:
    # Names for the annotations only: the catalog and the service load when a check runs.
    from narration.model import Episode
    from narration.service.checking import Gate
    from narration.store.database import Database


def gate(args: argparse.Namespace, settings: Settings, db: Database) -> Gate | None:
    """With ``--check`` and ``NARRATION_CHECK_MAX_WER``, episodes are checked before they
    are published."""
    if not args.check or settings.check.max_wer is None:
        return None
    # Lazy: the check service and SQLAlchemy (~200 ms); narrate imports this module.
    from narration.service.checking import Gate

    return Gate(settings, db)


def checked(episode: Episode, settings: Settings, db: Database) -> CheckResult:
    """The episode's check: the one made before it was published, or one made now."""
    # Lazy: the check service (~200 ms) only when an episode is checked; narrate imports this.
    from narration.app.context import Context
    from narration.app.episodes import hear_back  # lazy: as above

    return hear_back(Context(settings, db), episode)


def print_check(result: CheckResult) -> None:
    flagged = result.flagged
    print(
        f"          heard back: word error rate {result.wer:.2f}, "
        f"{len(flagged)} of {result.sentences} sentences flagged"
    )
    natural = result.naturalness
    if natural:
        print(
            f"          naturalness (DNSMOS, 1 to 5): {natural.mos:.2f}, overall {natural.ovrl:.2f}"
        )
    for item in flagged:
        print(f"          {item.start_s:8.1f} s  {item.score:.2f}  {item.text}")
        print(f"                           heard: {item.heard}")
    for word, respelling in result.lexicon_suggestions.items():
        print(f"          lexicon suggestion: {lexicon_line(word, respelling)}")


def check(args: argparse.Namespace) -> int:
    # Lazy: the check service, catalog and SQLAlchemy (~200 ms); narrate imports this module.
    from narration.app.context import Context
    from narration.app.episodes import hear_back  # lazy: as above
    from narration.service.checking import find_episode  # lazy: as above
    from narration.store.catalog import Catalog  # lazy: as above
    from narration.store.database import Database  # lazy: as above

    settings = settings_from(args)
    db = Database.open(settings)
    try:
        episode = find_episode(Catalog(db), settings, args.episode)
        result = hear_back(Context(settings, db), episode, again=True)
    finally:
        db.close()
    if args.json:
        print(json.dumps(result_json(result), ensure_ascii=False))
    else:
        print(f"{episode.title}  ({settings.out_dir / episode.audio_name})")
        print_check(result)
    return 0
