"""What is owed, and what was paid in excess, as of a date: the one definition.

An *allocation* sets part of a payment (or of a reducing correction) against one instalment. It
counts on a day D when it took effect by D (``effective_date <= D``) and was not released by D
(``released_on`` empty or after D); a released allocation still counts for the days before its
release, so every past balance can be reproduced. From that:

- an instalment is *open as of D* for its amount minus the allocations that count on D, and owes
  nothing before its invoice was issued;
- a payment leaves *credit as of D*: its amount minus its allocations that count on D, and
  nothing before it was received;
- an instalment is *overdue as of D* when it is open and its due date is before D.

The ledger caches ``open_as_of(…, LATEST)``, ``settled_on`` and ``credit_as_of(…, LATEST)`` on
its rows; ``services/balances.py`` holds the same rules as SQL for speed, kept equal to these
functions by a property test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple, Protocol

from desktop_app.domain.aging import days_overdue

#: "as of the last day": every allocation recorded so far counts unless it was released.
LATEST = dt.date.max


class Allocated(Protocol):
    """An allocation as the rules see it (database rows, the demo's replay and plain facts)."""

    @property
    def amount_minor(self) -> int: ...

    @property
    def effective_date(self) -> dt.date: ...

    @property
    def released_on(self) -> dt.date | None: ...


@dataclass(frozen=True, slots=True)
class AllocationFact:
    amount_minor: int
    effective_date: dt.date
    released_on: dt.date | None = None


def counts_on(allocation: Allocated, as_of: dt.date) -> bool:
    released = allocation.released_on
    return allocation.effective_date <= as_of and (released is None or released > as_of)


def covered_as_of(allocations: Iterable[Allocated], as_of: dt.date) -> int:
    """The money of ``allocations`` that counts on ``as_of``."""
    # counts_on, inlined: the demo's replay runs this a million times
    total = 0
    for a in allocations:
        if a.effective_date <= as_of:
            released = a.released_on
            if released is None or released > as_of:
                total += a.amount_minor
    return total


def open_as_of(
    amount_minor: int, allocations: Iterable[Allocated], as_of: dt.date, *, issued: dt.date
) -> int:
    """What an instalment of ``amount_minor`` (its invoice issued on ``issued``) still owes."""
    if issued > as_of:
        return 0
    return max(0, amount_minor - covered_as_of(allocations, as_of))


def credit_as_of(
    amount_minor: int, allocations: Iterable[Allocated], as_of: dt.date, *, received: dt.date
) -> int:
    """What a payment received on ``received`` has left that is set against nothing."""
    if received > as_of:
        return 0
    return max(0, amount_minor - covered_as_of(allocations, as_of))


class Available(NamedTuple):
    """Credit of ``amount_minor`` that is free from ``since`` on."""

    since: dt.date
    amount_minor: int


def credit_available(
    amount_minor: int, allocations: Iterable[Allocated], *, received: dt.date
) -> tuple[Available, ...]:
    """A payment's credit split by the day each part became free for good (received, or
    released by a correction), oldest first; the parts add up to its credit as of LATEST.

    Money set against a new debt counts from the day it became free, never earlier: before
    that day it still counted against what it had paid, and would be counted twice.
    """
    allocations = list(allocations)
    if not allocations:  # a new payment: all of it, from the day it was received
        return (Available(received, amount_minor),) if amount_minor > 0 else ()
    days = sorted(
        {received}
        | {a.effective_date for a in allocations if a.effective_date > received}
        | {a.released_on for a in allocations if a.released_on and a.released_on > received}
    )
    # credit is constant from one of these days to the next; what may be spent from a day on
    # is the least credit on any day after it
    credit = [credit_as_of(amount_minor, allocations, day, received=received) for day in days]
    least_after = list(accumulate(reversed(credit), min))[::-1]
    parts: list[Available] = []
    spendable = 0
    for day, free in zip(days, least_after, strict=True):
        if free > spendable:
            parts.append(Available(day, free - spendable))
            spendable = free
    return tuple(parts)


def settled_on(
    amount_minor: int, allocations: Iterable[Allocated], *, issued: dt.date
) -> dt.date | None:
    """The day the allocations now in force settled the instalment (the latest day one of them
    took effect), or None while it is open: from that day on it owes nothing, so balances as of
    that day or later can skip it."""
    if amount_minor == 0:
        return issued
    covered = 0
    last: dt.date | None = None
    for a in allocations:
        if a.released_on is None:
            covered += a.amount_minor
            if last is None or a.effective_date > last:
                last = a.effective_date
    return last if covered >= amount_minor else None


def effective_by(allocation: Allocated, as_of: dt.date) -> bool:
    """Whether the allocation had taken effect by ``as_of`` (a card as of that day lists it)."""
    return allocation.effective_date <= as_of


def released_as_of(allocation: Allocated, as_of: dt.date) -> dt.date | None:
    """The release day as known on ``as_of``: a release after it has not happened yet."""
    released = allocation.released_on
    return released if released is not None and released <= as_of else None


@dataclass(frozen=True, slots=True)
class Balance:
    """What one contractor owes in one currency as of a day, and the credit it has there."""

    currency: str
    open_minor: int = 0
    overdue_minor: int = 0
    max_days_overdue: int = 0
    credit_minor: int = 0


@dataclass(frozen=True, slots=True)
class OwedItem:
    """An instalment's open amount as of the day of the balance."""

    currency: str
    open_minor: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class CreditItem:
    """A payment's credit as of the day of the balance."""

    currency: str
    credit_minor: int


def balances_as_of(
    items: Iterable[OwedItem], credits: Iterable[CreditItem], as_of: dt.date
) -> tuple[Balance, ...]:
    """Per currency (alphabetical): open, overdue (due before ``as_of``), the oldest overdue
    item's days and the credit; a currency with nothing in it is left out."""
    sums: dict[str, list[int]] = {}
    for item in items:
        if item.open_minor <= 0:
            continue
        acc = sums.setdefault(item.currency, [0, 0, 0, 0])
        acc[0] += item.open_minor
        late = days_overdue(item.due_date, as_of)
        if late > 0:
            acc[1] += item.open_minor
            acc[2] = max(acc[2], late)
    for credit in credits:
        if credit.credit_minor > 0:
            sums.setdefault(credit.currency, [0, 0, 0, 0])[3] += credit.credit_minor
    return tuple(Balance(currency, *values) for currency, values in sorted(sums.items()))
