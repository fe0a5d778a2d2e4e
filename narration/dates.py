"""The dates the service takes: in the years 1900 to 2200, in their own zone and in UTC.

A date outside them is a typo or made up; feeds, the catalog and the worker shift dates
to UTC and count days from them, which overflows near the ends of the calendar
(``0001-01-01T00:00:00+14:00`` is in the year 0 in UTC). Every date that enters (an
article's publication date, a source's ``not_before``) is held to this rule where it
enters; a date an article's own source gives that breaks it is dropped.
"""

from __future__ import annotations

import datetime as dt

from narration.errors import BadInput

FIRST_YEAR = 1900
LAST_YEAR = 2200


def date_problem(when: dt.date) -> str | None:
    """Why the service does not take ``when``; None when it does. A time without a zone
    is taken as UTC."""
    years = {when.year}
    if isinstance(when, dt.datetime) and when.tzinfo is not None:
        try:
            years.add(when.astimezone(dt.UTC).year)
        except (OverflowError, ValueError):
            return f"{when.isoformat()} cannot be shifted to UTC"
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
        return f"{when.isoformat()} is not between the years {FIRST_YEAR} and {LAST_YEAR}"
    return None


def check_date(field: str, when: dt.date) -> None:
    """Refuse ``when`` with :class:`BadInput` naming ``field`` unless the service takes it."""
    problem = date_problem(when)
    if problem is not None:
        raise BadInput(f"{field}: {problem}")
