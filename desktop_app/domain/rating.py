"""Payer rating, 1-5 stars, from the payer's own history against its own due dates.

The one rating of the application: the scenario condition "at most N stars", the ``rating``
command and the card all read :func:`rate`. A rating keeps the figures it was made from, so
:func:`explain` can say why in the reader's language without a second look at the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal

from desktop_app.domain.calendar import effective_due
from desktop_app.i18n import _, babel_locale, ngettext

#: (upper bound of weighted days late, stars); beyond the last bound: 1 star
STAR_BOUNDS = ((3, 5), (10, 4), (21, 3), (45, 2))
#: how far back the history is read (items that fell due in these days)
WINDOW_DAYS = 730
#: an item this old weighs half as much as one that fell due today (the payer may have changed)
HALF_LIFE_DAYS = 180
#: fewer items due than this is too little to judge a payer by: "not rated yet", never a guess
MIN_ITEMS = 3
#: paid this many days after the deadline still counts as "on time" (a bank day's delay)
ON_TIME_DAYS = 0
#: an overdue item still open this long caps the stars (a payer in arrears now is no 5-star
#: payer, whatever its past): (days overdue, at most stars)
OVERDUE_CAPS = ((60, 2), (30, 3))
#: each broken promise in the window takes a star, at most this many
MAX_PROMISE_PENALTY = 2


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """One instalment: when it fell due, how much, when it was settled and what is still open."""

    due_date: dt.date
    amount_minor: int
    settled_on: dt.date | None
    open_minor: int | None = None  # None: all of it while unsettled, nothing once settled


@dataclass(frozen=True, slots=True)
class Rating:
    """The stars (None: not rated yet) and the figures behind them."""

    stars: int | None
    items: int
    on_time: int
    average_days_late: float
    worst_days_late: int
    worst_due: dt.date | None
    part_paid: int
    overdue_now: int
    oldest_overdue_days: int
    broken_promises: int


def days_late(fact: PaymentFact, today: dt.date) -> int:
    """Paid items: late days past the legal deadline; unpaid overdue ones: late so far."""
    deadline = effective_due(fact.due_date)
    end = min(fact.settled_on, today) if fact.settled_on is not None else today
    return max(0, (end - deadline).days)


def _weight(fact: PaymentFact, today: dt.date) -> float:
    age = (today - fact.due_date).days
    return float(fact.amount_minor * 0.5 ** (age / HALF_LIFE_DAYS))


def _open(fact: PaymentFact) -> int:
    if fact.open_minor is not None:
        return fact.open_minor
    return 0 if fact.settled_on is not None else fact.amount_minor


def rate(facts: Iterable[PaymentFact], today: dt.date, broken_promises: int = 0) -> Rating:
    """Stars from days late weighted by amount and recency, capped by what is overdue now and
    lowered by broken promises; not rated (None) below :data:`MIN_ITEMS` items due."""
    since = today - dt.timedelta(days=WINDOW_DAYS)
    weight = weighted = 0.0
    items = on_time = part_paid = overdue_now = oldest = worst = 0
    worst_due: dt.date | None = None
    for fact in facts:
        if not since <= fact.due_date < today or fact.amount_minor <= 0:
            continue
        late = days_late(fact, today)
        items += 1
        w = _weight(fact, today)
        weight += w
        weighted += w * late
        if late <= ON_TIME_DAYS and fact.settled_on is not None:
            on_time += 1
        if late > worst or worst_due is None:
            worst, worst_due = late, fact.due_date
        still_open = _open(fact)
        if fact.settled_on is None and still_open > 0 and late > 0:
            overdue_now += 1
            oldest = max(oldest, late)
            if still_open < fact.amount_minor:
                part_paid += 1
    average = weighted / weight if weight else 0.0
    stars = _stars(average, oldest, broken_promises) if items >= MIN_ITEMS else None
    return Rating(
        stars=stars,
        items=items,
        on_time=on_time,
        average_days_late=average,
        worst_days_late=worst,
        worst_due=worst_due if worst else None,
        part_paid=part_paid,
        overdue_now=overdue_now,
        oldest_overdue_days=oldest,
        broken_promises=broken_promises,
    )


def _stars(average: float, oldest_overdue: int, broken_promises: int) -> int:
    stars = next((s for bound, s in STAR_BOUNDS if average <= bound), 1)
    for days, cap in OVERDUE_CAPS:
        if oldest_overdue > days:
            stars = min(stars, cap)
            break
    return max(1, stars - min(broken_promises, MAX_PROMISE_PENALTY))


def rating(facts: Iterable[PaymentFact], today: dt.date, broken_promises: int = 0) -> int | None:
    """Just the stars (the scenario condition's question)."""
    return rate(facts, today, broken_promises).stars


def explain(r: Rating, lang: str | None = None) -> list[str]:
    """Why the rating is what it is, one sentence per reason, in the language in force."""
    loc = babel_locale(lang)
    if r.items == 0:
        return [_("not rated yet: nothing has fallen due in the last two years")]
    reasons: list[str] = []
    if r.stars is None:
        reasons.append(
            ngettext(
                "not rated yet: only {n} invoice fell due in the last two years, {need} are needed",
                "not rated yet: only {n} invoices fell due in the last two years, "
                "{need} are needed",
                r.items,
            ).format(n=r.items, need=MIN_ITEMS)
        )
    reasons.append(
        ngettext(
            "paid {on_time} of {n} invoice on time",
            "paid {on_time} of {n} invoices on time",
            r.items,
        ).format(on_time=r.on_time, n=r.items)
    )
    average = round(r.average_days_late, 1)
    if average > 0:
        reasons.append(
            _("on average {days} days late (weighted by amount, recent ones more)").format(
                days=format_decimal(average, "#,##0.#", locale=loc)
            )
        )
    if r.worst_due is not None and r.worst_days_late > ON_TIME_DAYS:
        reasons.append(
            ngettext(
                "the worst one {days} day late, due in {month}",
                "the worst one {days} days late, due in {month}",
                r.worst_days_late,
            ).format(
                days=format_decimal(r.worst_days_late, locale=loc),
                month=format_date(r.worst_due, "LLLL yyyy", locale=loc),
            )
        )
    if r.overdue_now:
        reasons.append(
            ngettext(
                "{n} invoice overdue now, the oldest {days} days",
                "{n} invoices overdue now, the oldest {days} days",
                r.overdue_now,
            ).format(n=r.overdue_now, days=format_decimal(r.oldest_overdue_days, locale=loc))
        )
    if r.part_paid:
        reasons.append(
            ngettext(
                "{n} of them paid in part",
                "{n} of them paid in part",
                r.part_paid,
            ).format(n=r.part_paid)
        )
    if r.broken_promises:
        reasons.append(
            ngettext(
                "{n} promise to pay broken",
                "{n} promises to pay broken",
                r.broken_promises,
            ).format(n=r.broken_promises)
        )
    return reasons
