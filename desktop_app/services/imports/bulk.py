"""New records of many files written together: the fast twin of :func:`upsert.upsert`.

A folder of e-invoices is mostly invoices seen for the first time, from buyers already on file
or new. For those the one-by-one upsert spends its time on queries and small flushes; here a
batch of files is checked first (the same checks, from the services' own ``check_*``), the
contractors it names are read in one query, and the new rows are made of the services' own
column values (``invoices.invoice_rows``, ``payments.payment_row``) and written by Core
executemany inserts, payments allocated by the ledger's rule (``ledger.allocate_new``,
``ledger.record_new``).

A file takes this path only when all of it is new and simple: invoices (not corrections) whose
numbers are not on file, buyers new (or made by an earlier file of the batch) or on file exactly
as the file states them and holding no credit, payments the file states for its own invoices
that do not exceed them. Anything else, and any file touching a contractor or number such a file
touched, goes through ``upsert`` after the batch, in the files' order, so both paths give the
same rows (a property test compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, bindparam, insert, select
from sqlalchemy.orm import Session, aliased

from db.models import Contractor as ContractorRow
from db.models import ContractorEmail, ContractorPhone, Instalment, Invoice, Payment
from desktop_app.changes import Change
from desktop_app.domain import allocation as rules
from desktop_app.errors import InkasoError
from desktop_app.importers.records import ContractorRecord, InvoiceRecord, ParsedFile
from desktop_app.services import activity, column_limits, contractors, invoices, ledger, payments
from desktop_app.services.bank import number_index
from desktop_app.services.imports import keys
from desktop_app.services.imports.edits import remember_new
from desktop_app.services.imports.report import Counts

#: a contractor on file (plain values) or one this batch creates (an ORM object, not yet written)
_Row = ContractorRow | keys.KnownContractor


@dataclass
class _Buyer:
    row: _Row
    created_here: bool
    new_input: contractors.ContractorInput | None = None
    norm: contractors.NormalizedContractor | None = None


@dataclass
class _Planned:
    """One file's new rows, before they are written."""

    parsed: ParsedFile
    #: per invoice: (its buyer, its checked input, the payment inputs the file states for it)
    invoices: list[tuple[_Buyer, invoices.InvoiceInput, invoices.CheckedInvoice, list[Any]]] = (
        field(default_factory=list)
    )
    counts: Counts = field(default_factory=Counts)


class _NotSimple(Exception):  # noqa: N818 - a signal between two functions, never raised out
    """The file needs the one-by-one upsert."""


