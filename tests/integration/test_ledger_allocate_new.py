"""``ledger.allocate_new`` (the import's bulk path, no ORM objects) sets exactly the allocations
``ledger.allocate_payment`` records when the same payments are added one by one for an invoice."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import Allocation, Instalment, Invoice
from db.uow import Database
from desktop_app.domain import allocation as rules
from desktop_app.services import ledger
from tests.helpers import D, assert_ledger_consistent, contractor, invoice, pay

_numbers = itertools.count(1)

days = st.integers(0, 60).map(lambda n: D(2026, 10, 1) + dt.timedelta(days=n))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    issued=days,
    parts=st.lists(
        st.tuples(st.integers(0, 90), st.integers(1, 50_000)),
        min_size=1,
        max_size=4,
        unique_by=lambda p: p[0],
    ),
    paid=st.lists(st.tuples(days, st.integers(1, 80_000)), min_size=1, max_size=3),
)
def test_allocate_new_sets_what_allocate_payment_records(
    db: Database,
    issued: dt.date,
    parts: list[tuple[int, int]],
    paid: list[tuple[dt.date, int]],
) -> None:
    n = next(_numbers)
    cid = contractor(db, f"Łąka {n}")
    number = f"FV/{n}/2026"
    invoice(db, cid, number, issued, *((issued + dt.timedelta(days=d), a) for d, a in parts))
    with db.read() as session:
        owing = [
            rules.OpenItem(i.id, i.open_minor, i.due_date, issued)
            for i in session.scalars(
                select(Instalment).join(Invoice).where(Invoice.number == number)
            )
        ]
    ids = [pay(db, cid, day, amount, invoice_number=number) for day, amount in paid]
    with db.read() as session:
        recorded = [
            (a.payment_id, a.instalment_id, a.amount_minor, a.effective_date)
            for a in session.scalars(
                select(Allocation).where(Allocation.payment_id.in_(ids)).order_by(Allocation.id)
            )
        ]
    planned = ledger.allocate_new(
        [ledger.NewPayment(pid, amount, day) for pid, (day, amount) in zip(ids, paid, strict=True)],
        [i for i in owing if i.open_minor > 0],
    )
    assert [
        (a.payment_id, a.instalment_id, a.amount_minor, a.effective_date) for a in planned
    ] == recorded
    assert_ledger_consistent(db)
