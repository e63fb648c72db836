"""Balances of single items as of a date (the same rule the SQL in services.balances applies)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AllocationFact:
    amount_minor: int
    effective_date: dt.date
    released_on: dt.date | None = None

    def counts_on(self, as_of: dt.date) -> bool:
        return self.effective_date <= as_of and (
            self.released_on is None or self.released_on > as_of
        )


def open_as_of(amount_minor: int, allocations: Iterable[AllocationFact], as_of: dt.date) -> int:
    covered = sum(a.amount_minor for a in allocations if a.counts_on(as_of))
    return max(0, amount_minor - covered)
