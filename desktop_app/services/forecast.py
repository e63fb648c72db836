"""Payment forecasts read from the database: each payer's lateness sums in one SQL aggregate over
the rating's own history rows (:func:`services.rating.fact_query`), fed to
:mod:`desktop_app.domain.forecast`.

The aggregate is the SQL twin of :func:`domain.forecast.sums`, kept equal to it by a property
test (tests/integration/test_forecast_twin.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from db.models import Instalment, Invoice
from desktop_app.domain import forecast
from desktop_app.domain.rating import HALF_LIFE_DAYS
from desktop_app.services import rating
from desktop_app.services.balances import open_items
from desktop_app.services.sql_days import day_number


def _sums_columns(
    today: dt.date, contractor_ids: Sequence[int] | None = None
) -> tuple[ColumnElement[Any], ...]:
    history = rating.fact_query(today).where(Instalment.amount_minor > 0)
    if contractor_ids is not None:
        history = history.where(Invoice.contractor_id.in_(list(contractor_ids)))
    facts = history.subquery()
    paid_before = and_(facts.c.settled_on.is_not(None), facts.c.settled_on < today)
    end = case((paid_before, day_number(facts.c.settled_on)), else_=day_number(literal(today)))
    days = end - day_number(facts.c.due_date)
    # the rating's weight: amount halved every HALF_LIFE_DAYS since the due date
    age = day_number(literal(today)) - day_number(facts.c.due_date)
    weight = facts.c.amount_minor * func.exp(-math.log(2) / HALF_LIFE_DAYS * age)
    return (
        facts.c.contractor_id,
        func.count(),
        func.sum(weight),
        func.sum(case((days > 0, weight), else_=0.0)),
        func.sum(case((days > forecast.LATE_DAYS, weight), else_=0.0)),
        func.sum(case((days > 0, weight * days), else_=0.0)),
    )


def _sums(row: Sequence[object]) -> forecast.LatenessSums:
    items, weight, late, very_late, late_days = row
    return forecast.LatenessSums(
        int(items or 0),  # type: ignore[call-overload]
        float(weight or 0.0),  # type: ignore[arg-type]
        float(late or 0.0),  # type: ignore[arg-type]
        float(very_late or 0.0),  # type: ignore[arg-type]
        float(late_days or 0.0),  # type: ignore[arg-type]
    )


def _query(today: dt.date, contractor_ids: Sequence[int] | None = None) -> Select[Any]:
    columns = _sums_columns(today, contractor_ids)
    return select(*columns).group_by(columns[0])


def lateness_sums(
    session: Session, today: dt.date, contractor_ids: Sequence[int] | None = None
) -> dict[int, forecast.LatenessSums]:
    """Each payer's sums (all payers with a history when None), by contractor id."""
    conn = session.connection()
    if contractor_ids is None:
        return {row[0]: _sums(row[1:]) for row in conn.execute(_query(today))}
    found: dict[int, forecast.LatenessSums] = {}
    for chunk in rating.chunks(sorted(set(contractor_ids))):
        found.update({row[0]: _sums(row[1:]) for row in conn.execute(_query(today, chunk))})
    return found


def population(session: Session, today: dt.date) -> forecast.Lateness:
    """The whole population's figures, the prior every payer is pulled toward."""
    row = session.connection().execute(select(*_sums_columns(today)[1:])).one()
    return forecast.population(_sums(tuple(row)))


@dataclass(frozen=True, slots=True)
class ItemOutlook:
    instalment_id: int
    invoice_id: int
    seq: int
    due_date: dt.date
    open_minor: int
    currency: str
    forecast: forecast.ItemForecast


def for_contractor(session: Session, contractor_id: int, today: dt.date) -> list[ItemOutlook]:
    """Every open item of one contractor with its forecast, by due date."""
    own = lateness_sums(session, today, [contractor_id]).get(contractor_id)
    figures = forecast.lateness(own or forecast.LatenessSums(), population(session, today))
    items = open_items(today, contractor_ids=[contractor_id])
    rows = session.execute(
        select(
            items.c.instalment_id,
            items.c.invoice_id,
            Instalment.seq,
            items.c.due_date,
            items.c.open,
            items.c.currency,
        )
        .join(Instalment, Instalment.id == items.c.instalment_id)
        .where(items.c.open > 0)
        .order_by(items.c.due_date, items.c.instalment_id)
    ).all()
    return [
        ItemOutlook(
            iid, inv, seq, due, int(amount), currency, forecast.forecast_item(due, today, figures)
        )
        for iid, inv, seq, due, amount, currency in rows
    ]
