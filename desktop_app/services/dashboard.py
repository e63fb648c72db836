"""The debt dashboard: a handful of per-currency figures read with SQL aggregates.

Open, overdue, the aging buckets and the top debtors come from :func:`aging_report` itself, so
the dashboard agrees with ``inkaso report aging`` figure for figure by construction.

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
- **Trend** (:func:`overdue_trend`): overdue at the end of each of the last twelve months (the current month ends
  ``today``), through the SQL twin of ``open_as_of`` in :mod:`services.balances`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from db.models import Invoice, OutboxMessage, Promise, Task
from db.uow import Database
from desktop_app.domain import forecast
from desktop_app.domain.aging import AgingBuckets
from desktop_app.services import forecast as forecast_service
from desktop_app.services.aging_report import aging_report
from desktop_app.services.balances import open_items

DSO_WINDOW_DAYS = 90
FORECAST_WEEKS = 4
TREND_MONTHS = 12
TOP_DEBTORS = 10
FAILED_STATUSES = ("failed", "failed_permanently")


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
class MonthOverdue:
    month_end: dt.date
    overdue: int


@dataclass
class CurrencyDashboard:
    currency: str
    open: int = 0
    overdue: int = 0
    invoiced_in_window: int = 0
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


@dataclass
class Dashboard:
    today: dt.date
    labels: tuple[str, ...]
    currencies: dict[str, CurrencyDashboard]
    tasks_due: int
    failed_reminders: int


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
    aging = aging_report(db, today, buckets)
    sections: dict[str, CurrencyDashboard] = {}
    for currency, part in aging.currencies.items():
        section = CurrencyDashboard(
            currency,
            open=part.totals.open,
            overdue=part.totals.overdue,
            buckets=dict(part.totals.buckets),
        )
        debtors = sorted(
            (row for row in part.contractors if row.overdue > 0),
            key=lambda r: (-r.overdue, r.name, r.contractor_id),
        )
        section.top_debtors = [
            Debtor(r.contractor_id, r.name, r.overdue, r.open) for r in debtors[:TOP_DEBTORS]
        ]
        sections[currency] = section

    def section_for(currency: str) -> CurrencyDashboard:
        return sections.setdefault(
            currency, CurrencyDashboard(currency, buckets=dict.fromkeys(aging.labels, 0))
        )

    monday = week_start(today)
    with db.read() as session:
        invoiced = session.execute(
            select(Invoice.currency, func.sum(Invoice.gross_minor))
            .where(
                Invoice.issue_date > today - dt.timedelta(days=DSO_WINDOW_DAYS),
                Invoice.issue_date <= today,
            )
            .group_by(Invoice.currency)
        ).all()
        for currency, amount in invoiced:
            section_for(currency).invoiced_in_window = int(amount or 0)

        promised = session.execute(
            select(Promise.currency, func.sum(Promise.amount_minor))
            .where(
                Promise.status == "open",
                Promise.due_on >= monday,
                Promise.due_on < monday + dt.timedelta(days=7),
            )
            .group_by(Promise.currency)
        ).all()
        for currency, amount in promised:
            section_for(currency).promised_this_week = int(amount or 0)

        tasks_due = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.status == "open", Task.due_on <= today)
        )
        failed = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status.in_(FAILED_STATUSES))
        )

    return Dashboard(
        today=today,
        labels=aging.labels,
        currencies=dict(sorted(sections.items())),
        tasks_due=int(tasks_due or 0),
        failed_reminders=int(failed or 0),
    )


def cash_in_forecast(db: Database, today: dt.date) -> dict[str, list[WeekForecast]]:
    """Open items by the week (of the next :data:`FORECAST_WEEKS`) of their expected payment
    day, per currency. Each payer's lateness figures come from one SQL aggregate; the items are
    read as sums per (contractor, due date), the overdue ones per contractor: an overdue item's
    expected day does not depend on how late it already is (see :mod:`domain.forecast`)."""
    horizon = today + dt.timedelta(weeks=FORECAST_WEEKS)
    with db.read() as session:
        own = forecast_service.lateness_sums(session, today)
        items = open_items(today)
        due = case((items.c.due_date >= today, items.c.due_date), else_=None).label("due")
        rows = session.execute(
            select(items.c.currency, items.c.contractor_id, due, func.sum(items.c.open))
            .where(items.c.due_date < horizon)
            .group_by(items.c.currency, items.c.contractor_id, due)
        ).all()
    prior = forecast.population(sum(own.values(), forecast.LatenessSums()))
    figures: dict[int, forecast.Lateness] = {}
    overdue_day = today - dt.timedelta(days=1)
    weekly: dict[tuple[str, int], int] = {}
    for currency, cid, due_date, amount in rows:
        if cid not in figures:
            figures[cid] = forecast.lateness(own.get(cid, forecast.LatenessSums()), prior)
        expected = forecast.forecast_item(due_date or overdue_day, today, figures[cid]).expected
        week = (expected - today).days // 7
        if 0 <= week < FORECAST_WEEKS:
            weekly[(currency, week)] = weekly.get((currency, week), 0) + int(amount)
    return {
        currency: [
            WeekForecast(today + dt.timedelta(weeks=n), weekly.get((currency, n), 0))
            for n in range(FORECAST_WEEKS)
        ]
        for currency in sorted({currency for currency, *_rest in rows})
    }


def add_forecast(board: Dashboard, weeks: dict[str, list[WeekForecast]]) -> Dashboard:
    """The board with each currency's cash-in forecast filled in (zeros where none is due)."""
    for currency, section in board.currencies.items():
        section.forecast = weeks.get(currency) or [
            WeekForecast(board.today + dt.timedelta(weeks=n), 0) for n in range(FORECAST_WEEKS)
        ]
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
        for end in ends:
            at_end = open_items(end)
            rows = session.execute(
                select(at_end.c.currency, func.sum(at_end.c.open))
                .where(at_end.c.due_date < end)
                .group_by(at_end.c.currency)
            ).all()
            for currency, amount in rows:
                found[(currency, end)] = int(amount)
                currencies.add(currency)
    return {
        currency: [MonthOverdue(end, found.get((currency, end), 0)) for end in ends]
        for currency in sorted(currencies)
    }
