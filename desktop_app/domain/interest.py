"""Interest for late payment: one amount due on one day, split by rate period.

API (stable; letters and the CLI build on it)::

    interest_for(amount_minor, currency, due_date, *, until, kind, rates,
                 payments=(), contract_rate=None) -> InterestResult

One call covers one instalment (or one invoice with a single due date); a caller with
instalments calls it once per instalment and adds the totals. Compensation for recovery costs
(40/70/100 EUR) is :func:`desktop_app.domain.compensation.compensation_for`.

How it is computed, and why:

- **Start.** Interest runs from the day after the due date, where a due date on a Saturday,
  Sunday or public holiday first moves to the next business day (Art. 115 KC, Polish holidays;
  for ``ru395`` art. 193 ГК РФ with Russia's non-working days and working Saturdays).
- **End.** ``until`` is the payment date or the day the claim is counted to, and is included:
  money paid on a day is late that day (the acceptance case, due 2024-03-15 and paid
  2024-09-30, is 199 days late, as Polish calculators print it).
- **Partial payments** lower the base from the day after their date, for the same reason: the
  paid part was still owed on the day it was paid. A payment on or before the due date lowers
  the base from the start. Payments beyond the amount are ignored past zero.
- **Rates.** ``commercial`` and ``medical`` read half-year tables (the rate of Jan 1 / Jul 1
  holds for the whole half-year, the table carries the final rate including the +10/+8 pp);
  ``statutory`` (art. 481 KC) and ``ru395`` (Bank of Russia key rate) change on the bank's
  decision days; ``contract`` uses ``contract_rate`` for every day.
- **Day count.** Polish kinds (commercial, medical, statutory, contract) divide by 365 in every
  year, leap years too: the "actual/365" most Polish courts and calculators use, so the 366
  days of 2024 at 10 % on 1,000.00 PLN give 100.27 PLN (366/365 of a year), not 100.00.
  ``ru395`` divides by the days of the calendar year (366 in a leap year), as Russian courts
  and calculators do, so its periods also split on 1 January.
- **Periods and rounding.** The days are cut where the rate, the base, the year basis or the
  known part of the table changes; neighbouring days with the same rate and base are one
  period (a half-year boundary with an unchanged rate is no new line, as in calculators'
  tables). Each period's interest is ``base × rate × days / (100 × basis)`` rounded half-up to
  the minor unit (grosz); the total is the sum of the rounded periods, so a printed table adds
  up.
- **Unknown rates are not a silent default.** Past the table's ``known_until`` the last rate
  is used, the periods there are marked ``past_known`` and the result names the first such day
  (``past_known_from``) so the caller warns; a day before the table's first row is an error.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

import holidays

from desktop_app.domain.calendar import effective_due
from desktop_app.domain.rates import RateKind, RateTable, Status, check_rate_value, weaker
from desktop_app.errors import ValidationError
from desktop_app.i18n import _

_ONE_DAY = dt.timedelta(days=1)
_POLISH_BASIS = 365


class InterestKind(StrEnum):
    COMMERCIAL = "commercial"
    MEDICAL = "medical"
    STATUTORY = "statutory"
    CONTRACT = "contract"
    RU395 = "ru395"

    @property
    def table_kind(self) -> RateKind | None:
        """The rate table this kind reads; None for a contract's own rate."""
        return None if self is InterestKind.CONTRACT else RateKind(self.value)


@dataclass(frozen=True)
class Payment:
    """Money received against the amount: lowers the base from the day after ``day``."""

    day: dt.date
    amount_minor: int


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    days: int
    #: percent a year
    rate: Decimal
    interest_minor: int
    #: the amount interest ran on during the period
    base_minor: int = 0
    #: days of the year the rate is divided by (365; 365 or 366 for ru395)
    basis: int = _POLISH_BASIS
    #: how sure the rate is; None for a contract's own rate
    status: Status | None = None
    #: the period lies after the last day the rate table is known for
    past_known: bool = False


@dataclass(frozen=True)
class InterestResult:
    total_minor: int
    #: days of delay: from the day after ``moved_due`` to the last day with something owed
    days: int
    #: the due date after Art. 115 KC (or art. 193 ГК РФ)
    moved_due: dt.date
    periods: tuple[Period, ...]
    currency: str = "PLN"
    kind: InterestKind = InterestKind.COMMERCIAL
    #: first day counted at a rate past the table's known part (the caller warns); else None
    past_known_from: dt.date | None = None
    #: the last day the rate table is known for (None: a contract's own rate)
    known_until: dt.date | None = None

    @property
    def unverified(self) -> bool:
        """Some period uses a rate marked [U]: the caller says "check this value"."""
        return any(p.status is Status.UNVERIFIED for p in self.periods)