@dataclass
class Batch:
    """Plans a batch of files; :meth:`write` writes the simple ones and returns the others."""

    session: Session
    actor: str | None
    planned: list[_Planned] = field(default_factory=list)
    others: list[ParsedFile] = field(default_factory=list)
    _rows: list[_Row] = field(default_factory=list)
    _numbers: set[str] = field(default_factory=set)
    #: the invoices on file the batch names, by number, and the payments its files state
    _invoices: dict[str, keys.KnownInvoice] = field(default_factory=dict)
    _stated: dict[tuple[str, str], keys.KnownPayment] = field(default_factory=dict)
    _refs: set[tuple[str, str]] = field(default_factory=set)
    _credit: set[tuple[int, str]] = field(default_factory=set)
    _tainted_numbers: set[str] = field(default_factory=set)
    _tainted_keys: set[tuple[str, str]] = field(default_factory=set)
    _keys: dict[int, keys.BuyerKeys | None] = field(default_factory=dict)
    _index: dict[tuple[str, str], list[_Row]] = field(default_factory=dict)

    def plan(self, files: Sequence[ParsedFile]) -> None:
        self._load(files)
        for parsed in files:
            try:
                self.planned.append(self._plan(parsed))
                continue
            except _NotSimple:
                pass
            try:
                self.planned.append(self._unchanged(parsed))
            except _NotSimple:
                self.others.append(parsed)
                self._taint(parsed)

    # --- what is on file ------------------------------------------------------------------------

    def _load(self, files: Sequence[ParsedFile]) -> None:
        found: list[keys.BuyerKeys] = []
        numbers: set[str] = set()
        refs: set[str] = set()
        for parsed in files:
            for invoice in parsed.invoices:
                numbers.add(invoice.number.strip())
                for paid in invoice.paid:
                    if paid.source_ref:
                        refs.add(paid.source_ref.strip())
                key = self._keys_of(invoice.buyer)
                if key is not None:
                    found.append(key)
        s = self.session
        if found:
            self._rows = list(_known_contractors(s.connection(), found))
        if numbers:
            self._invoices = _known_invoices(s.connection(), numbers)
            self._numbers = set(self._invoices)
        if refs:
            for source, ref, date, amount, currency in s.execute(
                select(
                    Payment.source,
                    Payment.source_ref,
                    Payment.date,
                    Payment.amount_minor,
                    Payment.currency,
                ).where(Payment.source_ref.in_(refs))
            ):
                if ref is not None:
                    self._refs.add((source, ref))
                    self._stated[(source, ref)] = keys.KnownPayment(date, amount, currency)
        for row in self._rows:
            self._add_to_index(row)
        ids = [r.id for r in self._rows]
        if ids:
            self._credit = {
                (cid, currency)
                for cid, currency in s.execute(
                    select(Payment.contractor_id, Payment.currency).where(
                        Payment.contractor_id.in_(ids), Payment.unallocated_minor > 0
                    )
                )
                if cid is not None
            }

    def _keys_of(self, record: ContractorRecord) -> keys.BuyerKeys | None:
        if id(record) not in self._keys:
            try:
                self._keys[id(record)] = keys.buyer_keys(record)
            except InkasoError:
                self._keys[id(record)] = None
        return self._keys[id(record)]

    def _add_to_index(self, row: _Row) -> None:
        for kind, value in (
            ("nip", row.nip),
            ("tax_id", row.tax_id),
            ("external_id", row.external_id),
            ("name", row.name),
        ):
            if value:
                self._index.setdefault((kind, value), []).append(row)

    def _pick(self, key: keys.BuyerKeys) -> _Row | None:
        """keys.pick over the rows that share a key with ``key``, not the whole batch: a row
        found by a key wins over any found by name, so names are read only when none is."""
        near: dict[int, _Row] = {}
        for kind, value in (
            ("nip", key.nip),
            ("tax_id", key.tax_id),
            ("external_id", key.external_id),
        ):
            if value:
                near.update((id(r), r) for r in self._index.get((kind, value), ()))
        if near:
            return keys.pick(near.values(), key)
        return keys.pick(self._index.get(("name", key.name), ()), key)

    def _taint(self, parsed: ParsedFile) -> None:
        """What a file left to the one-by-one path touches is not written ahead of it: its
        numbers, and any contractor one of its buyers' keys could name (on file or not yet)."""
        for invoice in parsed.invoices:
            self._tainted_numbers.add(invoice.number.strip())
            if invoice.corrects:
                self._tainted_numbers.add(invoice.corrects.strip())
            self._tainted_keys.update(_key_values(self._keys_of(invoice.buyer), invoice.buyer))
        for paid in parsed.payments:
            if paid.buyer is not None:
                self._tainted_keys.update(_key_values(self._keys_of(paid.buyer), paid.buyer))

    # --- one file ---------------------------------------------------------------------------

    def _plan(self, parsed: ParsedFile) -> _Planned:
        if parsed.payments or parsed.bank_lines or not parsed.invoices:
            raise _NotSimple
        buyers = {id(i.buyer) for i in parsed.invoices}
        if any(id(c) not in buyers for c in parsed.contractors):
            raise _NotSimple
        plan = _Planned(parsed)
        seen: dict[int, _Buyer] = {}
        numbers: set[str] = set()
        for record in parsed.invoices:
            number = record.number.strip()
            if (
                record.kind != "invoice"
                or number in self._numbers
                or number in numbers
                or number in self._tainted_numbers
            ):
                raise _NotSimple
            numbers.add(number)
            buyer = seen.get(id(record.buyer)) or self._buyer(record.buyer)
            seen[id(record.buyer)] = buyer
            if (buyer.row.id, record.currency) in self._credit:
                raise _NotSimple
            data = keys.invoice_input(record, buyer.row.id or 0, buyer.row.default_terms_days)
            try:
                checked = invoices.check_invoice(data)
                paid = self._new_payments(record, checked, buyer)
            except InkasoError:
                raise _NotSimple from None  # the one-by-one path says what is wrong, and where
            plan.invoices.append((buyer, data, checked, paid))
        # accepted: what it creates is on file for the next files of the batch
        for buyer in seen.values():
            if buyer.created_here:
                self._rows.append(buyer.row)
                self._add_to_index(buyer.row)
                plan.counts.created += 1
                plan.counts.changes |= Change.CONTRACTORS
        for _buyer, _data, checked, paid in plan.invoices:
            self._numbers.add(checked.number)
            plan.counts.created += 1 + len(paid)
            plan.counts.invoices += 1
            plan.counts.changes |= Change.INVOICES | (Change.PAYMENTS if paid else Change.NONE)
            for data, _checked in paid:
                self._refs.add((data.source, _checked.source_ref))
        return plan

    def _unchanged(self, parsed: ParsedFile) -> _Planned:
        """A file whose every record is on file as it says (a folder read again)."""
        if parsed.payments or parsed.bank_lines:
            raise _NotSimple
        plan = _Planned(parsed)
        buyers = {id(i.buyer) for i in parsed.invoices}
        for record in parsed.contractors:
            if id(record) not in buyers:
                self._known(record)
                plan.counts.unchanged += 1
        for invoice in parsed.invoices:
            number = invoice.number.strip()
            existing = self._invoices.get(number)
            if existing is None or number in self._tainted_numbers:
                raise _NotSimple
            buyer = self._known(invoice.buyer)
            if existing.contractor_id != buyer.id or existing.currency != invoice.currency:
                raise _NotSimple
            if invoice.kind == "correction" or existing.kind == "correction":
                if not keys.same_correction(existing, invoice):
                    raise _NotSimple
            else:
                current, wanted, dates_same = keys.restated(
                    existing, invoice, buyer.default_terms_days
                )
                if wanted != current or not dates_same:
                    raise _NotSimple
            plan.counts.unchanged += 1
            plan.counts.invoices += 1
            for paid in invoice.paid:
                ref = payments.normalize_reference(paid.source_ref)
                stated = self._stated.get((invoice.source, ref)) if ref else None
                if stated is None or not keys.same_payment(stated, paid):
                    raise _NotSimple
                plan.counts.unchanged += 1
        return plan

    def _known(self, record: ContractorRecord) -> _Row:
        """The contractor on file exactly as the record states it."""
        found = self._keys_of(record)
        if found is None or self._tainted_keys & set(_key_values(found, record)):
            raise _NotSimple
        row = self._pick(found)
        if row is None or row.id is None or keys.changes(row, record, found):
            raise _NotSimple
        return row

    def _buyer(self, record: ContractorRecord) -> _Buyer:
        found = self._keys_of(record)
        if found is None or self._tainted_keys & set(_key_values(found, record)):
            raise _NotSimple
        row = self._pick(found)
        if row is not None:
            # a row without an id is a buyer an earlier file of this batch creates: named again
            # exactly so, it is that file's contractor, as the one-by-one path would find it
            if keys.changes(row, record, found):
                raise _NotSimple
            return _Buyer(row, created_here=False)
        data = keys.new_contractor(record, found)
        try:
            norm = contractors.validate(data)
        except InkasoError:
            raise _NotSimple from None
        return _Buyer(
            remember_new(contractors.build_contractor(data, norm), record, found), True, data, norm
        )

    def _new_payments(
        self, record: InvoiceRecord, checked: invoices.CheckedInvoice, buyer: _Buyer
    ) -> list[Any]:
        found: list[tuple[payments.PaymentInput, payments.CheckedPayment]] = []
        total = 0
        for paid in record.paid:
            data = payments.PaymentInput(
                contractor=0,
                date=paid.date,
                amount_minor=paid.amount_minor,
                currency=paid.currency,
                title=paid.title,
                invoice_number=paid.invoice_number,
                payer_name=buyer.row.name,
                source=record.source,
                source_ref=paid.source_ref,
            )
            ok = payments.check_payment(data)
            if (
                ok.source_ref is None
                or (record.source, ok.source_ref) in self._refs
                or any(ok.source_ref == c.source_ref for _d, c in found)
                or (paid.invoice_number or "").strip() != checked.number
                or ok.currency != checked.currency
            ):
                raise _NotSimple
            total += paid.amount_minor
            found.append((data, ok))
        if total > checked.gross_minor:
            raise _NotSimple  # an overpayment becomes credit: the one-by-one path handles it
        return found

    # --- writing --------------------------------------------------------------------------------

    def write(self) -> list[tuple[ParsedFile, Counts]]:
        """Write the planned files (the caller holds a savepoint around it).

        New contractors are few (a folder names the same buyers again and again) and go through
        the ORM with their e-mails and phones; invoices, instalments, payments, allocations and
        activity entries are Core inserts of the services' own column values, thousands per
        statement, each value checked against its column as a flush checks it."""
        s = self.session
        new_rows = [b.row for p in self.planned for b, *_ in p.invoices if b.created_here]
        s.add_all(dict.fromkeys(new_rows))  # a buyer of several invoices is added once
        s.flush()
        conn = s.connection()
        made = [item for plan in self.planned for item in plan.invoices]
        invoice_rows: list[dict[str, Any]] = []
        parts_of: list[list[dict[str, Any]]] = []
        for buyer, data, checked, _paid in made:
            values, parts = invoices.invoice_rows(buyer.row.id, data, checked)
            values["number_key"] = number_index.key_of(checked.number)
            column_limits.check_row(_INVOICE, values)
            invoice_rows.append(values)
            parts_of.append(parts)
        if invoice_rows:
            conn.execute(insert(_INVOICE), invoice_rows)
        by_number = _ids(conn, (_INVOICE.c.number,), [(r["number"],) for r in invoice_rows])
        invoice_ids = [by_number[(r["number"],)] for r in invoice_rows]
        instalment_rows = []
        for invoice_id, parts in zip(invoice_ids, parts_of, strict=True):
            for part in parts:
                column_limits.check_row(_INSTALMENT, part)
                instalment_rows.append({**part, "invoice_id": invoice_id})
        if instalment_rows:
            conn.execute(insert(_INSTALMENT), instalment_rows)
        # the instalments' ids only where a stated payment is allocated to them
        paid_parts = [
            (invoice_id, p["seq"])
            for invoice_id, parts, item in zip(invoice_ids, parts_of, made, strict=True)
            if item[3]
            for p in parts
        ]
        by_seq = _ids(conn, (_INSTALMENT.c.invoice_id, _INSTALMENT.c.seq), paid_parts)
        payment_rows: list[dict[str, Any]] = []
        owing: list[list[rules.OpenItem]] = []
        for (buyer, data, _checked, paid), parts, invoice_id in zip(
            made, parts_of, invoice_ids, strict=True
        ):
            owing.append(
                [
                    rules.OpenItem(
                        by_seq[(invoice_id, p["seq"])],
                        p["open_minor"],
                        p["due_date"],
                        data.issue_date,
                    )
                    for p in parts
                ]
                if paid
                else []
            )
            for pdata, pchecked in paid:
                values = payments.payment_row(buyer.row.id, pdata, pchecked)
                column_limits.check_row(_PAYMENT, values)
                payment_rows.append(values)
        if payment_rows:
            conn.execute(insert(_PAYMENT), payment_rows)
        by_ref = _ids(
            conn,
            (_PAYMENT.c.source, _PAYMENT.c.source_ref),
            [(r["source"], r["source_ref"]) for r in payment_rows],
            by=1,
        )
        payment_ids = iter([by_ref[(r["source"], r["source_ref"])] for r in payment_rows])
        # each invoice's stated payments against its own instalments, as allocate_payment sets
        # them; what a payment keeps unallocated goes into its activity entry
        allocations: list[ledger.NewAllocation] = []
        new_payments: list[ledger.NewPayment] = []
        stated: list[list[tuple[dict[str, Any], int]]] = []
        rows = iter(payment_rows)
        for (_buyer, _data, _checked, paid), items in zip(made, owing, strict=True):
            mine = [(next(rows), next(payment_ids)) for _ in paid]
            fresh = [ledger.NewPayment(pid, row["amount_minor"], row["date"]) for row, pid in mine]
            shares = ledger.allocate_new(fresh, [i for i in items if i.open_minor > 0])
            allocations.extend(shares)
            new_payments.extend(fresh)
            stated.append(
                [
                    (
                        row,
                        row["amount_minor"]
                        - sum(a.amount_minor for a in shares if a.payment_id == pid),
                    )
                    for row, pid in mine
                ]
            )
        # the activity entries in the order the one-by-one path writes them: per file, a new
        # buyer, its invoices, then the payments the file states
        entries: list[dict[str, Any]] = []
        announced: set[int] = set()
        position = 0
        for plan in self.planned:
            received: list[dict[str, Any]] = []
            for buyer, _data, checked, _paid in plan.invoices:
                invoice_id = invoice_ids[position]
                if buyer.created_here and id(buyer.row) not in announced:
                    announced.add(id(buyer.row))
                    assert isinstance(buyer.row, ContractorRow)  # made here by _buyer
                    entries.append(contractors.contractor_created(buyer.row, self.actor))
                entries.append(
                    invoices.recorded_entry(
                        contractor_id=buyer.row.id,
                        invoice_id=invoice_id,
                        number=checked.number,
                        gross_minor=checked.gross_minor,
                        currency=checked.currency,
                        corrected=None,
                        actor=self.actor,
                    )
                )
                received.extend(
                    payments.received_entry(
                        contractor_id=buyer.row.id,
                        amount_minor=row["amount_minor"],
                        currency=row["currency"],
                        date=row["date"],
                        unallocated_minor=left,
                        invoice_id=invoice_id,
                        actor=self.actor,
                    )
                    for row, left in stated[position]
                )
                position += 1
            entries.extend(received)
        # last: it expires the session's objects, the contractors made above among them
        ledger.record_new(s, allocations, [i for items in owing for i in items], new_payments)
        activity.record_many(s, entries)
        return [(p.parsed, p.counts) for p in self.planned]


