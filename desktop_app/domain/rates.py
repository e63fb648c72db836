"""Rate tables: which interest rate (or EUR mid rate) holds on a day, and how sure we are of it.

A table is a step function: each row holds from its ``start`` until the next row starts. Rows
carry the source and the verification status of DOMAIN.md (``V`` seen in a primary source, ``D``
derived from verified inputs, ``U`` unverified: shown with a "check this value" note).

How far a table is *known* differs by kind. Commercial rates are fixed per half-year (Jan 1,
Jul 1), so the table is known to the end of the last half-year reached without a gap from its
first row. Statutory and key rates change on a
central bank's decision day, which nobody knows in advance: the last row is known only up to
the day the table was last checked. Past that day the last rate is still used, but the result
says so (``known_until``) instead of silently assuming the rate stayed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from desktop_app.errors import ValidationError
from desktop_app.i18n import _


class RateKind(StrEnum):
    """The tables Inkaso ships; the values are the ``--kind`` of ``rates list/add``."""

    COMMERCIAL = "commercial"
    #: commercial rate owed by a public entity that is a medical provider (reference + 8 pp)
    MEDICAL = "medical"
    STATUTORY = "statutory"
    RU395 = "ru395"
    #: NBP table A mid rate, PLN per 1 EUR, one row per publication day
    EUR = "eur"

    @property
    def half_yearly(self) -> bool:
        return self in (RateKind.COMMERCIAL, RateKind.MEDICAL)


class Status(StrEnum):
    VERIFIED = "V"
    DERIVED = "D"
    UNVERIFIED = "U"

    @property
    def weight(self) -> int:
        return "VDU".index(self.value)


def weaker(a: Status, b: Status) -> Status:
    """The less certain of two statuses (a sum is as sure as its least sure part)."""
    return a if a.weight >= b.weight else b


@dataclass(frozen=True)
class RateRow:
    start: dt.date
    #: percent a year for interest kinds; PLN per EUR for ``eur``
    rate: Decimal
    source: str = ""
    status: Status = Status.UNVERIFIED
    added_by_user: bool = False


@dataclass(frozen=True)
class RateTable:
    kind: RateKind
    #: sorted by ``start``, one row per start day
    rows: tuple[RateRow, ...]
    #: the last day the table is known to describe (see the module's docstring)
    known_until: dt.date
    _starts: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = tuple(row.start for row in self.rows)
        if list(starts) != sorted(set(starts)):
            raise ValueError("rate rows must be sorted with one row per start day")
        object.__setattr__(self, "_starts", starts)

    @property
    def first_day(self) -> dt.date | None:
        return self._starts[0] if self._starts else None

    def row_on(self, day: dt.date) -> RateRow | None:
        """The row in force on ``day``; None before the first row."""
        index = bisect.bisect_right(self._starts, day) - 1
        return self.rows[index] if index >= 0 else None

    def starts_within(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Start days of rows in ``(first, last]``: where a rate changes inside a span."""
        lo = bisect.bisect_right(self._starts, first)
        hi = bisect.bisect_right(self._starts, last)
        return list(self._starts[lo:hi])


def half_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 6, 30) if day.month <= 6 else dt.date(day.year, 12, 31)


def check_row_start(kind: RateKind, start: dt.date) -> dt.date:
    """A commercial rate is fixed for a whole half-year, so a row may only start Jan 1 or Jul 1."""
    if kind.half_yearly and start != half_year_start(start):
        raise ValidationError(
            _(
                "A commercial interest rate holds for a half-year: it starts on 1 January or "
                "1 July, not on {date}"
            ).format(date=start.isoformat()),
            field="from",
        )
    return start


#: no interest rate above 100 % a year, no euro above 1,000 PLN: a typing mistake, and the bound
#: keeps every product of amount, rate and days inside Decimal's exact 28 digits
MAX_PERCENT = Decimal(100)
MAX_EUR = Decimal(1000)


def check_rate_value(kind: RateKind | None, rate: Decimal) -> Decimal:
    """``rate`` itself, or a ValidationError; ``kind`` None is a contract's own rate."""
    limit = MAX_EUR if kind is RateKind.EUR else MAX_PERCENT
    if not rate.is_finite() or rate <= 0 or rate > limit:
        raise ValidationError(
            _("Not a usable rate: {rate}").format(rate=str(rate)),
            field="rate",
        )
    return rate


def row_known_until(kind: RateKind, start: dt.date) -> dt.date:
    """How far one row alone is known: its half-year for commercial kinds, else its own day."""
    return half_year_end(start) if kind.half_yearly else start


def build_table(
    kind: RateKind,
    rows: Iterable[RateRow],
    *,
    checked_until: dt.date | None = None,
    added: Iterable[RateRow] = (),
) -> RateTable:
    """Shipped ``rows`` with the user's ``added`` rows merged over them (same start: the user's).

    ``checked_until`` is the day the shipped table was last compared with its sources; the
    table is known up to that day or to what its last row (shipped or added) covers.
    """
    by_start = {row.start: row for row in rows}
    for row in added:
        by_start[row.start] = row
    ordered = tuple(by_start[start] for start in sorted(by_start))
    known = [checked_until] if checked_until else []
    if ordered and kind.half_yearly:
        known.append(_contiguous_end(ordered))
    elif ordered:
        known.append(row_known_until(kind, ordered[-1].start))
    return RateTable(kind, ordered, max(known) if known else dt.date.min)


def _contiguous_end(rows: tuple[RateRow, ...]) -> dt.date:
    """The end of the half-years covered without a gap from the first row: a rate added for 2028
    says nothing about 2027, which keeps the last rate before it only with a warning."""
    end = half_year_end(rows[0].start)
    for row in rows[1:]:
        if row.start > end + dt.timedelta(days=1):
            break
        end = max(end, half_year_end(row.start))
    return end