def interest_for(
    amount_minor: int,
    currency: str,
    due_date: dt.date,
    *,
    until: dt.date,
    kind: InterestKind | str,
    rates: RateTable | None,
    payments: Iterable[Payment] = (),
    contract_rate: Decimal | None = None,
) -> InterestResult:
    """Interest on ``amount_minor`` due on ``due_date``, counted to ``until`` (see the module)."""
    kind = InterestKind(kind)
    table = _table_for(kind, rates, contract_rate)
    moved = _moved_due(due_date, kind)
    start = moved + _ONE_DAY
    empty = InterestResult(0, 0, moved, (), currency, kind)
    if until < start or amount_minor <= 0:
        return empty
    paid = sorted((p for p in payments if p.amount_minor > 0), key=lambda p: p.day)
    cuts = {start, until + _ONE_DAY}
    cuts.update(p.day + _ONE_DAY for p in paid if start < p.day + _ONE_DAY <= until)
    if table is not None:
        first = table.first_day
        if first is None or start < first:
            raise ValidationError(
                _("No {kind} interest rate is known before {date}").format(
                    kind=kind.value, date=(first or until).isoformat()
                ),
                field="due",
            )
        cuts.update(table.starts_within(start, until))
        if start <= table.known_until < until:
            cuts.add(table.known_until + _ONE_DAY)
    if kind is InterestKind.RU395:
        cuts.update(dt.date(y, 1, 1) for y in range(start.year + 1, until.year + 1))
    bounds = sorted(cuts)
    raw: list[Period] = []
    for first_day, next_start in pairwise(bounds):
        base = max(0, amount_minor - sum(p.amount_minor for p in paid if p.day < first_day))
        if base == 0:
            continue
        if table is None:
            assert contract_rate is not None
            rate, status, past = contract_rate, None, False
        else:
            row = table.row_on(first_day)
            assert row is not None
            rate, status, past = row.rate, row.status, first_day > table.known_until
        basis = _basis(kind, first_day)
        raw.append(Period(first_day, next_start - _ONE_DAY, 0, rate, 0, base, basis, status, past))
    periods = tuple(_priced(p) for p in _merged(raw))
    if not periods:
        return empty
    past_from = next((p.start for p in periods if p.past_known), None)
    return InterestResult(
        total_minor=sum(p.interest_minor for p in periods),
        days=(periods[-1].end - moved).days,
        moved_due=moved,
        periods=periods,
        currency=currency,
        kind=kind,
        past_known_from=past_from,
        known_until=table.known_until if table is not None else None,
    )


def period_interest(base_minor: int, rate: Decimal, days: int, basis: int) -> int:
    """One period's interest in minor units, rounded half-up (calculators print it so)."""
    exact = Decimal(base_minor) * rate * days / (Decimal(100) * basis)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _table_for(
    kind: InterestKind, rates: RateTable | None, contract_rate: Decimal | None
) -> RateTable | None:
    if kind is InterestKind.CONTRACT:
        if contract_rate is None:
            raise ValidationError(
                _("Contract interest needs the contract's rate (percent a year)"), field="rate"
            )
        check_rate_value(None, contract_rate)
        return None
    if rates is None or rates.kind is not kind.table_kind:
        raise ValueError(f"{kind.value} interest needs the {kind.value} rate table")
    return rates


def _moved_due(due: dt.date, kind: InterestKind) -> dt.date:
    if kind is InterestKind.RU395:
        while not _russian_working_day(due):
            due += _ONE_DAY
        return due
    return effective_due(due)


@lru_cache(maxsize=64)
def _russian_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=year)


def _russian_working_day(day: dt.date) -> bool:
    calendar = _russian_calendar(day.year)
    if day in calendar:
        return False
    return day.weekday() < 5 or day in calendar.weekend_workdays


def _basis(kind: InterestKind, day: dt.date) -> int:
    if kind is InterestKind.RU395:
        return 366 if calendar.isleap(day.year) else 365
    return _POLISH_BASIS


def _merged(raw: list[Period]) -> list[Period]:
    merged: list[Period] = []
    for period in raw:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.end + _ONE_DAY == period.start
            and (last.rate, last.base_minor, last.basis, last.past_known)
            == (period.rate, period.base_minor, period.basis, period.past_known)
        ):
            status = (
                weaker(last.status, period.status)
                if last.status is not None and period.status is not None
                else last.status
            )
            merged[-1] = Period(
                last.start,
                period.end,
                0,
                last.rate,
                0,
                last.base_minor,
                last.basis,
                status,
                last.past_known,
            )
        else:
            merged.append(period)
    return merged


def _priced(period: Period) -> Period:
    days = (period.end - period.start).days + 1
    return Period(
        period.start,
        period.end,
        days,
        period.rate,
        period_interest(period.base_minor, period.rate, days, period.basis),
        period.base_minor,
        period.basis,
        period.status,
        period.past_known,
    )


def interest_warnings(result: InterestResult) -> list[str]:
    """What the reader must check before relying on ``result`` (empty: nothing)."""
    notes: list[str] = []
    if result.past_known_from is not None:
        period = next(p for p in result.periods if p.past_known)
        notes.append(
            _(
                "The {kind} rates are known only up to {known}; from {date} the last known rate, "
                "{rate} %, was used: check it and add the new rate with 'inkaso rates add'"
            ).format(
                kind=result.kind.value,
                known=(result.known_until or result.past_known_from - _ONE_DAY).isoformat(),
                date=result.past_known_from.isoformat(),
                rate=format_rate(period.rate),
            )
        )
    if result.unverified:
        notes.append(_("Some rates used are not verified ([U] in 'inkaso rates list'): check them"))
    return notes


def format_rate(rate: Decimal) -> str:
    """A percentage as the tables print it: "15.75", "8.00", "7.125"."""
    hundredths = rate.quantize(Decimal("0.01"))
    return f"{hundredths:f}" if hundredths == rate else f"{rate.normalize():f}"
