"""The SQL in services/balances.py equals the domain's definition of "open as of a date".

Random histories (invoices with instalments, payments for a named invoice or for the oldest
debt, overpayments whose credit pays later invoices, reducing corrections that release money,
everything recorded out of date order) go through the real services into a real SQLite file;
for every day the history touches, and the days around them, each instalment's open amount and
each currency's balance and credit from SQL must equal what ``domain.receivables`` says.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as count_event
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Allocation, Instalment, Invoice, Payment
from db.uow import Database
from desktop_app.domain.receivables import (
    LATEST,
    counts_on,
    credit_as_of,
    open_as_of,
    settled_on,
)
from desktop_app.services import invoices, views
from desktop_app.services.balances import (
    contractor_balances,
    contractor_credits,
    open_items,
    overdue_at_ends,
)
from desktop_app.services.database import open_database
from tests.helpers import contractor, pay

START = dt.date(2026, 1, 1)
CURRENCIES = ("PLN", "EUR")


@dataclass(frozen=True)
class NewInvoice:
    day: int
    currency: str
    parts: tuple[tuple[int, int], ...]  # (days after issue, amount)


@dataclass(frozen=True)
class NewPayment:
    day: int
    currency: str
    amount: int
    #: pays the n-th invoice recorded so far (modulo their number); None: the oldest debt
    invoice: int | None


@dataclass(frozen=True)
class NewCorrection:
    invoice: int  # the n-th invoice recorded so far (modulo their number)
    days_after: int  # may be negative: a correction dated before the invoice
    amount: int


Event = NewInvoice | NewPayment | NewCorrection

amounts = st.integers(min_value=1, max_value=60_000)
corrections = st.builds(
    NewCorrection, invoice=st.integers(0, 20), days_after=st.integers(-3, 40), amount=amounts
)
events = st.one_of(
    st.builds(
        NewInvoice,
        day=st.integers(0, 40),
        currency=st.sampled_from(CURRENCIES),
        parts=st.lists(
            st.tuples(st.integers(0, 40), amounts), min_size=1, max_size=3, unique_by=lambda p: p[0]
        ).map(tuple),
    ),
    st.builds(
        NewPayment,
        day=st.integers(0, 60),
        currency=st.sampled_from(CURRENCIES),
        amount=st.integers(min_value=1, max_value=150_000),
        invoice=st.none() | st.integers(0, 20),
    ),
    corrections,
)
#: corrections also come last, after payments, so that they often release money
histories = st.tuples(
    st.lists(events, min_size=1, max_size=10), st.lists(corrections, max_size=3)
).map(lambda parts: parts[0] + parts[1])


def _day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def _record(db: Database, cid: int, prefix: str, history: list[Event]) -> set[dt.date]:
    """Records the history through the services; returns the days on which a balance may
    change: every date it mentions, and the day after each due date (overdue from then)."""
    recorded: list[tuple[str, dt.date, str]] = []  # (number, issued, currency)
    dates: set[dt.date] = set()
    for event in history:
        if isinstance(event, NewInvoice):
            number = f"{prefix}/FV/{len(recorded) + 1}"
            issued = _day(event.day)
            parts = [invoices.InstalmentInput(issued + dt.timedelta(d), a) for d, a in event.parts]
            invoices.add_invoice(
                db,
                invoices.InvoiceInput(
                    contractor=cid,
                    number=number,
                    issue_date=issued,
                    currency=event.currency,
                    instalments=parts,
                ),
            )
            recorded.append((number, issued, event.currency))
            dates |= {issued, *(p.due_date + dt.timedelta(days=1) for p in parts)}
        elif isinstance(event, NewPayment):
            currency, number = event.currency, None
            if event.invoice is not None and recorded:
                number, _issued, currency = recorded[event.invoice % len(recorded)]
            pay(
                db,
                cid,
                _day(event.day),
                event.amount,
                currency=currency,
                invoice_number=number,
            )
            dates.add(_day(event.day))
        elif recorded:
            number, issued, currency = recorded[event.invoice % len(recorded)]
            day = issued + dt.timedelta(days=event.days_after)
            invoices.add_invoice(
                db,
                invoices.InvoiceInput(
                    contractor=cid,
                    number=f"{prefix}/KOR/{next(_counter)}",
                    issue_date=day,
                    currency=currency,
                    instalments=[],
                    kind="correction",
                    corrects=number,
                    gross_minor=-event.amount,
                ),
            )
            dates.add(day)
    return dates


def _as_of_days(dates: set[dt.date]) -> list[dt.date]:
    """Each day a balance may change (it stays the same until the next one), the day before
    the first and one far ahead."""
    first = min(dates, default=START)
    return sorted(dates | {first - dt.timedelta(days=1), dt.date(2100, 1, 1)})


def _check(db: Database, cid: int, as_of: dt.date) -> None:
    with db.read() as session:
        instalments = list(
            session.scalars(
                select(Instalment)
                .join(Invoice)
                .where(Invoice.contractor_id == cid)
                .options(selectinload(Instalment.allocations), selectinload(Instalment.invoice))
            )
        )
        payments = list(
            session.scalars(
                select(Payment)
                .where(Payment.contractor_id == cid)
                .options(selectinload(Payment.allocations))
            )
        )
        domain_open = {
            i.id: open_as_of(i.amount_minor, i.allocations, as_of, issued=i.invoice.issue_date)
            for i in instalments
        }
        # both ways the SQL is built: for a few contractors, and pruned over the whole ledger
        for ids in ([cid], None):
            items = open_items(as_of, contractor_ids=ids)
            sql_open = {
                row.instalment_id: row.open
                for row in session.execute(select(items).where(items.c.contractor_id == cid))
            }
            assert sql_open == {k: v for k, v in domain_open.items() if v}, (as_of, ids)
        # no money is ever counted twice, on any day
        for instalment in instalments:
            counted = sum(a.amount_minor for a in instalment.allocations if counts_on(a, as_of))
            assert counted <= instalment.amount_minor, (as_of, instalment.id)
        for payment in payments:
            counted = sum(a.amount_minor for a in payment.allocations if counts_on(a, as_of))
            assert counted <= payment.amount_minor, (as_of, payment.id)
        domain_credit: dict[str, int] = {}
        for payment in payments:
            credit = credit_as_of(
                payment.amount_minor, payment.allocations, as_of, received=payment.date
            )
            if credit:
                domain_credit[payment.currency] = domain_credit.get(payment.currency, 0) + credit
        balances = contractor_balances(as_of, contractor_ids=[cid])
        credits = contractor_credits(as_of, [cid])
        sql: dict[str, tuple[int, int, int, int]] = {}
        for row in session.execute(select(balances)):
            oldest = row.oldest_overdue_due
            sql[row.currency] = (row.open, row.overdue, (as_of - oldest).days if oldest else 0, 0)
        for row in session.execute(select(credits)):
            open_, overdue, days, _credit = sql.get(row.currency, (0, 0, 0, 0))
            sql[row.currency] = (open_, overdue, days, row.credit)
        assert {c: v[3] for c, v in sql.items() if v[3]} == domain_credit, as_of
    card = views.contractor_card(db, cid, as_of)
    from_domain = {
        b.currency: (b.open_minor, b.overdue_minor, b.max_days_overdue, b.credit_minor)
        for b in card.balances
    }
    assert sql == from_domain, as_of
    assert {p.id: p.open_minor for i in card.invoices for p in i.instalments if p.open_minor} == {
        k: v for k, v in domain_open.items() if v
    }


def _check_overdue_at_ends(db: Database, cid: int, days: list[dt.date]) -> None:
    """The one-pass overdue at many days (the dashboard's trend) equals summing the open items
    due before each day, day by day."""
    with db.read() as session:
        per_day: dict[str, list[int]] = {}
        for n, as_of in enumerate(days):
            items = open_items(as_of, contractor_ids=[cid])
            for currency, amount in session.execute(
                select(items.c.currency, items.c.open).where(items.c.due_date < as_of)
            ):
                per_day.setdefault(currency, [0] * len(days))[n] += amount
        at_ends = {row[0]: list(row[1:]) for row in session.execute(overdue_at_ends(days, [cid]))}
    assert {c: v for c, v in at_ends.items() if any(v)} == {
        c: v for c, v in per_day.items() if any(v)
    }, days


def _check_cache(db: Database, cid: int) -> None:
    with db.read() as session:
        for a in session.scalars(
            select(Allocation).join(Payment).where(Payment.contractor_id == cid)
        ):
            if a.released_on is not None:
                count_event("a correction released a payment")
            if a.effective_date > a.payment.date:
                count_event("money counted from after its payment's date")
        for i in session.scalars(
            select(Instalment).join(Invoice).where(Invoice.contractor_id == cid)
        ):
            issued = i.invoice.issue_date
            assert i.open_minor == open_as_of(i.amount_minor, i.allocations, LATEST, issued=issued)
            assert i.settled_on == settled_on(i.amount_minor, i.allocations, issued=issued)
        for p in session.scalars(select(Payment).where(Payment.contractor_id == cid)):
            assert p.unallocated_minor == credit_as_of(
                p.amount_minor, p.allocations, LATEST, received=p.date
            )


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One file for every example: each history gets a contractor of its own."""
    path: Path = tmp_path_factory.mktemp("twin") / "inkaso.db"
    database = open_database(path)
    yield database
    database.dispose()


_counter = itertools.count(1)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(history=histories)
def test_sql_balances_equal_the_domain_definition(
    shared_db: Database, history: list[Event]
) -> None:
    n = next(_counter)
    cid = contractor(shared_db, name=f"Kontrahent {n}")
    dates = _record(shared_db, cid, f"H{n}", history)
    _check_cache(shared_db, cid)
    for as_of in _as_of_days(dates):
        _check(shared_db, cid, as_of)
    _check_overdue_at_ends(shared_db, cid, _as_of_days(dates))
