"""When an open item will be paid, and how likely it is to be paid more than 30 days late.

The model, from the payer's own history (the items the payer rating reads: fallen due in the
last two years, each weighted by amount and recency exactly as the rating weighs them):

- *days late* of an item = payment day (today while unpaid) - due date, at least 0. It is
  counted from the due date as written, not from the Art. 115 KC deadline, so that the
  dashboard can sum it in SQL; a due date on a day off shifts it by at most three days.
- ``late_share`` = weighted share of items paid late at all; ``very_late_share`` = weighted
  share paid more than :data:`LATE_DAYS` days late; ``excess_days`` = weighted mean days late
  of the items that were late.
- A payer with little history is pulled toward the whole population: each figure is
  ``(n * own + k * population) / (n + k)`` with ``n`` the payer's items (for ``excess_days``,
  its late items) and ``k`` = :data:`PRIOR_ITEMS`; ten items of its own outweigh the
  population two to one, none leaves the population's figures.
- Lateness of a late payment is taken as exponential with mean ``excess_days`` (memoryless).
  The expected payment day is the median one (as likely paid by then as not; a mean would be
  pulled weeks out by the few debts left unpaid for years, and misses more days in the
  back-test): not yet due, ``due + excess_days * ln(2 * late_share)`` when more than half pay
  late, else the due date; risk = ``very_late_share``.
- Overdue by ``L`` days and unpaid: memoryless, so the item is expected
  ``excess_days * ln 2`` days after today, however late it already is; the risk is conditioned
  on having been late so far: 1 beyond :data:`LATE_DAYS`, otherwise ``very_late_share`` over
  the share still unpaid after ``L`` days, read on a log-linear line between
  ``late_share`` (after 0 days) and ``very_late_share`` (after 30).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.domain.rating import HALF_LIFE_DAYS, WINDOW_DAYS, PaymentFact

#: "paid more than this many days late" is the risk the forecast gives
LATE_DAYS = 30
#: the population counts as this many items of the payer's own (shrinkage strength)
PRIOR_ITEMS = 5.0
#: days late of a late payment when nobody at all has paid late yet
DEFAULT_EXCESS_DAYS = 14.0


@dataclass(frozen=True, slots=True)
class LatenessSums:
    """Weighted sums over a history; they add up, so a population is the sum of its payers."""

    items: int = 0
    weight: float = 0.0
    late_weight: float = 0.0  # paid (or unpaid so far) at least one day late
    very_late_weight: float = 0.0  # more than LATE_DAYS days late
    late_days_weight: float = 0.0  # sum of weight * days late

    def __add__(self, other: LatenessSums) -> LatenessSums:
        return LatenessSums(
            self.items + other.items,
            self.weight + other.weight,
            self.late_weight + other.late_weight,
            self.very_late_weight + other.very_late_weight,
            self.late_days_weight + other.late_days_weight,
        )


@dataclass(frozen=True, slots=True)
class Lateness:
    """A payer's (or the population's) lateness figures, see the module text."""

    late_share: float
    very_late_share: float
    excess_days: float

    @property
    def mean_days(self) -> float:
        return self.late_share * self.excess_days

    @property
    def median_days(self) -> float:
        """Days late by which an item is as likely paid as not: 0 while most pay on time."""
        if self.late_share <= 0.5:
            return 0.0
        return self.excess_days * math.log(2 * self.late_share)


@dataclass(frozen=True, slots=True)
class ItemForecast:
    expected: dt.date
    late_risk: float  # probability of being paid more than LATE_DAYS days late


def days_late(due: dt.date, settled_on: dt.date | None, today: dt.date) -> int:
    end = min(settled_on, today) if settled_on is not None else today
    return max(0, (end - due).days)


def recency_weight(amount_minor: int, due: dt.date, today: dt.date) -> float:
    """The rating's weight: the amount, halved every HALF_LIFE_DAYS since the due date."""
    return float(amount_minor * 0.5 ** ((today - due).days / HALF_LIFE_DAYS))


def in_history(due: dt.date, amount_minor: int, today: dt.date) -> bool:
    return today - dt.timedelta(days=WINDOW_DAYS) <= due < today and amount_minor > 0


def sums(facts: Iterable[PaymentFact], today: dt.date) -> LatenessSums:
    """The sums of one history (the SQL twin in services.forecast must stay equal to this)."""
    items = 0
    weight = late = very_late = late_days = 0.0
    for fact in facts:
        if not in_history(fact.due_date, fact.amount_minor, today):
            continue
        days = days_late(fact.due_date, fact.settled_on, today)
        w = recency_weight(fact.amount_minor, fact.due_date, today)
        items += 1
        weight += w
        if days > 0:
            late += w
            late_days += w * days
        if days > LATE_DAYS:
            very_late += w
    return LatenessSums(items, weight, late, very_late, late_days)


def population(total: LatenessSums) -> Lateness:
    """The population's figures (no shrinkage: it is the prior)."""
    if total.weight <= 0:
        return Lateness(0.0, 0.0, DEFAULT_EXCESS_DAYS)
    excess = total.late_days_weight / total.late_weight if total.late_weight > 0 else 0.0
    return Lateness(
        total.late_weight / total.weight,
        total.very_late_weight / total.weight,
        excess or DEFAULT_EXCESS_DAYS,
    )


def _pull(n: float, own: float, prior: float) -> float:
    return (n * own + PRIOR_ITEMS * prior) / (n + PRIOR_ITEMS)


def lateness(own: LatenessSums, prior: Lateness) -> Lateness:
    """A payer's figures, pulled toward the population's in proportion to its little history."""
    if own.items == 0 or own.weight <= 0:
        return prior
    late_share = own.late_weight / own.weight
    very_late_share = own.very_late_weight / own.weight
    late_items = own.items * late_share
    excess = own.late_days_weight / own.late_weight if own.late_weight > 0 else prior.excess_days
    return Lateness(
        _pull(own.items, late_share, prior.late_share),
        _pull(own.items, very_late_share, prior.very_late_share),
        _pull(late_items, excess, prior.excess_days),
    )


def forecast_item(due: dt.date, today: dt.date, figures: Lateness) -> ItemForecast:
    """Expected payment day and risk of more than LATE_DAYS days late of one open item."""
    late_so_far = (today - due).days
    if late_so_far <= 0:
        expected = due + dt.timedelta(days=round(figures.median_days))
        return ItemForecast(expected, figures.very_late_share)
    expected = today + dt.timedelta(days=max(1, round(figures.excess_days * math.log(2))))
    if late_so_far > LATE_DAYS:
        return ItemForecast(expected, 1.0)
    late, very_late = figures.late_share, figures.very_late_share
    if very_late <= 0:
        return ItemForecast(expected, 0.0)
    if late <= very_late:  # everyone late was very late
        return ItemForecast(expected, 1.0)
    still_unpaid = late * (very_late / late) ** (late_so_far / LATE_DAYS)
    return ItemForecast(expected, min(1.0, very_late / still_unpaid))
