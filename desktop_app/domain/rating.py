"""Payer rating, 1-5 stars, from the payer's own history against its own due dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.domain.calendar import effective_due

#: (upper bound of amount-weighted days late, stars); beyond the last bound: 1 star
STAR_BOUNDS = ((3, 5), (10, 4), (21, 3), (45, 2))
WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class PaymentFact:
    due_date: dt.date
    amount_minor: int
    settled_on: dt.date | None


def days_late(fact: PaymentFact, today: dt.date) -> int:
    """Paid items: late days past the legal deadline; unpaid overdue ones: late so far."""
    deadline = effective_due(fact.due_date)
    end = fact.settled_on if fact.settled_on is not None else today
    return max(0, (end - deadline).days)


def rating(facts: Iterable[PaymentFact], today: dt.date) -> int | None:
    """None when there is nothing due in the last year to judge by."""
    since = today - dt.timedelta(days=WINDOW_DAYS)
    weight = 0
    weighted = 0
    for fact in facts:
        if not since <= fact.due_date < today or fact.amount_minor <= 0:
            continue
        weight += fact.amount_minor
        weighted += fact.amount_minor * days_late(fact, today)
    if weight == 0:
        return None
    average = weighted / weight
    for bound, stars in STAR_BOUNDS:
        if average <= bound:
            return stars
    return 1
