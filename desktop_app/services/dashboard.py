"""The debt dashboard: a handful of per-currency figures read with SQL aggregates.

Open, overdue, the aging buckets and the top debtors come from ONE grouped pass over the open
items (per currency, contractor and bucket) built from the same :func:`open_items` and bucket
thresholds as :func:`aging_report`, so they agree with ``inkaso report aging`` figure for figure
(tests/integration/test_dashboard.py); only the top debtors' names are read, not every
contractor's (the aging report's Python work over 10,000 rows was a third of the time).

- **Overdue share** = overdue / open (0 when nothing is open).
- **DSO** (days sales outstanding, count-back over a fixed window) = open receivable today /
  gross invoiced in the last ``DSO_WINDOW_DAYS`` days × ``DSO_WINDOW_DAYS``; ``None`` when
  nothing was invoiced in the window.
- **Promised this week**: open promises to pay falling due from Monday to Sunday of ``today``'s
  week.
- **Cash-in forecast** (:func:`cash_in_forecast`): open items, overdue ones included, by the
  week of their expected payment day (:mod:`domain.forecast`; week 1 starts ``today``). Kept
  apart from :func:`dashboard` like the trend: each payer's lateness is summed over two years of
  its history (the whole ledger, about a second on the 500,000-invoice demo), so the screen shows
  the current figures first and the forecast when it arrives.
- **Collection effectiveness** (CEI, the standard collection effectiveness index) over the last
  ``CEI_WINDOW_DAYS`` days, per currency:
  (opening receivable + invoiced − closing receivable)
  / (opening receivable + invoiced − closing current receivable) × 100,
  where opening receivable is what was open ``CEI_WINDOW_DAYS`` days ago, invoiced the gross of
  invoices issued after that day up to ``today``, closing receivable what is open ``today`` and
  closing current the part of it not yet due. 100 means everything that could be collected was;
  ``None`` when nothing was collectable (the denominator is 0 or less).
- **Trend** (:func:`overdue_trend`): overdue at the end of each of the last twelve months (the current month ends
  ``today``), through the SQL twin of ``open_as_of`` in :mod:`services.balances`.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Invoice, OutboxMessage, Promise, Task
from db.uow import Database
from desktop_app.domain import forecast
from desktop_app.domain.aging import NOT_DUE, AgingBuckets
from desktop_app.services import forecast as forecast_service
from desktop_app.services.balances import open_items, overdue_at_ends
from desktop_app.services.dunning.outbox import FAILED_STATUSES
from desktop_app.services.dunning.tasks import due_by

DSO_WINDOW_DAYS = 90
CEI_WINDOW_DAYS = 30
FORECAST_WEEKS = 4
TREND_MONTHS = 12
TOP_DEBTORS = 10


@dataclass(frozen=True)
class Debtor:
    contractor_id: int
    name: str
    overdue: int
    open: int


@dataclass(frozen=True)
class WeekForecast:
    week_start: dt.date
    amount: int


@dataclass(frozen=True)
class ExpectedItem:
    """Open money of one contractor expected on one day (the forecast's unit, summed per week
    for the tiles and listed as it is by the drill-down)."""

    currency: str
    contractor_id: int
    #: None: the contractor's overdue items, together
    due_date: dt.date | None
    expected: dt.date
    week: int
    amount: int
    items: int


@dataclass(frozen=True)
class MonthOverdue:
    month_end: dt.date
    overdue: int


@dataclass
class CurrencyDashboard:
    currency: str
    open: int = 0
    overdue: int = 0
    invoiced_in_window: int = 0
    #: CEI parts: open ``CEI_WINDOW_DAYS`` days ago, invoiced since, open today and not yet due
    opening_receivable: int = 0
    invoiced_in_cei_window: int = 0
    not_due: int = 0
    promised_this_week: int = 0
    buckets: dict[str, int] = field(default_factory=dict)
    forecast: list[WeekForecast] = field(default_factory=list)
    top_debtors: list[Debtor] = field(default_factory=list)

    @property
    def overdue_share(self) -> float:
        return self.overdue / self.open if self.open else 0.0

    @property
    def dso_days(self) -> float | None:
        if self.invoiced_in_window <= 0:
            return None
        return self.open / self.invoiced_in_window * DSO_WINDOW_DAYS

    @property
    def collection_effectiveness(self) -> float | None:
        """CEI in per cent (see the module docstring); None when nothing was collectable."""
        start = self.opening_receivable + self.invoiced_in_cei_window
        collectable = start - self.not_due
        if collectable <= 0:
            return None
        return (start - self.open) / collectable * 100


@dataclass
class Dashboard:
    today: dt.date
    labels: tuple[str, ...]
    currencies: dict[str, CurrencyDashboard]
    tasks_due: int
    failed_reminders: int
    #: False on a new book: the figures are empty for want of contractors, not for good news
    has_contractors: bool = True


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_ends(today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The last day of each of the ``months`` months up to ``today``'s, oldest first; the
    current month "ends" today (its end is still in the future)."""
    ends = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        end = first - dt.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return ends[::-1]


