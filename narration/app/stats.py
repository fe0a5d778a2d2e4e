"""Listening figures: a key's downloads and plays (``GET /v1/stats``), and the daily
roll-up that ``narration stats`` runs for cron (the service runs it itself while it
serves)."""

from __future__ import annotations

import datetime as dt

from narration.app.context import Context
from narration.errors import NotFound
from narration.keys import Caller
from narration.service.stats.figures import Figures, read_figures
from narration.service.views import episode_id_of
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore
from narration.store.stats import Filter, GroupBy


def listening_figures(
    ctx: Context,
    caller: Caller,
    by: GroupBy,
    *,
    show: str | None = None,
    episode: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> Figures:
    """Downloads (IAB-counted) and the player's plays in rows ``by`` day, app, country or
    episode, of the articles ``caller`` submitted (every article for an admin key). An
    ``episode`` (its catalog id or a job's) that is not among them is NotFound. Blocks
    on the database."""
    where = Filter(
        show=show,
        episode_id=own_episode(ctx.db, caller, episode) if episode is not None else None,
        first_day=first.isoformat() if first else None,
        last_day=last.isoformat() if last else None,
        owner=None if caller.admin else (caller.key_id or ""),
    )
    return read_figures(ctx.listening, where, by)


def own_episode(db: Database, caller: Caller, ident: str) -> str:
    """The catalog id of the episode ``ident`` names, when it is among the caller's."""
    catalog = Catalog(db)
    found = episode_id_of(catalog, JobStore(db), ident)
    ep = catalog.get(found) if found is not None else None
    if ep is None or not caller.owns(ep.owner):
        raise NotFound(f"no episode {ident} among this key's")
    return ep.id


def roll_up(ctx: Context) -> tuple[int, int]:
    """Roll the raw hits of yesterday and today up into daily figures, and delete the raw
    hits and player events past keeping: how many of each were deleted."""
    ctx.listening.roll_up()
    return ctx.listening.purge()
