"""What a user agent is: a podcast app (by the Open Podcast Analytics Working Group's
list, vendored in ``opawg/``), a bot, or an Apple Watch.

Bots are the OPAWG bot list and the ``crawler-user-agents`` package's patterns; a
podcast app that the OPAWG list knows is not taken for a bot even when the crawler
patterns match it (Overcast's agent carries a ``+http://`` link, as crawlers' do).

Apple Watch: the IAB Tech Lab's watchOS filtering guidance (October 2020) asks for every
download by the Apple Watch to be left out of counts, because the watch downloads, after
syncing, episodes that its paired iPhone has already downloaded. Its agents are
``atc/... watchOS/... model/Watch...`` (Apple Podcasts on the watch) and
``AppleCoreMedia/... (Apple Watch; ...)``; any agent naming ``watchOS/`` counts as one.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import crawleruseragents

DATA = Path(__file__).resolve().parent / "opawg"
OTHER = "other"
"""The app of an agent that no pattern names."""
_WATCH = re.compile(r"^atc/|watchOS/|\(Apple Watch;")


@dataclass(frozen=True)
class Agent:
    app: str
    """The app's name in the OPAWG list; ``other`` when it is not there."""
    bot: bool
    watch: bool
    """An Apple Watch: its downloads duplicate the phone's, and are not counted."""


def _patterns(name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    entries = json.loads((DATA / name).read_text(encoding="utf-8"))["entries"]
    return tuple((entry["name"], re.compile(entry["pattern"])) for entry in entries)


@functools.cache
def _apps() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return _patterns("apps.json")


@functools.cache
def _bots() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return _patterns("bots.json")


@functools.lru_cache(maxsize=4096)
def classify(user_agent: str) -> Agent:
    """The app, bot and watch flags of ``user_agent`` (cached: apps send few agents)."""
    ua = user_agent.strip()
    watch = bool(_WATCH.search(ua))
    app = next((name for name, pattern in _apps() if pattern.search(ua)), None)
    if not ua or any(pattern.search(ua) for _, pattern in _bots()):
        return Agent(app or OTHER, bot=True, watch=watch)
    if app is not None:
        return Agent(app, bot=False, watch=watch)
    return Agent(OTHER, bot=crawleruseragents.is_crawler(ua), watch=watch)