def dashboard(db: Database, today: dt.date, buckets: AgingBuckets | None = None) -> Dashboard:
    buckets = buckets or AgingBuckets()
    labels = buckets.labels
    sections: dict[str, CurrencyDashboard] = {}

    def section_for(currency: str) -> CurrencyDashboard:
        section = sections.get(currency)
        if section is None:  # once per currency, not once per row read
            section = sections[currency] = CurrencyDashboard(
                currency, buckets=dict.fromkeys(labels, 0)
            )
        return section

    with db.read() as session:
        overdue_by = _receivable(session, today, buckets, section_for)
        _top_debtors(session, sections, overdue_by)
        invoiced = session.execute(_invoiced_query(today)).all()
        for currency, in_dso, in_cei in invoiced:
            section = section_for(currency)
            section.invoiced_in_window = int(in_dso or 0)
            section.invoiced_in_cei_window = int(in_cei or 0)
        opening = open_items(today - dt.timedelta(days=CEI_WINDOW_DAYS))
        for currency, amount in session.execute(
            select(opening.c.currency, func.sum(opening.c.open)).group_by(opening.c.currency)
        ):
            section_for(currency).opening_receivable = int(amount or 0)

        promised = session.execute(
            select(Promise.currency, func.sum(Promise.amount_minor))
            .where(promised_this_week(today))
            .group_by(Promise.currency)
        ).all()
        for currency, amount in promised:
            section_for(currency).promised_this_week = int(amount or 0)

        tasks_due = session.scalar(select(func.count()).select_from(Task).where(task_due(today)))
        failed = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(failed_reminder())
        )
        any_contractor = session.scalar(select(Contractor.id).limit(1))

    return Dashboard(
        today=today,
        labels=labels,
        currencies=dict(sorted(sections.items())),
        tasks_due=int(tasks_due or 0),
        failed_reminders=int(failed or 0),
        has_contractors=any_contractor is not None,
    )


def promised_this_week(today: dt.date) -> ColumnElement[bool]:
    """An open promise falling due from Monday to Sunday of ``today``'s week."""
    monday = week_start(today)
    return and_(
        Promise.status == "open",
        Promise.due_on >= monday,
        Promise.due_on < monday + dt.timedelta(days=7),
    )


def task_due(today: dt.date) -> ColumnElement[bool]:
    """An open task due today or earlier (the task list's "due" filter)."""
    return due_by(today)


def failed_reminder() -> ColumnElement[bool]:
    """A message that failed (to be retried or given up)."""
    return OutboxMessage.status.in_(FAILED_STATUSES)


def cash_in_items(session: Session, today: dt.date) -> list[ExpectedItem]:
    """The open money due before the end of the forecast, per currency, contractor and due date
    (the overdue items together per contractor, ``due_date`` None), each with its expected
    payment day (:mod:`domain.forecast`) and week (0 starts ``today``; :data:`FORECAST_WEEKS` or
    more: later). The cash-in forecast's one source: :func:`cash_in_forecast` sums it, the
    dashboard's drill-down lists it. Each payer's lateness figures come from one SQL aggregate;
    an overdue item's expected day does not depend on how late it already is."""
    horizon = today + dt.timedelta(weeks=FORECAST_WEEKS)
    own = forecast_service.lateness_sums(session, today)
    items = open_items(today)
    due = case((items.c.due_date >= today, items.c.due_date), else_=None).label("due")
    rows = session.execute(
        select(items.c.currency, items.c.contractor_id, due, func.sum(items.c.open), func.count())
        .where(items.c.due_date < horizon)
        .group_by(items.c.currency, items.c.contractor_id, due)
    ).all()
    prior = forecast.population(sum(own.values(), forecast.LatenessSums()))
    figures: dict[int, forecast.Lateness] = {}
    overdue_day = today - dt.timedelta(days=1)
    expected_items = []
    for currency, cid, due_date, amount, count in rows:
        if cid not in figures:
            figures[cid] = forecast.lateness(own.get(cid, forecast.LatenessSums()), prior)
        expected = forecast.forecast_item(due_date or overdue_day, today, figures[cid]).expected
        expected_items.append(
            ExpectedItem(
                currency,
                cid,
                due_date,
                expected,
                (expected - today).days // 7,
                int(amount),
                int(count),
            )
        )
    return expected_items


def _invoiced_query(today: dt.date) -> Select[str, int, Any]:
    """Gross invoiced per currency in the DSO window and, within it, in the CEI window."""
    cei_since = today - dt.timedelta(days=CEI_WINDOW_DAYS)
    in_cei = case((Invoice.issue_date > cei_since, Invoice.gross_minor), else_=0)
    return (
        select(Invoice.currency, func.sum(Invoice.gross_minor), func.sum(in_cei))
        .where(
            Invoice.issue_date > today - dt.timedelta(days=max(DSO_WINDOW_DAYS, CEI_WINDOW_DAYS)),
            Invoice.issue_date <= today,
        )
        .group_by(Invoice.currency)
    )


