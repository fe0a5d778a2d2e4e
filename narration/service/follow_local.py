"""Following sources from the command line: what is new or changed in them is narrated
in this process, into the output directory, as ``narrate`` does.

An entry stays pending in the database until its episode is made, so a run stopped
part-way narrates the rest next time, and nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from narration.config import Settings
from narration.errors import ConflictError, NarrationError
from narration.ingest.follow_rules import Rules
from narration.keys import Caller
from narration.net.address import check_url
from narration.publish.narrator import Result
from narration.service import submission
from narration.service.follow import Follower, PollResult, shown_error
from narration.service.narrators import Narrators
from narration.store.database import Database
from narration.store.jobs import Submission
from narration.store.sources import Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Narrated:
    """An entry's episode, made in this process."""

    source: Source
    result: Result
    settings: Settings
    """The show's settings it was narrated with."""


class LocalFollow:
    """Sources followed by one command, narrated by it."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.follower = Follower(settings, db, lambda sub: None)
        self.store = self.follower.store
        self.narrators = Narrators(db)

    def add(self, urls: Sequence[str], show: str, rules: Rules | None = None) -> list[Source]:
        """The sources of ``urls`` in ``show``, recorded on first use (their state is
        kept between runs), with ``rules`` when given (the command line's own sources
        take the rules of each run)."""
        found = []
        for url in urls:
            check_url(url, self.settings.fetch)
            source = self.store.find(show, url)
            if source is None:
                try:
                    source = self.store.add(show, url, rules or Rules(), origin="cli")
                except ConflictError:
                    source = self.store.find(show, url)
            elif rules is not None and source.origin == "cli" and source.rules != rules:
                self.store.record(source.id, rules=rules.as_json())
                source = self.store.get(source.id)
            assert source is not None
            found.append(source)
        return found

    def poll(
        self, sources: Sequence[Source], *, due_only: bool, on_episode: Callable[[Narrated], None]
    ) -> list[PollResult]:
        """Poll ``sources`` (only those due, with ``due_only``) and narrate what is new or
        changed; ``on_episode`` hears of each episode as it is made."""
        if due_only:
            polls = self.follower.poll_due(only=[s.id for s in sources])
        else:
            polls = [self.follower.poll(self.store.get(s.id) or s) for s in sources]
        for poll in polls:
            for key, sub in poll.queued:
                made = self._narrate(poll, key, sub)
                if made is not None:
                    on_episode(made)
        return polls

    def _narrate(self, poll: PollResult, key: str, sub: Submission) -> Narrated | None:
        source = poll.source
        try:
            show = submission.submission_settings(sub, self.settings)
            article = submission.article(sub, show)
            [result] = self.narrators.of(show).narrate([article], Caller.operator())
        except (NarrationError, OSError) as exc:
            shown = shown_error(exc)
            log.warning("%s: %s: %s", source.url, key, exc)
            self.store.set_entry(source.id, key, "failed", error=shown)
            self.store.record(
                source.id, last_error=f"{sub.value if sub.kind == 'url' else key}: {shown}"
            )
            poll.failed += 1
            return None
        self.store.set_entry(source.id, key, "done")
        return Narrated(source, result, show)

    def close(self) -> None:
        self.narrators.close()
