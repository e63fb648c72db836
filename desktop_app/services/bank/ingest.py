"""Bank statement lines into payments, matched where the book says whom they pay.

A line is one payment, known by its natural key (our account, date, amount, currency and the
bank's reference, or a hash of the line when the bank gives none), so the same statement imported
twice, or two overlapping statements, record each transfer once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from db.models import Payment, utcnow
from db.uow import Database
from desktop_app.domain.money import check_amount, normalize_currency
from desktop_app.domain.payment_matching import IncomingPayment, Match, decide
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers.formats import Format, ParseOptions, all_formats
from desktop_app.importers.records import BankLine, ImportFileError, Skipped, Where
from desktop_app.services import activity, ledger
from desktop_app.services.bank import number_index
from desktop_app.services.bank.candidates import Book
from desktop_app.services.bank.matching import match_entry
from desktop_app.services.payments import normalize_reference

#: Payment.source of every bank line
SOURCE = "bank"
#: Payment.source_ref's column width
_REF_WIDTH = 200


@dataclass(frozen=True)
class BankImportCounts:
    created: int = 0
    #: lines recorded before (the same line of an earlier import)
    unchanged: int = 0
    #: new payments matched automatically
    matched: int = 0
    #: new payments left for a person (nothing matched, or several candidates)
    left_for_person: int = 0


def natural_key(line: BankLine, occurrence: int = 1) -> str:
    """The line's key: the bank's reference when it gives one, else a hash of what the line
    says (``occurrence`` tells apart identical lines of one statement: two equal transfers)."""
    base = f"{line.account}|{line.date.isoformat()}|{line.amount_minor}|{line.currency}"
    reference = normalize_reference(line.reference)
    if reference is None:
        digest = hashlib.sha256(
            "\x1f".join(
                (base, line.payer_name or "", line.payer_account or "", line.title or "")
            ).encode()
        ).hexdigest()[:32]
        reference = f"#{digest}" + (f"/{occurrence}" if occurrence > 1 else "")
    key = f"{base}|{reference}"
    if len(key) > _REF_WIDTH:
        key = f"{base}|#{hashlib.sha256(reference.encode()).hexdigest()[:32]}"
    return key


def _keys(lines: Iterable[BankLine]) -> list[tuple[str, BankLine]]:
    seen: Counter[str] = Counter()
    out = []
    for line in lines:
        first = natural_key(line)
        seen[first] += 1
        out.append((natural_key(line, seen[first]) if seen[first] > 1 else first, line))
    return out


def record_bank_lines(
    session: Session,
    lines: Iterable[BankLine],
    *,
    today: dt.date,
    actor: str | None = None,
) -> BankImportCounts:
    """Record the lines not recorded before as payments and match each the book can; the caller
    owns the transaction (all lines or none). ``today`` is when the import happens (a line dated
    later is still recorded: banks book on the next business day)."""
    del today  # the rules take the line's own date; kept for the front ends' one signature
    keyed = _keys(lines)
    for _key, line in keyed:
        # parsers drop debits; a line of nothing or less is a parser's mistake, named here
        if line.amount_minor <= 0:
            raise ImportFileError(
                _("A bank line must be a credit of more than zero"), line.where, field="amount"
            )
        check_amount(line.amount_minor, normalize_currency(line.currency))
    existing: set[str] = set()
    keys = [k for k, _l in keyed]
    for start in range(0, len(keys), 500):
        existing.update(
            session.scalars(
                select(Payment.source_ref).where(
                    Payment.source == SOURCE, Payment.source_ref.in_(keys[start : start + 500])
                )
            )
        )
    fresh: list[tuple[str, IncomingPayment]] = []
    for key, line in keyed:
        if key in existing:
            continue
        existing.add(key)
        fresh.append(
            (
                key,
                IncomingPayment(
                    amount_minor=line.amount_minor,
                    currency=normalize_currency(line.currency),
                    date=line.date,
                    title=line.title or None,
                    payer_name=_cut(line.payer_name, 300),
                    payer_account=_cut(line.payer_account, 40),
                ),
            )
        )
    new: list[tuple[int, IncomingPayment]] = []
    if fresh:
        # Core, thousands at a time: a statement is written in one statement, not an object each
        table = cast(Table, Payment.__table__)
        session.flush()
        result = session.connection().execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [
                {
                    "contractor_id": None,
                    "date": p.date,
                    "amount_minor": p.amount_minor,
                    "currency": p.currency,
                    "payer_name": p.payer_name,
                    "payer_account": p.payer_account,
                    "title": p.title,
                    "source": SOURCE,
                    "source_ref": key,
                    "unallocated_minor": p.amount_minor,
                    "created_at": utcnow(),
                }
                for key, p in fresh
            ],
        )
        new = [(row.id, p) for row, (_key, p) in zip(result, fresh, strict=True)]
    matched = match_payments(session, new, actor=actor)
    return BankImportCounts(
        created=len(new),
        unchanged=len(keyed) - len(new),
        matched=matched,
        left_for_person=len(new) - matched,
    )


def _cut(text: str | None, width: int) -> str | None:
    return text[:width] if text else None


def match_payments(
    session: Session, payments: Sequence[tuple[int, IncomingPayment]], *, actor: str | None
) -> int:
    """Match what the rules can among ``payments`` (id and what it says; none yet matched),
    through the ledger, with each reason in the activity log; returns how many matched."""
    if not payments:
        return 0
    number_index.fill_missing(session)
    book = Book(session, [p for _id, p in payments], amounts=False)
    decided: list[tuple[int, IncomingPayment, Match]] = []
    allocations: list[ledger.NewAllocation] = []
    for payment_id, payment in payments:
        decision = decide(payment, book.candidates(payment))
        if isinstance(decision, Match):
            decided.append((payment_id, payment, decision))
            book.take(decision.shares)
            book.remember_account(payment.payer_account, decision.contractor_id, payment.date)
            allocations += [
                ledger.NewAllocation(payment_id, s.key, s.amount_minor, s.effective_date)
                for s in decision.shares
            ]
    ids = iter(
        ledger.record_many(session, allocations, {p: d.contractor_id for p, _i, d in decided})
    )
    entries = []
    for payment_id, payment, decision in decided:
        made = []
        for share in decision.shares:
            invoice = book.invoices[book.instalments[share.key].invoice_id]
            made.append((next(ids), invoice.id, invoice.number))
        entries.append(
            match_entry(
                payment_id=payment_id,
                contractor_id=decision.contractor_id,
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                date=payment.date,
                allocations=made,
                reasons=decision.reasons,
                manual=False,
                assigned=True,
                actor=actor,
            )
        )
    activity.record_many(session, entries)
    return len(decided)


def match_waiting(session: Session, *, actor: str | None = None) -> int:
    """Try the rules again on every payment still nobody's (an invoice imported after the
    statement that paid it); returns how many matched now. Ambiguous ones stay waiting."""
    waiting = [
        (
            p.id,
            IncomingPayment(
                amount_minor=p.unallocated_minor,
                currency=p.currency,
                date=p.date,
                title=p.title,
                payer_name=p.payer_name,
                payer_account=p.payer_account,
            ),
        )
        for p in session.execute(
            select(
                Payment.id,
                Payment.unallocated_minor,
                Payment.currency,
                Payment.date,
                Payment.title,
                Payment.payer_name,
                Payment.payer_account,
            )
            .where(Payment.contractor_id.is_(None), Payment.unallocated_minor > 0)
            .order_by(Payment.date, Payment.id)
        )
    ]
    return match_payments(session, waiting, actor=actor)


@dataclass(frozen=True)
class StatementImport:
    format: str
    counts: BankImportCounts
    #: what the file holds but is not a payment (reversals, pending credits), with the reason
    skipped: tuple[Skipped, ...]


def bank_format(path: Path, name: str | None = None) -> Format:
    """The statement format named, or the one whose signature the file's start shows."""
    formats = {n: f for n, f in all_formats().items() if f.group == "bank"}
    if name is not None:
        if name not in formats:
            raise ValidationError(
                _("Unknown bank statement format {name}; known: {known}").format(
                    name=name, known=", ".join(sorted(formats))
                ),
                field="format",
            )
        return formats[name]
    try:
        with path.open("rb") as stream:
            head = stream.read(64 * 1024)
    except OSError as exc:
        raise ImportFileError(
            _("The file cannot be read: {error}").format(error=exc), Where(str(path))
        ) from exc
    for fmt in formats.values():
        if fmt.sniff(head):
            return fmt
    raise ImportFileError(
        _("This file is not a bank statement Inkaso reads (MT940, camt.053)"), Where(str(path))
    )


def import_statement(
    db: Database,
    path: Path,
    *,
    today: dt.date,
    actor: str | None = None,
    fmt: str | None = None,
    encoding: str | None = None,
) -> StatementImport:
    """Read a statement file and record it in one unit of work: all of it, or (the file refused)
    nothing."""
    found = bank_format(path, fmt)
    parsed = found.parse(path, ParseOptions(encoding=encoding, today=today))
    with db.write() as session:
        counts = record_bank_lines(session, parsed.bank_lines, today=today, actor=actor)
    return StatementImport(found.name, counts, parsed.skipped)
