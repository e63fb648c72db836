"""When a letter may be written: the debtor-register warning (art. 15) and the letter's deadline.

Art. 15 of the act of 9 April 2010 on disclosure of economic information lets a creditor list a
business debtor with a bureau (BIG) when all of these hold:

* the overdue debts add up to at least 500 PLN;
* they have been overdue for at least 30 days;
* at least one month has passed since a demand was sent by registered mail (or handed over).

A letter's deadline is counted in calendar days from its date and moved by Art. 115 KC past
Saturdays, Sundays and public holidays.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.domain.aging import days_overdue
from desktop_app.domain.calendar import effective_due
from desktop_app.domain.money import format_money
from desktop_app.i18n import _

#: art. 15 ust. 1 pkt 2: the least overdue total for a business debtor, in grosze
BIG_MIN_OVERDUE_PLN = 500_00
#: art. 15 ust. 1 pkt 3: the least days the debt has been overdue
BIG_MIN_DAYS = 30
#: art. 15 ust. 1 pkt 4: months between the registered demand and the listing
BIG_NOTICE_MONTHS = 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan -> 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def letter_deadline(letter_date: dt.date, days: int) -> dt.date:
    """The last day to pay: ``days`` after the letter, moved by Art. 115 KC."""
    return effective_due(letter_date + dt.timedelta(days=days))


def days_late(due: dt.date, as_of: dt.date) -> int:
    """Days of delay as the law counts them: from the day after the due date moved by Art. 115."""
    return days_overdue(effective_due(due), as_of)


@dataclass(frozen=True, slots=True)
class Overdue:
    """One unpaid PLN amount and its due date, as the art. 15 check sees it."""

    amount_minor: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class MissingCondition:
    """An art. 15 condition that does not hold, with the user's sentence."""

    code: str  # "amount", "days" or "registered"
    message: str


def big_letter_missing(
    overdue: Iterable[Overdue], registered_demands: Iterable[dt.date], today: dt.date
) -> tuple[MissingCondition, ...]:
    """What stops the debtor-register warning today; empty when every condition holds.

    ``overdue`` is the debtor's unpaid PLN amounts; ``registered_demands`` the days demands went
    to them by registered mail.
    """
    items = [o for o in overdue if o.amount_minor > 0]
    late = [o for o in items if days_late(o.due_date, today) >= BIG_MIN_DAYS]
    total_late = sum(o.amount_minor for o in late)
    missing: list[MissingCondition] = []
    if not late:
        missing.append(
            MissingCondition(
                "days",
                _("no debt has been overdue for {days} days (art. 15)").format(days=BIG_MIN_DAYS),
            )
        )
    elif total_late < BIG_MIN_OVERDUE_PLN:
        missing.append(
            MissingCondition(
                "amount",
                _(
                    "the debts overdue for {days} days or more come to {amount}, less than "
                    "the {minimum} the law requires (art. 15 of the act on economic information)"
                ).format(
                    days=BIG_MIN_DAYS,
                    amount=format_money(total_late, "PLN"),
                    minimum=format_money(BIG_MIN_OVERDUE_PLN, "PLN"),
                ),
            )
        )
    if not any(add_months(sent, BIG_NOTICE_MONTHS) <= today for sent in registered_demands):
        missing.append(
            MissingCondition(
                "registered",
                _(
                    "no demand was sent by registered mail at least a month ago; send one "
                    "with --registered first (art. 15)"
                ),
            )
        )
    return tuple(missing)