def bucket_of(items: Subquery, today: dt.date, buckets: AgingBuckets) -> ColumnElement[str]:
    """The aging bucket of an open item (:data:`NOT_DUE` when not yet due), by the aging
    report's due-date thresholds; the figures and their drill-down lists both use it."""
    return case(
        *[(items.c.due_date >= edge, label) for label, edge in buckets.due_date_thresholds(today)],
        else_=buckets.labels[-1],
    )


def _receivable(
    session: Session,
    today: dt.date,
    buckets: AgingBuckets,
    section_for: Callable[[str], CurrencyDashboard],
) -> dict[str, dict[int, list[int]]]:
    """Open, not due, overdue and the buckets per currency in one grouped pass over the open
    items (the bucket CASE is :func:`aging_report`'s); returns [overdue, open] per contractor."""
    items = open_items(today)
    bucket = bucket_of(items, today, buckets).label("bucket")
    grouped = session.execute(
        select(items.c.currency, items.c.contractor_id, bucket, func.sum(items.c.open)).group_by(
            items.c.currency, items.c.contractor_id, bucket
        )
    )
    owed: dict[str, dict[int, list[int]]] = {}
    for currency, contractor_id, label, amount in grouped:
        section = section_for(currency)
        figures = owed.setdefault(currency, {}).setdefault(contractor_id, [0, 0])
        section.open += amount
        figures[1] += amount
        if label == NOT_DUE:
            section.not_due += amount
        else:
            section.overdue += amount
            section.buckets[label] += amount
            figures[0] += amount
    return owed


def _top_debtors(
    session: Session, sections: dict[str, CurrencyDashboard], owed: dict[str, dict[int, list[int]]]
) -> None:
    """The largest overdue per currency, ties by name then id (the aging report's order); only
    the candidates' names are read."""
    candidates: dict[str, list[tuple[int, list[int]]]] = {}
    for currency, per in owed.items():
        biggest = heapq.nlargest(TOP_DEBTORS, (f[0] for f in per.values() if f[0] > 0))
        if biggest:
            floor = biggest[-1]
            candidates[currency] = [(cid, f) for cid, f in per.items() if f[0] >= floor]
    ids = {cid for pairs in candidates.values() for cid, _figures in pairs}
    if not ids:
        return
    names = {
        cid: name
        for cid, name in session.execute(
            select(Contractor.id, Contractor.name).where(Contractor.id.in_(ids))
        )
    }
    for currency, pairs in candidates.items():
        ranked = sorted(pairs, key=lambda p: (-p[1][0], names[p[0]], p[0]))[:TOP_DEBTORS]
        sections[currency].top_debtors = [
            Debtor(cid, names[cid], figures[0], figures[1]) for cid, figures in ranked
        ]


def cash_in_forecast(db: Database, today: dt.date) -> dict[str, list[WeekForecast]]:
    """Open items by the week (of the next :data:`FORECAST_WEEKS`) of their expected payment
    day, per currency: :func:`cash_in_items` summed."""
    with db.read() as session:
        expected = cash_in_items(session, today)
    weekly: dict[tuple[str, int], int] = {}
    for item in expected:
        if 0 <= item.week < FORECAST_WEEKS:
            weekly[(item.currency, item.week)] = weekly.get((item.currency, item.week), 0) + (
                item.amount
            )
    return {
        currency: [
            WeekForecast(today + dt.timedelta(weeks=n), weekly.get((currency, n), 0))
            for n in range(FORECAST_WEEKS)
        ]
        for currency in sorted({item.currency for item in expected})
    }


def nothing_due(today: dt.date) -> list[WeekForecast]:
    """The forecast of a currency with no open item: the same weeks, each at zero."""
    return [WeekForecast(today + dt.timedelta(weeks=n), 0) for n in range(FORECAST_WEEKS)]


def add_forecast(board: Dashboard, weeks: dict[str, list[WeekForecast]]) -> Dashboard:
    """The board with each currency's cash-in forecast filled in (zeros where none is due)."""
    for currency, section in board.currencies.items():
        section.forecast = weeks.get(currency) or nothing_due(board.today)
    return board


def overdue_trend(
    db: Database, today: dt.date, months: int = TREND_MONTHS
) -> dict[str, list[MonthOverdue]]:
    """Overdue per currency at each month end up to ``today`` (oldest first), through the SQL
    twin of ``open_as_of``. Kept apart from :func:`dashboard`: a past month end cannot use the
    "settled by then" pruning for the instalments settled since, so each month end reads more of
    the ledger; the screen shows the current figures first and the trend when it arrives."""
    ends = month_ends(today, months)
    found: dict[tuple[str, dt.date], int] = {}
    currencies: set[str] = set()
    with db.read() as session:
        for row in session.execute(overdue_at_ends(ends)):
            currency = row[0]
            currencies.add(currency)
            for end, amount in zip(ends, row[1:], strict=True):
                found[(currency, end)] = int(amount)
    return {
        currency: [MonthOverdue(end, found.get((currency, end), 0)) for end in ends]
        for currency in sorted(currencies)
    }
