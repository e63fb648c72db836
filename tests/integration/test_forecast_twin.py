"""The SQL aggregate in services/forecast.py equals ``domain.forecast.sums`` on random histories.

Instalments (due any day of the last two and a half years or the next month, paid on time, late,
before the due date, after today or not at all) are written straight into a real SQLite file:
the aggregate reads only due dates, amounts and settlement days, which these rows carry as the
allocation service would leave them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from db.models import Contractor, Instalment, Invoice
from db.uow import Database
from desktop_app.domain import forecast
from desktop_app.domain.rating import PaymentFact
from desktop_app.services import forecast as forecast_service
from desktop_app.services.database import open_database

TODAY = dt.date(2026, 12, 1)

rows = st.lists(
    st.tuples(
        st.integers(1, 3),  # contractor
        st.integers(-30, 900),  # due this many days before today
        st.integers(0, 5_000_000),  # amount
        st.one_of(st.none(), st.integers(-20, 200)),  # paid this many days after the due date
    ),
    max_size=40,
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_database(Path(tmp_path_factory.mktemp("twin")) / "twin.db")
    with db.write() as session:
        for n in (1, 2, 3):
            session.add(Contractor(id=n, name=f"C{n}", search_name=f"c{n}"))
    return db


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows)
def test_sql_sums_equal_the_domain_sums(
    database: Database, history: list[tuple[int, int, int, int | None]]
) -> None:
    db = database
    facts: dict[int, list[PaymentFact]] = {1: [], 2: [], 3: []}
    with db.write() as session:
        session.execute(delete(Instalment))
        session.execute(delete(Invoice))
        for n, (cid, back, amount, paid_after) in enumerate(history):
            due = TODAY - dt.timedelta(days=back)
            settled = None if paid_after is None else due + dt.timedelta(days=paid_after)
            invoice = Invoice(
                contractor_id=cid, number=f"F/{n}", issue_date=due - dt.timedelta(days=14),
                currency="PLN", gross_minor=amount,
            )  # fmt: skip
            invoice.instalments = [
                Instalment(
                    seq=1,
                    due_date=due,
                    amount_minor=amount,
                    open_minor=0 if settled is not None else amount,
                    settled_on=settled,
                )
            ]
            session.add(invoice)
            facts[cid].append(PaymentFact(due, amount, settled))
    with db.read() as session:
        found = forecast_service.lateness_sums(session, TODAY)
        some = forecast_service.lateness_sums(session, TODAY, [2])
        prior = forecast_service.population(session, TODAY)
    expected = {cid: forecast.sums(f, TODAY) for cid, f in facts.items()}
    for cid in (1, 2, 3):
        _same(found.get(cid, forecast.LatenessSums()), expected[cid])
    _same(some.get(2, forecast.LatenessSums()), expected[2])
    total = sum(expected.values(), forecast.LatenessSums())
    assert _close(prior, forecast.population(total))


def _close(a: forecast.Lateness, b: forecast.Lateness) -> bool:
    return (a.late_share, a.very_late_share, a.excess_days) == pytest.approx(
        (b.late_share, b.very_late_share, b.excess_days)
    )


def _same(sql: forecast.LatenessSums, python: forecast.LatenessSums) -> None:
    assert sql.items == python.items
    for field in ("weight", "late_weight", "very_late_weight", "late_days_weight"):
        assert getattr(sql, field) == pytest.approx(getattr(python, field), rel=1e-9, abs=1e-6)
