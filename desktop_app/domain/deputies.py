"""Who does a person's work on a given day: themselves, or their deputy while they are away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Absence:
    first_day: dt.date
    last_day: dt.date
    deputy_id: int | None

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


def effective_assignee(
    user_id: int | None, day: dt.date, absences: Mapping[int, Absence]
) -> int | None:
    """The person whose work ``user_id``'s is on ``day``: a deputy stands in while the user is
    away and may be away too (their own deputy then); a ring of people who are all away, or an
    absence without a deputy, leaves the work with the last one present or with ``user_id``."""
    seen: set[int] = set()
    current = user_id
    while current is not None and current not in seen:
        absence = absences.get(current)
        if absence is None or absence.deputy_id is None or not absence.covers(day):
            return current
        seen.add(current)
        current = absence.deputy_id
    return user_id


def stood_in_for(user_id: int, day: dt.date, absences: Mapping[int, Absence]) -> set[int]:
    """Everyone whose work is ``user_id``'s on ``day``, ``user_id`` included when present."""
    people = set(absences) | {user_id} | {a.deputy_id for a in absences.values() if a.deputy_id}
    return {p for p in people if effective_assignee(p, day, absences) == user_id}
