"""What the book knows that may concern a batch of payments, read in a few queries as plain rows.

Matching ten thousand lines against half a million invoices must not build ORM objects for
each: the book keeps plain rows, and what a match takes off an instalment is taken off here at
once, so the next payment of the batch sees what is still open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from db.models import Contractor, Instalment, Invoice, Payment
from desktop_app.domain.allocation import OpenItem, Share
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


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    id: int
    number: str
    contractor_id: int
    currency: str
    issued: dt.date
    key: str | None


@dataclass(slots=True)
class InstalmentRow:
    id: int
    invoice_id: int
    due_date: dt.date
    open_minor: int


class Book:
    """The invoices, contractors and accounts a batch of payments may concern."""

    def __init__(
        self, session: Session, payments: Sequence[IncomingPayment], *, amounts: bool
    ) -> None:
        self.session = session
        self.invoices: dict[int, InvoiceRow] = {}
        self.instalments: dict[int, InstalmentRow] = {}
        self.instalments_of: dict[int, list[int]] = defaultdict(list)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.nips: dict[str, int] = {}
        self.names: dict[str, list[int]] = defaultdict(list)
        self.accounts: dict[str, dict[int, dt.date]] = defaultdict(dict)
        self.open_by_contractor: dict[int, list[int]] = {}
        self.by_amount: dict[tuple[int, str], list[int]] = defaultdict(list)
        self._load(payments, amounts=amounts)

    # --- loading ----------------------------------------------------------------------------

    def _invoices(self, where: ColumnElement[bool]) -> list[InvoiceRow]:
        rows = [
            InvoiceRow(r.id, r.number, r.contractor_id, r.currency, r.issue_date, r.number_key)
            for r in self.session.execute(
                select(
                    Invoice.id,
                    Invoice.number,
                    Invoice.contractor_id,
                    Invoice.currency,
                    Invoice.issue_date,
                    Invoice.number_key,
                ).where(where)
            )
        ]
        new = [r.id for r in rows if r.id not in self.invoices]
        for row in rows:
            self.invoices.setdefault(row.id, row)
        for chunk in _chunks(new):
            for i in self.session.execute(
                select(
                    Instalment.id, Instalment.invoice_id, Instalment.due_date, Instalment.open_minor
                )
                .where(Instalment.invoice_id.in_(chunk))
                .order_by(Instalment.invoice_id, Instalment.seq)
            ):
                self.instalments[i.id] = InstalmentRow(i.id, i.invoice_id, i.due_date, i.open_minor)
                self.instalments_of[i.invoice_id].append(i.id)
        return rows

    def _load(self, payments: Sequence[IncomingPayment], *, amounts: bool) -> None:
        keys = {k for p in payments for found in numbers_in(p.title) for k in found.keys}
        for chunk in _chunks(keys):
            for row in self._invoices(Invoice.number_key.in_(chunk)):
                if row.key is not None:
                    self.by_key[row.key].append(row.id)
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
                hits = self.session.execute(
                    select(Instalment.open_minor, Invoice.currency, Invoice.id)
                    .join(Invoice)
                    .where(Instalment.open_minor > 0, Instalment.open_minor.in_(chunk))
                ).all()
                found = [h for h in hits if (h.open_minor, h.currency) in wanted]
                for ids in _chunks({h.id for h in found}):
                    self._invoices(Invoice.id.in_(ids))
                for h in found:
                    self.by_amount[(h.open_minor, h.currency)].append(h.id)

    def _load_open(self, contractors: Iterable[int]) -> None:
        todo = [c for c in contractors if c not in self.open_by_contractor]
        for contractor_id in todo:
            self.open_by_contractor[contractor_id] = []
        for chunk in _chunks(todo):
            # EXISTS per invoice uses the instalment index; IN (all open instalments) would not
            owing = exists().where(Instalment.invoice_id == Invoice.id, Instalment.open_minor > 0)
            for row in self._invoices(Invoice.contractor_id.in_(chunk) & owing):
                self.open_by_contractor[row.contractor_id].append(row.id)

    # --- the book as it stands now --------------------------------------------------------------

    def open_invoice(self, invoice_id: int) -> OpenInvoice:
        row = self.invoices[invoice_id]
        items = []
        for instalment_id in self.instalments_of.get(invoice_id, ()):
            i = self.instalments[instalment_id]
            if i.open_minor > 0:
                items.append(OpenItem(i.id, i.open_minor, i.due_date, row.issued))
        return OpenInvoice(row.id, row.number, row.contractor_id, row.currency, tuple(items))

    def take(self, shares: Iterable[Share]) -> None:
        """What a match set against instalments is no longer open for the rest of the batch."""
        for share in shares:
            self.instalments[share.key].open_minor -= share.amount_minor

    def remember_account(self, account: str | None, contractor_id: int, on: dt.date) -> None:
        """A payment just matched: its account now points to its contractor for the rest."""
        if account:
            seen = self.accounts[account]
            seen[contractor_id] = max(on, seen.get(contractor_id, on))
            self._load_open([contractor_id])

    def _open(self, invoice_ids: Iterable[int]) -> list[OpenInvoice]:
        return [o for o in (self.open_invoice(i) for i in invoice_ids) if o.items]

    def candidates(self, payment: IncomingPayment) -> Candidates:
        """The candidates for one payment, as the book stands now."""
        by_key = {
            key: [self.open_invoice(i) for i in self.by_key.get(key, ())]
            for found in numbers_in(payment.title)
            for key in found.keys
        }
        name = search_key(payment.payer_name) if payment.payer_name else None
        names = {name: self.names.get(name, [])} if name else {}
        account = payment.payer_account
        accounts = (
            {account: [AccountSeen(c, on) for c, on in self.accounts.get(account, {}).items()]}
            if account
            else {}
        )
        nips = {nip: self.nips[nip] for nip in nips_in(payment.title) if nip in self.nips}
        contractors = {c for ids in names.values() for c in ids} | set(nips.values())
        contractors |= {s.contractor_id for seen in accounts.values() for s in seen}
        return Candidates(
            invoices=by_key,
            nips=nips,
            accounts=accounts,
            names=names,
            open_by_contractor={
                c: self._open(self.open_by_contractor.get(c, ())) for c in contractors
            },
            same_amount=self._open(
                self.by_amount.get((payment.amount_minor, payment.currency), ())
            ),
        )
