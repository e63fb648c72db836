"""How money is set against open instalments: the one definition the ledger service and the
demo's replay both apply.

- A payment pays the oldest due first (of two due the same day, the older invoice's first); what
  is left is the contractor's credit in that currency.
- Credit pays new debt as soon as there is some: the oldest credit first (art. 451 KC: money
  without an instruction settles the oldest debt).
- Money counts from the day it was received, or from the invoice's issue date when credit pays
  an invoice issued later.
- An invoice its source restates (a re-imported file with another amount) always was so: the
  payments set against an instalment stay as they are while they fit in its new amount; only the
  excess is released, the latest allocations first, and becomes credit again.
- A correction that lowers an invoice reduces its latest-due instalments first; where that part
  was already paid, the payment's latest allocations are released from the correction's day and
  the freed money becomes credit again, which pays other debt only from that day on. (A
  correction dated before what it frees takes effect from the first day there is room for it.)

The functions decide and return what to record; the callers (``services/ledger.py`` over the
database, ``services/demo.py`` in memory) record it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from desktop_app.domain.receivables import Available, covered_as_of

# The values the demo's replay makes a million of are named tuples: as immutable as frozen
# dataclasses, and three times quicker to make.


class OpenItem(NamedTuple):
    """An instalment that still owes ``open_minor``; ``key`` is the caller's id for it."""

    key: int
    open_minor: int
    due_date: dt.date
    issued: dt.date


class Share(NamedTuple):
    """Money to set against the item ``key``, counting from ``effective_date``."""

    key: int
    amount_minor: int
    effective_date: dt.date


class Credit(NamedTuple):
    """A payment (``key``) received on ``received`` with money not yet set against anything,
    in parts by the day each became free (``receivables.credit_available``)."""

    key: int
    received: dt.date
    available: tuple[Available, ...]


#: the order money pays items in: oldest due first; then the older invoice; then the order
#: the items were recorded in
payment_order = attrgetter("due_date", "issued", "key")


def allocate(available: Iterable[Available], items: Iterable[OpenItem]) -> tuple[list[Share], int]:
    """Set money against ``items``; returns the shares and what is left.

    ``available`` is a new payment's amount from its date, or a credit's parts oldest first; a
    share counts from the day its money was free, or from the invoice's issue date if later.
    """
    # written for speed: the demo's replay runs this for half a million payments
    money = [part for part in available if part.amount_minor]
    if any(part.amount_minor < 0 for part in money):
        raise ValueError("amount must not be negative")
    shares: list[Share] = []
    if not money:
        return shares, 0
    k = 0
    since, left = money[0]
    for item in sorted(items, key=payment_order):
        need = item.open_minor
        while need > 0:
            take = need if need < left else left
            effective = item.issued if item.issued > since else since
            last = shares[-1] if shares else None
            if last is not None and last.key == item.key and last.effective_date == effective:
                shares[-1] = Share(item.key, last.amount_minor + take, effective)
            else:
                shares.append(Share(item.key, take, effective))
            need -= take
            left -= take
            if left == 0:
                k += 1
                if k == len(money):
                    return shares, 0
                since, left = money[k]
    return shares, left + sum(part.amount_minor for part in money[k + 1 :])


def apply_credit(
    credits: Iterable[Credit], items: Iterable[OpenItem]
) -> list[tuple[int, list[Share]]]:
    """Spend credit on open items, oldest credit first; returns (credit key, shares) for every
    credit that paid something."""
    still_open = {item.key: item for item in items}
    spent: list[tuple[int, list[Share]]] = []
    for credit in sorted(credits, key=lambda c: (c.received, c.key)):
        if not still_open:
            break
        shares, _left = allocate(credit.available, still_open.values())
        if not shares:
            continue
        spent.append((credit.key, shares))
        for share in shares:
            item = still_open[share.key]
            rest = item.open_minor - share.amount_minor
            if rest > 0:
                still_open[share.key] = OpenItem(item.key, rest, item.due_date, item.issued)
            else:
                del still_open[share.key]
    return spent


@dataclass(frozen=True, slots=True)
class Recorded:
    """An allocation already recorded on an instalment (``key``: the caller's id for it)."""

    key: int
    amount_minor: int
    effective_date: dt.date
    released_on: dt.date | None
    #: from a payment (only those are released); otherwise from an earlier correction
    paid: bool


@dataclass(frozen=True, slots=True)
class CorrectableItem:
    """An instalment of the corrected invoice with every allocation recorded on it."""

    key: int
    seq: int
    due_date: dt.date
    amount_minor: int
    allocations: tuple[Recorded, ...]


@dataclass(frozen=True, slots=True)
class Release:
    """Release the allocation ``key``: ``freed_minor`` goes back to its payment as credit and
    ``kept_minor`` (if any) stays on the instalment as a new allocation from ``kept_from``."""

    key: int
    freed_minor: int
    kept_minor: int
    kept_from: dt.date


@dataclass(frozen=True, slots=True)
class Reduction:
    """Take ``amount_minor`` off the instalment ``key`` from ``effective_date``; the releases
    that make room for it are released on that day too."""

    key: int
    amount_minor: int
    effective_date: dt.date
    releases: tuple[Release, ...]


