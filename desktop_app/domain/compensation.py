"""Compensation for recovery costs (art. 10 of the act on late payment in commercial transactions).

API (stable; letters and the CLI build on it)::

    compensation_for(amount_minor, due_date, *, business_debtor, eur_rates) -> Compensation | None

- Per invoice, owed without a demand, only by a business debtor (:func:`business_debtor`; None
  otherwise, and for nothing owed): 40 EUR when the amount is at most 5,000.00 PLN, 70 EUR above 5,000.00 and
  below 50,000.00, 100 EUR from 50,000.00 (tiers since 2020-01-01; before that 40 EUR flat).
- Converted at the NBP table A mid rate of the last business day of the month before the month
  the payment fell due ("stało się wymagalne": the last day it could be paid without
  consequence, as calculators read it, so the due date after Art. 115 KC): a payment due on
  Sunday 31 March 2024 is due on Tuesday 2 April (Easter Monday between), so March's rate counts.
- ``eur_rates`` maps publication days to PLN per EUR. The rate taken is the latest one in the
  last seven days of that month up to its last business day: NBP publishes on business days,
  so the days skipped are days without a table. The local table is filled from NBP a month-end
  window at a time (or by hand, for the day the user looked up), so the latest row in the window
  is the right one; the result names the day used. With no row in the window the caller gets
  :class:`MissingEurRateError` and fetches or asks for the rate.
- PLN = EUR × rate rounded half-up to the grosz (70 × 4.3191 = 302.337 → 302.34).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desktop_app.domain.calendar import effective_due, is_business_day
from desktop_app.errors import InkasoError
from desktop_app.i18n import _

#: the tiers are compared in grosze: 5,000.00 PLN and 50,000.00 PLN
LOW_LIMIT_MINOR = 500_000
HIGH_LIMIT_MINOR = 5_000_000
TIERS_SINCE = dt.date(2020, 1, 1)
#: NBP never goes a week without a table, so the month's last 7 days hold its last one
WINDOW_DAYS = 7


class MissingEurRateError(InkasoError):
    """No EUR rate is stored for the month end a compensation needs."""

    def __init__(self, rate_day: dt.date) -> None:
        super().__init__(
            _(
                "The NBP euro rate of {date} is not known: enter it with "
                "'inkaso rates add --kind eur --from {date} --rate R'"
            ).format(date=rate_day.isoformat()),
            field="eur-rate",
        )
        self.rate_day = rate_day


@dataclass(frozen=True)
class Compensation:
    #: euro cents: 4000, 7000 or 10000
    eur_minor: int
    rate_date: dt.date
    #: PLN per 1 EUR (NBP table A mid rate)
    rate: Decimal
    pln_minor: int


def business_debtor(tax_id: str | None) -> bool:
    """Whether a contractor owes compensation: only in commercial transactions, so only a
    business. Inkaso knows a business by its tax number (NIP, or a foreign VAT number); a
    contractor without one is taken for a consumer and owes none."""
    return bool(tax_id and tax_id.strip())


def compensation_eur(amount_minor: int, due_date: dt.date) -> int:
    """The tier in euro cents for an amount in grosze."""
    if due_date < TIERS_SINCE or amount_minor <= LOW_LIMIT_MINOR:
        return 4000
    if amount_minor < HIGH_LIMIT_MINOR:
        return 7000
    return 10000


def rate_day(due_date: dt.date) -> dt.date:
    """The last business day of the month before the month the payment fell due."""
    day = effective_due(due_date).replace(day=1) - dt.timedelta(days=1)
    while not is_business_day(day):
        day -= dt.timedelta(days=1)
    return day


def rate_window(due_date: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose table may stand for the month end (first, last): what to fetch from NBP."""
    last = rate_day(due_date)
    return last - dt.timedelta(days=WINDOW_DAYS - 1), last


def eur_rate_for(
    due_date: dt.date, eur_rates: Mapping[dt.date, Decimal]
) -> tuple[dt.date, Decimal]:
    first, last = rate_window(due_date)
    day = last
    while day >= first:
        if day in eur_rates:
            return day, eur_rates[day]
        day -= dt.timedelta(days=1)
    raise MissingEurRateError(last)


def to_pln(eur_minor: int, rate: Decimal) -> int:
    return int((Decimal(eur_minor) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def compensation_for(
    amount_minor: int,
    due_date: dt.date,
    *,
    business_debtor: bool,
    eur_rates: Mapping[dt.date, Decimal],
) -> Compensation | None:
    """The compensation a business debtor owes for one invoice of ``amount_minor`` grosze."""
    if not business_debtor or amount_minor <= 0:
        return None
    eur = compensation_eur(amount_minor, due_date)
    day, rate = eur_rate_for(due_date, eur_rates)
    return Compensation(eur, day, rate, to_pln(eur, rate))
