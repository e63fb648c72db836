"""What the book knows that may concern a batch of payments, read in a few queries.

Matching reads the candidates from live ORM rows, so a payment matched earlier in the same batch
has already lowered what the next one sees as open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from db.models import Contractor, Instalment, Invoice, Payment
from desktop_app.domain.allocation import OpenItem
from desktop_app.domain.payment_matching import (
    AccountSeen,
    Candidates,
    IncomingPayment,
    OpenInvoice,
    nips_in,
    numbers_in,
)
from desktop_app.domain.text import search_key

#: values per IN (...) list, below every database's limit
_CHUNK = 500


def _chunks(values: Iterable[object]) -> Iterable[list[object]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def incoming(payment: Payment) -> IncomingPayment:
    return IncomingPayment(
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        date=payment.date,
        title=payment.title,
        payer_name=payment.payer_name,
        payer_account=payment.payer_account,
    )


def open_invoice(invoice: Invoice) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice.id,
        number=invoice.number,
        contractor_id=invoice.contractor_id,
        currency=invoice.currency,
        items=tuple(
            OpenItem(i.id, i.open_minor, i.due_date, invoice.issue_date)
            for i in invoice.instalments
            if i.open_minor > 0
        ),
    )


class Book:
    """The invoices, contractors and accounts a batch of payments may concern, as ORM rows."""

    def __init__(self, session: Session, payments: Sequence[Payment], *, amounts: bool) -> None:
        self.session = session
        self.by_key: dict[str, list[Invoice]] = defaultdict(list)
        self.nips: dict[str, int] = {}
        self.names: dict[str, list[int]] = defaultdict(list)
        self.accounts: dict[str, dict[int, dt.date]] = defaultdict(dict)
        self.open_by_contractor: dict[int, list[Invoice]] = {}
        self.by_amount: dict[tuple[int, str], list[Invoice]] = defaultdict(list)
        #: every instalment of every invoice loaded, by id (to record shares against)
        self.instalments: dict[int, Instalment] = {}
        self._load(payments, amounts=amounts)

    def _invoices(self, where: ColumnElement[bool]) -> list[Invoice]:
        invoices = list(
            self.session.scalars(
                select(Invoice)
                .where(where)
                .options(selectinload(Invoice.instalments).selectinload(Instalment.allocations))
            )
        )
        for invoice in invoices:
            for instalment in invoice.instalments:
                self.instalments[instalment.id] = instalment
        return invoices

    def _load(self, payments: Sequence[Payment], *, amounts: bool) -> None:
        keys = {k for p in payments for found in numbers_in(p.title) for k in found.keys}
        for chunk in _chunks(keys):
            for invoice in self._invoices(Invoice.number_key.in_(chunk)):
                self.by_key[invoice.number_key or ""].append(invoice)
        nips = {nip for p in payments for nip in nips_in(p.title)}
        for chunk in _chunks(nips):
            for nip, contractor_id in self.session.execute(
                select(Contractor.nip, Contractor.id).where(Contractor.nip.in_(chunk))
            ):
                if nip is not None:
                    self.nips[nip] = contractor_id
        names = {search_key(p.payer_name) for p in payments if p.payer_name}
        for chunk in _chunks(names):
            for key, contractor_id in self.session.execute(
                select(Contractor.search_name, Contractor.id).where(
                    Contractor.search_name.in_(chunk)
                )
            ):
                self.names[key].append(contractor_id)
        accounts = {p.payer_account for p in payments if p.payer_account}
        for chunk in _chunks(accounts):
            for account, payer, last in self.session.execute(
                select(Payment.payer_account, Payment.contractor_id, func.max(Payment.date))
                .where(Payment.payer_account.in_(chunk), Payment.contractor_id.is_not(None))
                .group_by(Payment.payer_account, Payment.contractor_id)
            ):
                if account is not None and payer is not None and last is not None:
                    self.accounts[account][payer] = last
        contractors = set(self.nips.values()) | {c for ids in self.names.values() for c in ids}
        contractors |= {c for seen in self.accounts.values() for c in seen}
        self._load_open(contractors)
        if amounts:
            wanted = {(p.amount_minor, p.currency) for p in payments}
            for chunk in _chunks({amount for amount, _c in wanted}):
                rows = self.session.scalars(
                    select(Instalment)
                    .join(Invoice)
                    .options(contains_eager(Instalment.invoice))
                    .where(Instalment.open_minor > 0, Instalment.open_minor.in_(chunk))
                )
                for instalment in rows:
                    self.instalments[instalment.id] = instalment
                    invoice = instalment.invoice
                    if (instalment.open_minor, invoice.currency) in wanted:
                        self.by_amount[(instalment.open_minor, invoice.currency)].append(invoice)

    def _load_open(self, contractors: Iterable[int]) -> None:
        todo = [c for c in contractors if c not in self.open_by_contractor]
        for contractor_id in todo:
            self.open_by_contractor[contractor_id] = []
        for chunk in _chunks(todo):
            invoice_ids = select(Instalment.invoice_id).where(Instalment.open_minor > 0)
            for invoice in self._invoices(
                Invoice.contractor_id.in_(chunk) & Invoice.id.in_(invoice_ids)
            ):
                self.open_by_contractor[invoice.contractor_id].append(invoice)

    def remember_account(self, account: str | None, contractor_id: int, on: dt.date) -> None:
        """A payment just matched: its account now points to its contractor for the rest."""
        if account:
            seen = self.accounts[account]
            seen[contractor_id] = max(on, seen.get(contractor_id, on))
            self._load_open([contractor_id])

    def candidates(self, payment: Payment) -> Candidates:
        """The candidates for one payment, as the book stands now."""
        by_key = {
            found_key: [open_invoice(inv) for inv in self.by_key.get(found_key, ())]
            for found in numbers_in(payment.title)
            for found_key in found.keys
        }
        names = (
            {search_key(payment.payer_name): self.names.get(search_key(payment.payer_name), [])}
            if payment.payer_name
            else {}
        )
        accounts = (
            {
                payment.payer_account: [
                    AccountSeen(c, on)
                    for c, on in self.accounts.get(payment.payer_account, {}).items()
                ]
            }
            if payment.payer_account
            else {}
        )
        contractors = {c for ids in names.values() for c in ids}
        contractors |= {s.contractor_id for seen in accounts.values() for s in seen}
        nips = {nip: self.nips[nip] for nip in nips_in(payment.title) if nip in self.nips}
        contractors |= set(nips.values())
        return Candidates(
            invoices=by_key,
            nips=nips,
            accounts=accounts,
            names=names,
            open_by_contractor={
                c: [
                    o
                    for o in (open_invoice(inv) for inv in self.open_by_contractor.get(c, ()))
                    if o.items
                ]
                for c in contractors
            },
            same_amount=[
                o
                for o in (
                    open_invoice(inv)
                    for inv in self.by_amount.get((payment.amount_minor, payment.currency), ())
                )
                if o.items
            ],
        )