_INVOICE = cast(Table, Invoice.__table__)
_INSTALMENT = cast(Table, Instalment.__table__)
_PAYMENT = cast(Table, Payment.__table__)


def _ids(
    conn: Connection,
    columns: tuple[ColumnElement[Any], ...],
    keys: list[tuple[Any, ...]],
    *,
    by: int = 0,
) -> dict[tuple[Any, ...], int]:
    """The ids of rows just inserted, by their natural key (unique): a plain executemany is the
    fastest insert on every database, and RETURNING with many rows is not (SQLite sends them one
    by one when their order must be kept). Rows are looked up by the key's part ``by``."""
    table = columns[0].table
    found: dict[tuple[Any, ...], int] = {}
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(table.c.id, *columns).where(columns[by].in_({k[by] for k in chunk}))
        for row in conn.execute(query):
            key = tuple(row[1:])
            found[key] = row[0]
    return found


_CORRECTED = aliased(_INVOICE)
#: built once: a statement made anew for every batch costs more than it reads
_KNOWN_INVOICES = (
    select(
        _INVOICE.c.number,
        _INVOICE.c.contractor_id,
        _INVOICE.c.currency,
        _INVOICE.c.kind,
        _INVOICE.c.gross_minor,
        _INVOICE.c.issue_date,
        _INVOICE.c.sale_date,
        _CORRECTED.c.number,
        _INSTALMENT.c.due_date,
        _INSTALMENT.c.amount_minor,
    )
    .select_from(_INVOICE)
    .outerjoin(_CORRECTED, _CORRECTED.c.id == _INVOICE.c.corrected_invoice_id)
    .outerjoin(_INSTALMENT, _INSTALMENT.c.invoice_id == _INVOICE.c.id)
    .where(_INVOICE.c.number.in_(bindparam("numbers", expanding=True)))
)