def reduce_by_correction(
    amount_minor: int, corrected_on: dt.date, issued: dt.date, items: Sequence[CorrectableItem]
) -> list[Reduction]:
    """A correction issued on ``corrected_on`` lowers an invoice issued on ``issued`` by
    ``amount_minor``: latest due first, never below what earlier corrections left.

    A reduction counts from the correction's day (the invoice's, for a correction dated before
    it). Only when that is earlier than what it releases had counted since (a correction dated
    before an earlier one, or before the payment it frees) does it count from the first day
    with room for it, so that no day ever counts more than the instalment's amount.
    """
    if amount_minor < 0:
        raise ValueError("amount must not be negative")
    remaining = amount_minor
    reductions: list[Reduction] = []
    for item in sorted(items, key=lambda i: (i.due_date, i.seq), reverse=True):
        if remaining == 0:
            break
        active = [a for a in item.allocations if a.released_on is None]
        corrected = sum(a.amount_minor for a in active if not a.paid)
        take = min(remaining, item.amount_minor - corrected)
        if take <= 0:
            continue
        still_open = item.amount_minor - sum(a.amount_minor for a in active)
        freed = _freed([a for a in active if a.paid], take - still_open)
        day = _room_from(item, take, freed, max(corrected_on, issued))
        releases = tuple(
            Release(a.key, amount, a.amount_minor - amount, max(day, a.effective_date))
            for a, amount in freed
        )
        reductions.append(Reduction(item.key, take, day, releases))
        remaining -= take
    return reductions


def release_excess(amount_minor: int, allocations: Sequence[Recorded]) -> list[Release]:
    """An instalment restated to ``amount_minor``: the payment allocations that no longer fit
    give back the excess, the latest first; what stays of one is kept from its own day (a
    restatement is not an event with a date of its own)."""
    active = [a for a in allocations if a.released_on is None]
    excess = sum(a.amount_minor for a in active) - amount_minor
    return [
        Release(a.key, freed, a.amount_minor - freed, a.effective_date)
        for a, freed in _freed([a for a in active if a.paid], excess)
    ]


def _freed(paid: Sequence[Recorded], amount: int) -> list[tuple[Recorded, int]]:
    """``amount`` of payment allocations to free, the latest first."""
    freed: list[tuple[Recorded, int]] = []
    left = amount
    for allocation in sorted(paid, key=lambda a: (a.effective_date, a.key), reverse=True):
        if left <= 0:
            break
        take = min(left, allocation.amount_minor)
        freed.append((allocation, take))
        left -= take
    return freed


def _room_from(
    item: CorrectableItem, take: int, freed: Sequence[tuple[Recorded, int]], earliest: dt.date
) -> dt.date:
    """The first day from ``earliest`` on after which ``take`` fits under the amount every day.

    From the release day on, a released allocation counts only its kept part, and only from
    its own effective date, so what counts on a day D is the same as before less the freed
    amounts of allocations in force by D.
    """
    changes = {earliest}
    for a in item.allocations:
        changes |= {d for d in (a.effective_date, a.released_on) if d and d > earliest}
    day = max(changes)
    for candidate in sorted(changes, reverse=True):
        counted = covered_as_of(item.allocations, candidate) - sum(
            amount for a, amount in freed if a.effective_date <= candidate
        )
        if counted + take > item.amount_minor:
            break
        day = candidate
    return day


class ChosenShare(NamedTuple):
    """A person's choice: ``amount_minor`` of a payment to the item ``key``."""

    key: int
    amount_minor: int


class ChoiceRefusedError(ValueError):
    """A chosen allocation the rules do not allow; ``reason`` says which rule, ``key`` which item."""

    def __init__(self, reason: str, key: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key


def allocate_as_chosen(
    available: Sequence[Available], items: Iterable[OpenItem], chosen: Iterable[ChosenShare]
) -> tuple[list[Share], int]:
    """Set money against the items a person chose, in the amounts chosen; returns the shares and
    what is left as credit.

    Each share counts from the day its money was free or the invoice's issue date, whichever is
    later, as :func:`allocate` does; it is refused (``ChoiceRefusedError``) when an item is not
    open, gets more than it still owes, or the choices add up to more than the money.
    """
    open_items = {item.key: item for item in items}
    wanted: dict[int, int] = {}
    for share in chosen:
        if share.amount_minor < 0:
            raise ChoiceRefusedError("negative", share.key)
        if share.amount_minor == 0:
            continue
        if share.key not in open_items:
            raise ChoiceRefusedError("not_open", share.key)
        wanted[share.key] = wanted.get(share.key, 0) + share.amount_minor
    for key, amount in wanted.items():
        if amount > open_items[key].open_minor:
            raise ChoiceRefusedError("more_than_open", key)
    money = sum(part.amount_minor for part in available)
    if sum(wanted.values()) > money:
        raise ChoiceRefusedError("more_than_paid")
    # the money of each item is taken oldest part first, items in the order money pays them,
    # so a choice equal to what allocate() would do records exactly what allocate() records
    targets = [
        OpenItem(i.key, wanted[i.key], i.due_date, i.issued)
        for i in sorted(open_items.values(), key=payment_order)
        if i.key in wanted
    ]
    return allocate(available, targets)
