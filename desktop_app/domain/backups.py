"""Which backup copies to keep, and when the next one is due.

Rotation is grandfather-father-son: the newest copy of each of the 7 most recent days that have
a copy, of each of the 4 most recent ISO weeks and of each of the 12 most recent months. A copy
can stand for several periods at once (Sunday's is also the week's and maybe the month's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

#: a day without a backup is caught up; after this many days the user is warned
STALE_AFTER = dt.timedelta(days=2)


@dataclass(frozen=True)
class Rotation:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _day(moment: dt.datetime) -> Hashable:
    return moment.date()


def _week(moment: dt.datetime) -> Hashable:
    year, week, _ = moment.isocalendar()
    return (year, week)


def _month(moment: dt.datetime) -> Hashable:
    return (moment.year, moment.month)


def backups_to_keep(
    taken: Iterable[dt.datetime], rotation: Rotation = Rotation()
) -> set[dt.datetime]:
    """The moments (of the copies given) that rotation keeps; every other copy may go."""
    newest_first = sorted(set(taken), reverse=True)
    keep: set[dt.datetime] = set()
    rules: tuple[tuple[Callable[[dt.datetime], Hashable], int], ...] = (
        (_day, rotation.daily),
        (_week, rotation.weekly),
        (_month, rotation.monthly),
    )
    for period_of, count in rules:
        seen: set[Hashable] = set()
        for moment in newest_first:
            if len(seen) >= count:
                break
            period = period_of(moment)
            if period not in seen:
                seen.add(period)
                keep.add(moment)
    return keep


def backup_due(last: dt.datetime | None, now: dt.datetime) -> bool:
    """The daily copy: one per calendar day, made by the first check of a day without one
    (a PC switched on late catches up at once)."""
    return last is None or last.date() < now.date()


def backup_stale(last: dt.datetime | None, now: dt.datetime) -> bool:
    """The newest copy is too old to rely on: the user is told."""
    return last is None or now - last > STALE_AFTER
