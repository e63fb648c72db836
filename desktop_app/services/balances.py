"""What is open "as of" a date, as SQL the reports, lists and the GUI build on.

The SQL twin of ``domain.receivables`` (open_as_of, credit_as_of, balances_as_of), kept equal to
it by a property test over random histories (tests/integration/test_balances_twin.py):
open as of D = instalment amount − allocations effective on or before D that were not released
on or before D, counting only invoices issued by D; credit as of D = a payment received by D
minus its allocations counted the same way. ``settled_on`` prunes instalments that were already
settled by D, so a report for today reads only the few open items, not the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    ScalarSelect,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from db.models import Allocation, Instalment, Invoice, Payment


def _counted(as_of: dt.date) -> ColumnElement[bool]:
    """An allocation counts on ``as_of`` (``domain.receivables.counts_on``)."""
    return and_(
        Allocation.effective_date <= as_of,
        or_(Allocation.released_on.is_(None), Allocation.released_on > as_of),
    )


def allocated_as_of(as_of: dt.date) -> ScalarSelect[int]:
    """Scalar subquery: money set against the current instalment row as of ``as_of``."""
    return (
        select(func.coalesce(func.sum(Allocation.amount_minor), 0))
        .where(Allocation.instalment_id == Instalment.id, _counted(as_of))
        .scalar_subquery()
    )


def open_items(as_of: dt.date, *, contractor_ids: Sequence[int] | None = None) -> Subquery:
    """One row per instalment open as of ``as_of``:
    contractor_id, invoice_id, instalment_id, currency, due_date, amount, open."""
    open_expr = Instalment.amount_minor - allocated_as_of(as_of)
    query = (
        select(
            Invoice.contractor_id.label("contractor_id"),
            Invoice.id.label("invoice_id"),
            Instalment.id.label("instalment_id"),
            Invoice.currency.label("currency"),
            Instalment.due_date.label("due_date"),
            Instalment.amount_minor.label("amount"),
            open_expr.label("open"),
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(Invoice.issue_date <= as_of)
    )
    unsettled = or_(Instalment.settled_on.is_(None), Instalment.settled_on > as_of)
    if contractor_ids is not None:
        query = query.where(Invoice.contractor_id.in_(list(contractor_ids)), unsettled)
    else:
        # Over the whole ledger, start from the few unsettled instalments (index on settled_on);
        # as a plain condition SQLite walks every invoice instead, twice as slow at 500k.
        pruned = select(Instalment.id).where(unsettled)
        query = query.where(Instalment.id.in_(pruned))
    # OFFSET 0 keeps the inner query from being flattened into the outer one: flattened, SQLite
    # evaluates the allocation sum twice per row (once for "open > 0", once for the value),
    # a quarter of a pass over the open items of the 500,000-invoice demo
    inner = query.offset(0).subquery("items_all")
    return select(inner).where(inner.c.open > 0).subquery("open_items")


def contractor_balances(
    as_of: dt.date, currency: str | None = None, contractor_ids: Sequence[int] | None = None
) -> Subquery:
    """Per contractor and currency: open, overdue, and the oldest overdue due date."""
    items = open_items(as_of, contractor_ids=contractor_ids)
    overdue = items.c.due_date < as_of
    query = select(
        items.c.contractor_id,
        items.c.currency,
        func.sum(items.c.open).label("open"),
        func.sum(case((overdue, items.c.open), else_=0)).label("overdue"),
        func.min(case((overdue, items.c.due_date), else_=None)).label("oldest_overdue_due"),
    ).group_by(items.c.contractor_id, items.c.currency)
    if currency is not None:
        query = query.where(items.c.currency == currency)
    return query.subquery("balances")


def contractor_credits(as_of: dt.date, contractor_ids: Sequence[int]) -> Subquery:
    """Per contractor and currency: money received by ``as_of`` and set against nothing then."""
    spent = func.coalesce(func.sum(case((_counted(as_of), Allocation.amount_minor), else_=0)), 0)
    # grouped, so each payment's credit is worked out once (a scalar subquery would run twice)
    per_payment = (
        select(
            Payment.contractor_id,
            Payment.currency,
            (Payment.amount_minor - spent).label("credit"),
        )
        .outerjoin(Allocation, Allocation.payment_id == Payment.id)
        .where(Payment.contractor_id.in_(list(contractor_ids)), Payment.date <= as_of)
        .group_by(Payment.id)
        .subquery("payment_credit")
    )
    return (
        select(
            per_payment.c.contractor_id,
            per_payment.c.currency,
            func.sum(per_payment.c.credit).label("credit"),
        )
        .where(per_payment.c.credit > 0)
        .group_by(per_payment.c.contractor_id, per_payment.c.currency)
        .subquery("credits")
    )


def overdue_at_ends(
    ends: Sequence[dt.date], contractor_ids: Sequence[int] | None = None
) -> Select[Any]:
    """Per currency, in one pass: the overdue money as of each day of ``ends`` (columns ``d0``,
    ``d1``…, in the order given), each equal to summing :func:`open_items` as of that day over
    the items due before it.

    An item's open amount is never below zero (no money is counted twice), so the sum of open
    amounts is the sum of the amounts less the sum of the allocations counted that day: plain
    sums over one stream of rows (the instalments, then their allocations negated), one CASE per
    day, instead of one scan of the ledger per day. Each row counts from a day (``since``: the
    later of its invoice's issue and the allocation's effective date) while it is overdue and
    until a day (``until``: the earlier of the instalment's settlement and the allocation's
    release). The rows read are the instalments issued and due before the last day and not
    settled by the first."""
    first, last = min(ends), max(ends)
    where = [
        Invoice.issue_date <= last,
        Instalment.due_date < last,
        Instalment.id.in_(
            select(Instalment.id).where(
                or_(Instalment.settled_on.is_(None), Instalment.settled_on > first)
            )
        ),
    ]
    if contractor_ids is not None:
        where.append(Invoice.contractor_id.in_(list(contractor_ids)))
    never = literal(dt.date.max, Date)
    settled = func.coalesce(Instalment.settled_on, never)
    amounts = (
        select(
            Invoice.currency.label("currency"),
            Instalment.due_date.label("due_date"),
            Invoice.issue_date.label("since"),
            settled.label("until"),
            Instalment.amount_minor.label("value"),
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(*where)
    )
    allocations = (
        select(
            Invoice.currency,
            Instalment.due_date,
            case(
                (Allocation.effective_date > Invoice.issue_date, Allocation.effective_date),
                else_=Invoice.issue_date,
            ),
            case(
                (
                    and_(Allocation.released_on.is_not(None), Allocation.released_on < settled),
                    Allocation.released_on,
                ),
                else_=settled,
            ),
            -Allocation.amount_minor,
        )
        .join(Instalment, Instalment.id == Allocation.instalment_id)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(*where)
    )
    rows = union_all(amounts, allocations).subquery("at_ends")
    c = rows.c
    sums = [
        func.coalesce(
            func.sum(
                case(
                    (and_(c.since <= end, c.due_date < end, c.until > end), c.value),
                    else_=0,
                )
            ),
            0,
        ).label(f"d{n}")
        for n, end in enumerate(ends)
    ]
    return select(c.currency, *sums).group_by(c.currency)