def _known_contractors(conn: Connection, found: list[keys.BuyerKeys]) -> list[keys.KnownContractor]:
    """The contractors on file the keys could name, with their e-mails and phones."""
    c = ContractorRow
    rows = {
        r.id: keys.KnownContractor(*r)
        for r in conn.execute(
            select(
                c.id,
                c.name,
                c.nip,
                c.tax_id,
                c.external_id,
                c.street,
                c.postal_code,
                c.city,
                c.country,
                c.default_terms_days,
                c.imported,
            ).where(keys.naming(found))
        )
    }
    ids = list(rows)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for owner, email in conn.execute(
            select(ContractorEmail.contractor_id, ContractorEmail.email)
            .where(ContractorEmail.contractor_id.in_(chunk))
            .order_by(ContractorEmail.contractor_id, ContractorEmail.position, ContractorEmail.id)
        ):
            rows[owner].emails.append(email)
        for owner, phone in conn.execute(
            select(ContractorPhone.contractor_id, ContractorPhone.phone)
            .where(ContractorPhone.contractor_id.in_(chunk))
            .order_by(ContractorPhone.contractor_id, ContractorPhone.position, ContractorPhone.id)
        ):
            rows[owner].phones.append(phone)
    return list(rows.values())


def _known_invoices(conn: Connection, numbers: set[str]) -> dict[str, keys.KnownInvoice]:
    """The invoices on file with these numbers, with their instalments: one query per 500."""
    rows: dict[str, list[Any]] = {}
    wanted = sorted(numbers)
    for start in range(0, len(wanted), 500):
        for row in conn.execute(_KNOWN_INVOICES, {"numbers": wanted[start : start + 500]}):
            rows.setdefault(row[0], []).append(row)
    return {
        number: keys.KnownInvoice(
            contractor_id=first[1],
            currency=first[2],
            kind=first[3],
            gross_minor=first[4],
            issue_date=first[5],
            sale_date=first[6],
            corrects=first[7],
            instalments=tuple((r[8], r[9]) for r in found if r[8] is not None),
        )
        for number, found in rows.items()
        for first in found[:1]
    }


def _key_values(found: keys.BuyerKeys | None, record: ContractorRecord) -> list[tuple[str, str]]:
    if found is None:  # a NIP that fails its check: the raw values, to be safe
        return [("name", record.name.strip()), ("nip", (record.nip or "").strip())]
    return [
        (kind, value)
        for kind, value in (
            ("nip", found.nip),
            ("tax_id", found.tax_id),
            ("external_id", found.external_id),
            ("name", found.name),
        )
        if value
    ]
