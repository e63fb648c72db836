"""What the morning digest calls a change: the period it covers and the top movers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

#: how many contractors the digest lists as top movers
TOP_MOVERS = 5


def period_start(previous: dt.date | None, today: dt.date) -> dt.date:
    """The day the digest for ``today`` counts from: the previous digest's day, or yesterday
    for a recipient's first digest (a first e-mail listing the whole past helps nobody)."""
    if previous is None or previous >= today:
        return today - dt.timedelta(days=1)
    return previous


@dataclass(frozen=True)
class Mover:
    contractor_id: int
    currency: str
    before: int
    now: int

    @property
    def change(self) -> int:
        return self.now - self.before


def top_movers(
    before: Mapping[tuple[int, str], int],
    now: Mapping[tuple[int, str], int],
    limit: int = TOP_MOVERS,
) -> list[Mover]:
    """The contractors whose overdue (per currency, in minor units) changed most, by the size of
    the change, growth and fall alike; ties by contractor and currency, so the order is stable."""
    movers = [
        Mover(key[0], key[1], before.get(key, 0), now.get(key, 0))
        for key in before.keys() | now.keys()
        if before.get(key, 0) != now.get(key, 0)
    ]
    movers.sort(key=lambda m: (-abs(m.change), m.contractor_id, m.currency))
    return movers[:limit]
