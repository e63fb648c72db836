"""Demo data: realistic Polish firms and 24 months of invoices and payments (deterministic).

How the data is made, so that it is both fast to write and exactly what the services would have
recorded:

1. every contractor gets a profile (name, NIP, address...) and a payer persona;
2. its documents (invoices, reducing corrections) get issue dates; numbers follow issue order
   within each month, like an invoicing program's;
3. per contractor, a chronological stream of events (invoice issued, correction issued, payment
   received) runs through :class:`_Ledger`, an in-memory replay of ``services/ledger.py``
   that records what the same ``domain.allocation`` and ``domain.receivables`` functions
   decide, so every allocation, cache column and credit equals what recording the same events
   through ``add_invoice`` / ``add_payment`` in that order would have produced;
4. rows are written with executemany in batches, ids assigned here, in one transaction.

Everything random comes from one ``random.Random(seed)`` and every timestamp is derived from
``spec.today``, so one seed gives the same rows on every run and machine.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Table, func, insert, select
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from db.engine import sqlite_path
from db.models import (
    Activity,
    Allocation,
    ContactPerson,
    Contractor,
    ContractorEmail,
    ContractorPhone,
    DunningLog,
    Firm,
    FirmBankAccount,
    Instalment,
    Invoice,
    OutboxMessage,
    Payment,
    Promise,
    Tag,
    Task,
    User,
    contractor_tag,
)
from db.models import Scenario as ScenarioRow
from db.uow import Database
from desktop_app.domain import allocation as rules
from desktop_app.domain import scenario as scenario_model
from desktop_app.domain.receivables import (
    LATEST,
    Available,
    credit_available,
    open_as_of,
    settled_on,
)
from desktop_app.domain.text import search_key
from desktop_app.errors import ConflictError, ValidationError
from desktop_app.i18n import N_, _
from desktop_app.messaging.context import BankAccount, Party, Person
from desktop_app.services import demo_history as history
from desktop_app.services import demo_letters
from desktop_app.services import demo_words as words

log = logging.getLogger(__name__)

ON_TIME = "on_time"
LATE = "late"
CHRONIC = "chronic"
PARTIAL = "partial"
BIG_DEBTOR = "big_debtor"
DORMANT = "dormant"
#: payer personas; with six or more contractors each one is given to at least one of them
PERSONAS = (BIG_DEBTOR, ON_TIME, LATE, CHRONIC, PARTIAL, DORMANT)
_PERSONA_WEIGHTS = {ON_TIME: 33, LATE: 30, CHRONIC: 12, PARTIAL: 10, DORMANT: 15}

TERMS_DAYS = (7, 14, 21, 30, 45, 60)
SOURCE = "demo"
MAX_CONTRACTORS = 1_000_000
MAX_INVOICES = 10_000_000

_HISTORY_DAYS = 727  # issue dates fall in the 24 months before today (weekends move back)
_DORMANT_GAP = 366
_CORRECTION_RATE = 0.005
_INSTALMENT_RATE = 0.05
_EUR_CONTRACTOR_RATE = 0.10
_EUR_INVOICE_RATE = 0.30
_EUR_PER_PLN = 0.233
_FLUSH_ROWS = 40_000
#: share of payments whose title names no invoice (the ledger applies them oldest first)
_GENERAL_PAYMENT_RATE = {
    ON_TIME: 0.0,
    LATE: 0.1,
    CHRONIC: 0.15,
    PARTIAL: 0.1,
    BIG_DEBTOR: 0.2,
    DORMANT: 0.0,
}


@dataclass(frozen=True)
class DemoSpec:
    """How much to make: ``invoices`` counts every document, corrections included."""

    contractors: int = 200
    invoices: int = 3000
    seed: int = 1
    today: dt.date = dt.date(2026, 11, 22)


@dataclass(frozen=True)
class DemoSummary:
    contractors: int
    invoices: int
    payments: int
    #: contractor ids per payer persona, for tests and for pointing a demo at an example
    personas: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, int]:
        return {
            "contractors": self.contractors,
            "invoices": self.invoices,
            "payments": self.payments,
        }


def generate(db: Database, spec: DemoSpec) -> DemoSummary:
    """Fill an empty database with demo data; a database with contractors, invoices or payments
    is refused (ConflictError) and left untouched."""
    _check_spec(spec)
    started = time.perf_counter()
    with db.write() as session:
        conn = session.connection()
        _check_empty(conn, db)
        generator = _Generator(conn, spec)
        summary = generator.run()
    # letters are built and rendered by the letters service, which reads the committed ledger
    wishes = generator.history.letter_wishes if generator.history is not None else []
    letters = demo_letters.queue_demo_letters(db, wishes, spec.today)
    log.info(
        "demo data: %d contractors, %d invoices, %d payments, %d letters in %.1f s",
        summary.contractors,
        summary.invoices,
        summary.payments,
        len(letters),
        time.perf_counter() - started,
    )
    return summary


def _check_spec(spec: DemoSpec) -> None:
    if not 0 <= spec.contractors <= MAX_CONTRACTORS:
        raise ValidationError(
            _("The number of demo contractors must be between 0 and {max}").format(
                max=MAX_CONTRACTORS
            ),
            field="contractors",
        )
    if not 0 <= spec.invoices <= MAX_INVOICES:
        raise ValidationError(
            _("The number of demo invoices must be between 0 and {max}").format(max=MAX_INVOICES),
            field="invoices",
        )
    if spec.invoices and not spec.contractors:
        raise ValidationError(
            _("Demo invoices need at least one demo contractor"), field="contractors"
        )


def _check_empty(conn: Connection, db: Database) -> None:
    for model in (Contractor, Invoice, Payment):
        if conn.execute(select(model.id).limit(1)).first() is not None:
            path = sqlite_path(db.url)
            target = str(path) if path else db.url.render_as_string(hide_password=True)
            raise ConflictError(
                _(
                    "The database {target} already holds contractors or invoices; demo data "
                    "goes only into an empty database, so choose another file with --db"
                ).format(target=target),
                field="db",
            )


# --- small helpers ---------------------------------------------------------------------------


#: indexed by ``ordinal % 7`` (day 1 of the proleptic calendar was a Monday): days to go
#: back from a Saturday or a Sunday to the Friday before
_BACK_TO_FRIDAY = (2, 0, 0, 0, 0, 0, 1)


def _nrb_sort_code(bank: str, rng: random.Random) -> str:
    """Bank number + branch + the sort code's own check digit (weights 3, 9, 7, 1, 3, 9, 7)."""
    body = bank + f"{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, (3, 9, 7, 1, 3, 9, 7), strict=True))
    return body + str((10 - total % 10) % 10)


def _polish_iban(rng: random.Random) -> tuple[str, str]:
    """(IBAN, bank name) of a well-formed Polish account; the number belongs to nobody."""
    bank, bank_name = rng.choice(words.BANK_CODES)
    bban = _nrb_sort_code(bank, rng) + f"{rng.randrange(10**16):016d}"
    # ISO 13616 check digits ("PL" is 2521), what stdnum.iban.calc_check_digits gives, but
    # without its per-character work, which shows at 20,000 contractors
    check = 98 - int(bban + "252100") % 97
    return f"PL{check:02d}{bban}", bank_name


def _feminine(surname: str) -> str:
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", search_key(text)).strip("-")


class _Dates(dict[int, dt.date]):
    """Day ordinal -> date, made on first use: the generator counts in ordinals, the ledger
    rules take dates, and a few thousand days serve a million events."""

    def __missing__(self, ordinal: int) -> dt.date:
        value = self[ordinal] = dt.date.fromordinal(ordinal)
        return value


class _BoundDays(dict[dt.date, Any]):
    """Date -> the value the driver receives for it, made on first use."""

    def __init__(self, process: Callable[[Any], Any] | None) -> None:
        super().__init__()
        self._process = process

    def __missing__(self, day: dt.date) -> Any:
        bound = self._process(day) if self._process else day
        self[day] = bound
        return bound


class _Values:
    """Bound values for the fast insert path, made by the columns' own SQLAlchemy processors
    (dates as ISO text on SQLite, date objects on PostgreSQL) and cached: the demo uses a few
    thousand distinct days and times for millions of cells."""

    def __init__(self, conn: Connection) -> None:
        dialect = conn.dialect
        inv = Invoice.__table__.c
        act = Activity.__table__.c
        self.days = _BoundDays(inv.issue_date.type.dialect_impl(dialect).bind_processor(dialect))
        self._stamp = inv.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        self._json = act.data.type.dialect_impl(dialect).bind_processor(dialect)
        self._stamps: dict[int, Any] = {}

    def day(self, ordinal: int) -> Any:
        return self.days[dt.date.fromordinal(ordinal)]

    def stamp(self, ordinal: int, minute: int) -> Any:
        key = ordinal * 1440 + minute
        bound = self._stamps.get(key)
        if bound is None:
            value = dt.datetime.combine(
                dt.date.fromordinal(ordinal), dt.time(minute // 60, minute % 60)
            )
            bound = self._stamp(value) if self._stamp else value
            self._stamps[key] = bound
        return bound

    def json(self, value: Any) -> Any:
        return self._json(value) if self._json else value


class _Bulk:
    """Buffered executemany per table, flushed in the order tables were registered (parents
    first), so foreign keys hold at every statement."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        style = conn.dialect.paramstyle
        if style == "qmark":
            self._mark = "?"
        elif style in ("format", "pyformat"):
            self._mark = "%s"
        else:  # pragma: no cover - every dialect Inkaso supports is one of the above
            raise RuntimeError(f"unsupported DB-API parameter style {style}")
        self._sql: dict[str, str] = {}
        self._rows: dict[str, list[tuple[Any, ...]]] = {}
        self.counts: dict[str, int] = {}

    def table(self, table: Table, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        prep = self.conn.dialect.identifier_preparer
        for name in columns:
            if name not in table.c:  # a renamed column must fail here, not as bad data
                raise RuntimeError(f"{table.name} has no column {name}")
        self._sql[table.name] = "INSERT INTO {} ({}) VALUES ({})".format(
            prep.format_table(table),
            ", ".join(prep.quote(name) for name in columns),
            ", ".join(self._mark for _ in columns),
        )
        rows: list[tuple[Any, ...]] = []
        self._rows[table.name] = rows
        self.counts[table.name] = 0
        return rows

    def pending(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    def flush(self) -> None:
        for name, rows in self._rows.items():
            if rows:
                self.conn.exec_driver_sql(self._sql[name], rows)
                self.counts[name] += len(rows)
                rows.clear()


# --- the ledger replay -----------------------------------------------------------------------


class _Inv:
    __slots__ = ("corrects", "currency", "gross", "id", "insts", "issue", "number", "sale")

    def __init__(
        self, id: int, number: str, issue: dt.date, sale: dt.date, currency: str, gross: int
    ) -> None:
        self.id = id
        self.number = number
        self.issue = issue
        self.sale = sale
        self.currency = currency
        self.gross = gross
        self.corrects: _Inv | None = None
        self.insts: list[_Inst] = []


class _Inst:
    __slots__ = ("allocs", "amount", "due", "id", "inv", "open", "seq", "settled")

    def __init__(self, id: int, inv: _Inv, seq: int, due: dt.date, amount: int) -> None:
        self.id = id
        self.inv = inv
        self.seq = seq
        self.due = due
        self.amount = amount
        self.open = amount
        self.settled: dt.date | None = None
        self.allocs: list[_Alloc] = []


class _Pay:
    __slots__ = ("amount", "currency", "date", "id", "title", "unallocated")

    def __init__(self, id: int, date: dt.date, amount: int, currency: str, title: str) -> None:
        self.id = id
        self.date = date
        self.amount = amount
        self.currency = currency
        self.title = title
        self.unallocated = amount


class _Alloc:
    """An allocation row; its field names are the ones ``domain.receivables`` reads."""

    __slots__ = ("amount_minor", "corr", "effective_date", "id", "inst", "pay", "released_on")

    def __init__(
        self,
        id: int,
        inst: _Inst,
        pay: _Pay | None,
        corr: _Inv | None,
        amount: int,
        effective: dt.date,
    ) -> None:
        self.id = id
        self.inst = inst
        self.pay = pay
        self.corr = corr
        self.amount_minor = amount
        self.effective_date = effective
        self.released_on: dt.date | None = None


@dataclass
class _Ids(history.Counters):
    instalment: int = 0
    payment: int = 0
    allocation: int = 0


def _open_items(insts: list[_Inst]) -> list[rules.OpenItem]:
    item = rules.OpenItem
    return [item(i.id, i.open, i.due, i.inv.issue) for i in insts]


class _Ledger:
    """One contractor's ledger in memory: ``services/ledger.py`` over plain objects, recording
    the decisions of the same ``domain.allocation`` and ``domain.receivables`` functions.

    Method names match the service functions they replay.
    """

    def __init__(self, ids: _Ids) -> None:
        self.ids = ids
        self.unsettled: dict[str, list[_Inst]] = {}
        #: payments that may still hold unallocated money (pruned when used)
        self.credits: list[_Pay] = []
        self.allocations: list[_Alloc] = []

    @staticmethod
    def refresh(inst: _Inst) -> None:
        issued = inst.inv.issue
        inst.open = open_as_of(inst.amount, inst.allocs, LATEST, issued=issued)
        # only a settled instalment has a settled day: skip the second pass for the others
        inst.settled = (
            settled_on(inst.amount, inst.allocs, issued=issued) if not inst.open else None
        )

    def open_instalments(self, currency: str) -> list[_Inst]:
        items = [i for i in self.unsettled.get(currency, ()) if i.open > 0]
        self.unsettled[currency] = items
        return items

    def _allocate(
        self, pay: _Pay | None, inst: _Inst, amount: int, eff: dt.date, corr: _Inv | None
    ) -> None:
        self.ids.allocation += 1
        alloc = _Alloc(self.ids.allocation, inst, pay, corr, amount, eff)
        inst.allocs.append(alloc)
        self.allocations.append(alloc)

    def _record(self, pay: _Pay, shares: list[rules.Share], by_id: dict[int, _Inst]) -> None:
        for share in shares:
            inst = by_id[share.key]
            self._allocate(pay, inst, share.amount_minor, share.effective_date, None)
            self.refresh(inst)
            pay.unallocated -= share.amount_minor

    def _available(self, pay: _Pay) -> tuple[Available, ...]:
        # only a payment already partly spent has allocations to look up (credit is rare)
        allocs = (
            [a for a in self.allocations if a.pay is pay] if pay.unallocated < pay.amount else ()
        )
        return credit_available(pay.amount, allocs, received=pay.date)

    def allocate_payment(self, pay: _Pay, targets: list[_Inst]) -> None:
        shares, _left = rules.allocate(self._available(pay), _open_items(targets))
        self._record(pay, shares, {i.id: i for i in targets})

    def apply_credit(self, currency: str) -> None:
        self.credits = list(dict.fromkeys(p for p in self.credits if p.unallocated > 0))
        credits = {p.id: p for p in self.credits if p.currency == currency}
        if not credits:
            return
        targets = self.open_instalments(currency)
        if not targets:
            return
        by_id = {i.id: i for i in targets}
        spent = rules.apply_credit(
            [rules.Credit(p.id, p.date, self._available(p)) for p in credits.values()],
            _open_items(targets),
        )
        for key, shares in spent:
            self._record(credits[key], shares, by_id)

    def add_invoice(self, inv: _Inv) -> None:
        for inst in inv.insts:
            self.refresh(inst)
        self.unsettled.setdefault(inv.currency, []).extend(inv.insts)
        if self.credits:
            self.apply_credit(inv.currency)

    def add_correction(self, corr: _Inv) -> None:
        assert corr.corrects is not None
        self.apply_reducing_correction(corr, corr.corrects)
        if self.credits:
            self.apply_credit(corr.currency)

    def add_payment(self, pay: _Pay, invoice: _Inv | None) -> None:
        if invoice is not None:
            targets = [i for i in invoice.insts if i.open > 0]
        else:
            targets = self.open_instalments(pay.currency)
        self.allocate_payment(pay, targets)
        if pay.unallocated:
            self.credits.append(pay)

    def apply_reducing_correction(self, corr: _Inv, original: _Inv) -> None:
        items = [
            rules.CorrectableItem(
                key=inst.id,
                seq=inst.seq,
                due_date=inst.due,
                amount_minor=inst.amount,
                allocations=tuple(
                    rules.Recorded(
                        a.id, a.amount_minor, a.effective_date, a.released_on, a.pay is not None
                    )
                    for a in inst.allocs
                ),
            )
            for inst in original.insts
        ]
        by_id = {inst.id: inst for inst in original.insts}
        allocs = {a.id: a for inst in original.insts for a in inst.allocs}
        for reduction in rules.reduce_by_correction(-corr.gross, corr.issue, original.issue, items):
            inst = by_id[reduction.key]
            for release in reduction.releases:
                alloc = allocs[release.key]
                pay = alloc.pay
                assert pay is not None
                alloc.released_on = reduction.effective_date
                if release.kept_minor:
                    self._allocate(pay, inst, release.kept_minor, release.kept_from, None)
                pay.unallocated += release.freed_minor
                self.credits.append(pay)
            self._allocate(None, inst, reduction.amount_minor, reduction.effective_date, corr)
            self.refresh(inst)


# --- profiles --------------------------------------------------------------------------------


@dataclass
class _Person:
    name: str
    role: str | None
    email: str | None
    phone: str | None


@dataclass
class _Profile:
    index: int
    persona: str
    guaranteed: bool
    name: str = ""
    nip: str = ""
    regon: str | None = None
    street: str = ""
    postal_code: str = ""
    city: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    persons: list[_Person] = field(default_factory=list)
    terms: int = 14
    language: str = "pl"
    credit_limit: int | None = None
    user: int | None = None
    tags: list[str] = field(default_factory=list)
    notes: str | None = None
    paused_until: int | None = None
    pause_reason: str | None = None
    eur: bool = False
    #: typical gross of one invoice, in grosze
    size: float = 250_000.0
    iban: str = ""
    iban_eur: str = ""
    weight: float = 1.0
    #: documents: (issue ordinal, is correction, index of the corrected document or -1)
    docs: list[tuple[int, bool, int]] = field(default_factory=list)
    first_id: int = 0
    created: int = 0
    created_minute: int = 0


# --- mode of a planned payment: how its amount is found on the day it is made ----------------
_REST = 0  # what is still open on the invoice
_INST = 1  # what is still open on one instalment
_PART = 2  # a fixed part, at most what is open
_OVER = 3  # the open amount plus a little (rounded up, a typo)
_DUP = 4  # the whole gross again: a duplicated transfer


class _Generator:
    def __init__(self, conn: Connection, spec: DemoSpec) -> None:
        self.conn = conn
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.today = spec.today.toordinal()
        self.dates = _Dates()
        self.values = _Values(conn)
        self.bulk = _Bulk(conn)
        self.ids = _Ids()
        self.user_ids: list[int] = []
        self.user_logins: list[str] = []
        self.user_emails: list[str | None] = []
        self.tag_ids: dict[str, int] = {}
        self.numbers: list[str] = []
        self.number_minutes: list[int] = []
        self.payment_count = 0
        self.contractor_base = 0
        self.invoice_base = 0
        self.taken_nips: set[str] = set()
        self.invoices: list[tuple[Any, ...]] = []
        self.instalments: list[tuple[Any, ...]] = []
        self.payments: list[tuple[Any, ...]] = []
        self.allocations: list[tuple[Any, ...]] = []
        self.activities: list[tuple[Any, ...]] = []
        self.scenario_id: int | None = None
        self.history: history.History | None = None
        self.history_rows: history.Rows | None = None
        self.history_setup: Any = None

    # -- orchestration

    def run(self) -> DemoSummary:
        spec = self.spec
        started = time.perf_counter()
        self._firm_and_users()
        profiles = self._profiles(spec.contractors)
        self._start_history()
        self._documents(profiles, spec.invoices)
        self._number_documents(profiles)
        log.debug("demo profiles and documents in %.1f s", time.perf_counter() - started)
        deferred = self._defer_indexes()
        cache = self._grow_cache()
        try:
            self._write_contractors(profiles)
            self._make_history()
            for profile in profiles:
                self._simulate(profile)
                if self.bulk.pending() >= _FLUSH_ROWS:
                    self.bulk.flush()
            self.bulk.flush()
            log.debug("demo rows written in %.1f s", time.perf_counter() - started)
            for sql in deferred:
                self.conn.exec_driver_sql(sql)
        finally:
            if cache is not None:
                self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
        self._reset_sequences()
        personas: dict[str, list[int]] = {p: [] for p in PERSONAS}
        for profile in profiles:
            personas[profile.persona].append(self.contractor_base + profile.index + 1)
        return DemoSummary(
            contractors=spec.contractors,
            invoices=spec.invoices,
            payments=self.payment_count,
            personas={k: tuple(v) for k, v in personas.items()},
        )

    def _defer_indexes(self) -> list[str]:
        """On SQLite, secondary indexes of the bulk tables are dropped and rebuilt after the
        load (in the same transaction): a sorted build is several times faster than
        maintaining them row by row. Their SQL is taken from the file, so they come back
        exactly as the migrations made them."""
        if self.conn.dialect.name != "sqlite":
            return []
        tables = (
            Invoice,
            Instalment,
            Payment,
            Allocation,
            Activity,
            OutboxMessage,
            DunningLog,
            Task,
        )
        names = ", ".join(f"'{m.__tablename__}'" for m in tables)
        found = self.conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names}) ORDER BY name"
        ).all()
        prep = self.conn.dialect.identifier_preparer
        for name, _sql in found:
            self.conn.exec_driver_sql(f"DROP INDEX {prep.quote(name)}")
        return [str(sql) for _name, sql in found]

    def _grow_cache(self) -> int | None:
        if self.conn.dialect.name != "sqlite":
            return None
        previous = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
        self.conn.exec_driver_sql("PRAGMA cache_size = -131072")  # 128 MiB while loading
        return int(previous) if previous is not None else None

    def _reset_sequences(self) -> None:
        """Rows were inserted with explicit ids; PostgreSQL's sequences must continue after them."""
        if self.conn.dialect.name != "postgresql":
            return
        models: Iterable[Any] = (
            Firm,
            FirmBankAccount,
            User,
            Tag,
            Contractor,
            ContractorEmail,
            ContractorPhone,
            ContactPerson,
            Invoice,
            Instalment,
            Payment,
            Allocation,
            Activity,
            OutboxMessage,
            Task,
            Promise,
            DunningLog,
        )
        for model in models:
            name = model.__tablename__
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )

    def _start_history(self) -> None:
        """The firm works its debtors with the escalation scenario (every channel, a manager's
        task, a hand-over); without it (scenarios not set up) the demo has no history."""
        found = self.conn.execute(
            select(ScenarioRow.id, ScenarioRow.definition).where(
                ScenarioRow.name == history.SCENARIO
            )
        ).first()
        if found is None:
            return
        self.scenario_id = int(found[0])
        self.history_setup = found[1]

    def _make_history(self) -> None:
        if self.history_setup is None or self.history_rows is None:
            return
        definition = self.history_setup
        ids = self.ids
        ids.activity = self._next_id(Activity)
        ids.outbox = self._next_id(OutboxMessage)
        ids.task = self._next_id(Task)
        ids.promise = self._next_id(Promise)
        ids.log = self._next_id(DunningLog)
        self.history = history.History(
            scenario_model.from_dict(definition, source=history.SCENARIO),
            history.SCENARIO,
            self.spec.today,
            self.spec.seed,
            self._sender(),
            self.values,
            self.history_rows,
            ids,
        )

    def _sender(self) -> history.Sender:
        """The firm, its accounts and its people as the messages name them."""
        conn = self.conn
        firm = conn.execute(
            select(Firm.id, Firm.name, Firm.nip, Firm.phone, Firm.email).order_by(Firm.id).limit(1)
        ).first()
        if firm is None:  # pragma: no cover - _firm_and_users made one
            return history.Sender(Party(""))
        accounts = conn.execute(
            select(FirmBankAccount.iban, FirmBankAccount.bank_name, FirmBankAccount.currency)
            .where(FirmBankAccount.firm_id == firm.id)
            .order_by(FirmBankAccount.is_default.desc(), FirmBankAccount.id)
        ).all()
        by_currency: dict[str, BankAccount] = {}
        for iban, bank_name, currency in accounts:
            by_currency.setdefault(currency, BankAccount(iban, bank_name or "", currency))
        people = conn.execute(select(User.id, User.full_name, User.email, User.phone)).all()
        return history.Sender(
            Party(firm.name, firm.nip or "", phone=firm.phone or "", email=firm.email or ""),
            tuple(by_currency.values()),
            {uid: Person(name, email or "", phone or "") for uid, name, email, phone in people},
        )

    def _next_id(self, model: Any) -> int:
        return int(self.conn.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one())

    # -- our firm and its people

    def _firm_and_users(self) -> None:
        rng = self.rng
        firm_exists = self.conn.execute(select(Firm.id).limit(1)).first() is not None
        if not firm_exists:
            firm_id = self._next_id(Firm) + 1
            self.conn.execute(
                insert(Firm),
                [
                    {
                        "id": firm_id,
                        "name": "Hurtownia Elektrotechniczna ELMAX sp. z o.o.",
                        "nip": self._nip(rng, self.taken_nips),
                        "regon": self._regon(rng),
                        "street": "ul. Przemysłowa 12",
                        "postal_code": "05-800",
                        "city": "Pruszków",
                        "country": "PL",
                        "email": "biuro@elmax.example.com",
                        "phone": "+48227301234",
                        "home_currency": "PLN",
                    }
                ],
            )
            account_id = self._next_id(FirmBankAccount)
            accounts = []
            for k, currency in enumerate(("PLN", "EUR"), start=1):
                number, bank_name = _polish_iban(rng)
                accounts.append(
                    {
                        "id": account_id + k,
                        "firm_id": firm_id,
                        "iban": number,
                        "bank_name": bank_name,
                        "currency": currency,
                        "is_default": currency == "PLN",
                    }
                )
            self.conn.execute(insert(FirmBankAccount), accounts)
        existing = self.conn.execute(
            select(User.id, User.login, User.email).where(User.active.is_(True)).order_by(User.id)
        ).all()
        if existing:
            self.user_ids = [int(row[0]) for row in existing]
            self.user_logins = [str(row[1]) for row in existing]
            self.user_emails = [row[2] or None for row in existing]
            return
        people = (
            ("akowalczyk", "Anna Kowalczyk", "anna.kowalczyk"),
            ("pzielinski", "Piotr Zieliński", "piotr.zielinski"),
            ("mwojcik", "Magdalena Wójcik", "magdalena.wojcik"),
        )
        base = self._next_id(User)
        rows = []
        for k, (login, full_name, local) in enumerate(people, start=1):
            rows.append(
                {
                    "id": base + k,
                    "login": login,
                    "full_name": full_name,
                    "email": f"{local}@elmax.example.com",
                    "phone": f"+48{rng.choice(words.MOBILE_PREFIXES)}{rng.randrange(10**7):07d}",
                    "role": "account_manager",
                    "active": True,
                }
            )
            self.user_ids.append(base + k)
            self.user_logins.append(login)
            self.user_emails.append(f"{local}@elmax.example.com")
        self.conn.execute(insert(User), rows)

    # -- contractors

    @staticmethod
    def _nip(rng: random.Random, taken: set[str]) -> str:
        while True:
            # the first three digits are a tax office code; real ones run from 101 upward
            body = f"{rng.randint(101, 998)}{rng.randrange(10**6):06d}"
            check = stdnum_nip.checksum(body + "0")
            if check == 10:
                continue
            number = body + str(check)
            if number not in taken:
                taken.add(number)
                return number

    @staticmethod
    def _regon(rng: random.Random) -> str:
        body = f"{rng.randrange(1, 10**8):08d}"
        return body + stdnum_regon.calc_check_digit(body)

    def _personas(self, count: int) -> list[tuple[str, bool]]:
        rng = self.rng
        chosen = [(p, True) for p in PERSONAS[:count]]
        kinds = list(_PERSONA_WEIGHTS)
        weights = list(_PERSONA_WEIGHTS.values())
        chosen += [(p, False) for p in rng.choices(kinds, weights, k=count - len(chosen))]
        rng.shuffle(chosen)
        return chosen

    def _profiles(self, count: int) -> list[_Profile]:
        rng = self.rng
        self.contractor_base = self._next_id(Contractor)
        cities = list(words.CITIES)
        cum_weights = list(itertools.accumulate(c.weight for c in cities))
        profiles = []
        for index, (persona, guaranteed) in enumerate(self._personas(count)):
            profile = _Profile(index=index, persona=persona, guaranteed=guaranteed)
            city = rng.choices(cities, cum_weights=cum_weights)[0]
            trade = rng.choice(words.TRADES)
            slug, owner = self._name(profile, trade, rng)
            profile.nip = self._nip(rng, self.taken_nips)
            profile.regon = self._regon(rng) if rng.random() < 0.85 else None
            self._address(profile, city, rng)
            domain = f"{slug}.{rng.choice(words.EXAMPLE_DOMAINS)}"
            self._contacts(profile, city, domain, owner, rng)
            profile.terms = rng.choices(TERMS_DAYS, (10, 35, 10, 30, 8, 7))[0]
            if persona == BIG_DEBTOR:
                profile.terms = rng.choice((30, 45, 60))
            lang = rng.random()
            profile.language = "pl" if lang < 0.9 else "en" if lang < 0.96 else "ru"
            if rng.random() < 0.25:
                amount = rng.choice((10_000, 20_000, 25_000, 50_000, 100_000, 200_000))
                profile.credit_limit = amount * 100
            if rng.random() < 0.95:
                profile.user = rng.randrange(len(self.user_ids))
            self._tags(profile, trade, rng)
            if rng.random() < 0.15:
                profile.notes = rng.choice(words.CONTRACTOR_NOTES)
            if rng.random() < 0.01:
                profile.paused_until = self.today + rng.randint(7, 60)
                profile.pause_reason = rng.choice(words.PAUSE_REASONS)
            profile.eur = persona != BIG_DEBTOR and rng.random() < _EUR_CONTRACTOR_RATE
            typical = 6_000_000 if persona == BIG_DEBTOR else 250_000
            profile.size = typical * rng.lognormvariate(0, 0.8 if persona != BIG_DEBTOR else 0.3)
            profile.iban = _polish_iban(rng)[0]
            if profile.eur:
                profile.iban_eur = _polish_iban(rng)[0]
            profiles.append(profile)
        return profiles

    @staticmethod
    def _name(
        profile: _Profile, trade: words.Trade, rng: random.Random
    ) -> tuple[str, tuple[str, str, bool]]:
        """Sets the name; returns the e-mail domain's label and the owner (first, last, female)."""
        stem = rng.choice(trade.stems)
        r = rng.random()
        if r < 0.6:
            suffix = rng.choice(words.BRAND_SUFFIXES)
            brand = stem + (suffix if suffix != stem.lower() else "max")
        elif r < 0.8:
            brand = f"{stem}-{rng.choice(words.BRAND_SUFFIXES).capitalize()}"
        else:
            brand = f"{stem}-{rng.choice(words.SURNAMES)}"
        if rng.random() < 0.1:
            brand = brand.upper()
        female = rng.random() < 0.35
        first = rng.choice(words.FEMALE_NAMES if female else words.MALE_NAMES)
        surname = rng.choice(words.SURNAMES)
        owner = f"{first} {_feminine(surname) if female else surname}"
        form = rng.random()
        if form < 0.33:
            name = rng.choice(
                (
                    f"{brand} sp. z o.o.",
                    f"{brand} Sp. z o.o.",
                    f"Przedsiębiorstwo {trade.adjective} {brand} sp. z o.o.",
                    f"{brand} Polska sp. z o.o.",
                )
            )
        elif form < 0.38:
            name = rng.choice((f"{brand} S.A.", f"Zakłady {trade.adjective} {brand} S.A."))
        elif form < 0.48:
            other = rng.choice(words.SURNAMES)
            name = rng.choice(
                (
                    f"{brand} {surname} i {other} sp.j.",
                    f"{surname} i Wspólnicy sp.j.",
                    f"{brand} {surname} sp.j.",
                )
            )
        elif form < 0.52:
            name = rng.choice((f"{brand} {surname} sp.k.", f"{brand} sp. z o.o. sp.k."))
        elif form < 0.87:
            prefix = rng.choice(words.SOLE_TRADER_PREFIXES)
            name = rng.choice(
                (
                    f"{prefix} {brand} {owner}",
                    f"{prefix} „{brand}” {owner}",
                    f"Usługi {trade.services} {owner}",
                    f"{rng.choice(words.CRAFTS)} {owner}",
                    f"{owner} {brand}",
                )
            )
        elif form < 0.91:
            name = rng.choice(words.COOPERATIVES).format(brand=brand.capitalize())
        else:
            partner = f"{rng.choice(words.MALE_NAMES)} {rng.choice(words.SURNAMES)}"
            name = f"{brand} s.c. {owner}, {partner}"
        profile.name = name
        slug = _ascii_slug(brand) or f"firma{profile.index + 1}"
        return slug, (first, _feminine(surname) if female else surname, female)

    @staticmethod
    def _address(profile: _Profile, city: words.City, rng: random.Random) -> None:
        low, high = rng.choice(city.postal)
        code = rng.randint(low, high)
        profile.postal_code = f"{code // 1000:02d}-{code % 1000:03d}"
        profile.city = city.name
        pool = city.streets if city.streets and rng.random() < 0.4 else words.STREETS
        number = str(rng.randint(1, 180))
        if rng.random() < 0.15:
            number += rng.choice("ABC")
        if rng.random() < 0.2:
            number += f"/{rng.randint(1, 60)}"
        profile.street = f"{rng.choice(pool)} {number}"

    def _contacts(
        self,
        profile: _Profile,
        city: words.City,
        domain: str,
        owner: tuple[str, str, bool],
        rng: random.Random,
    ) -> None:
        profile.emails.append(f"{rng.choice(words.EMAIL_LOCALS)}@{domain}")
        if rng.random() < 0.45:
            profile.emails.append(f"{rng.choice(words.EMAIL_INVOICE_LOCALS)}@{domain}")
        landline = f"+48{city.area}{rng.randint(2, 8)}{rng.randrange(10**6):06d}"
        mobile = self._mobile(rng)
        if rng.random() < 0.6:
            profile.phones.append(landline)
            if rng.random() < 0.5:
                profile.phones.append(mobile)
        else:
            profile.phones.append(mobile)
        if rng.random() < 0.4:
            first, surname, female = owner
            for k in range(1 if rng.random() < 0.75 else 2):
                if k:
                    female = rng.random() < 0.6
                    first = rng.choice(words.FEMALE_NAMES if female else words.MALE_NAMES)
                    surname = rng.choice(words.SURNAMES)
                    surname = _feminine(surname) if female else surname
                role = rng.choice(words.PERSON_ROLES_FEMALE if female else words.PERSON_ROLES_MALE)
                local = f"{_ascii_slug(first)}.{_ascii_slug(surname)}"
                profile.persons.append(
                    _Person(
                        name=f"{first} {surname}",
                        role=role,
                        email=f"{local}@{domain}" if rng.random() < 0.7 else None,
                        phone=self._mobile(rng) if rng.random() < 0.6 else None,
                    )
                )

    @staticmethod
    def _mobile(rng: random.Random) -> str:
        return f"+48{rng.choice(words.MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"

    @staticmethod
    def _tags(profile: _Profile, trade: words.Trade, rng: random.Random) -> None:
        tags = []
        if rng.random() < 0.5:
            tags.append(trade.tag)
        if rng.random() < 0.2:
            tags.append(rng.choice(words.TAGS_EXTRA))
        if profile.persona == BIG_DEBTOR or (profile.persona == CHRONIC and rng.random() < 0.5):
            tags.append(words.RISK_TAG)
        profile.tags = list(dict.fromkeys(tags))

    # -- documents and their numbers

    def _documents(self, profiles: list[_Profile], total: int) -> None:
        rng = self.rng
        if not profiles:
            return
        counts = [0] * len(profiles)
        left = total
        # fixed shares first, so the personas that must show are never empty-handed
        for profile in profiles:
            if profile.persona == BIG_DEBTOR:
                want = min(left, max(20, min(120, total // 500)))
            elif profile.guaranteed:
                want = min(left, 4)
            else:
                continue
            counts[profile.index] += want
            left -= want
        for profile in profiles:
            if profile.persona == BIG_DEBTOR:
                profile.weight = 0.0
            elif not profile.guaranteed and rng.random() < 0.05:
                profile.weight = 0.0  # a prospect: on file, never invoiced yet
            else:
                profile.weight = rng.lognormvariate(0, 0.9) * (
                    0.6 if profile.persona == DORMANT else 1.0
                )
        weights = [p.weight for p in profiles]
        if left and not any(weights):
            weights = [1.0] * len(profiles)
        if left:
            for index in rng.choices(range(len(profiles)), weights, k=left):
                counts[index] += 1
        for profile, count in zip(profiles, counts, strict=True):
            self._dates(profile, count)

    def _dates(self, profile: _Profile, count: int) -> None:
        rng = self.rng
        high = self.today - (_DORMANT_GAP if profile.persona == DORMANT else 0)
        low = self.today - _HISTORY_DAYS
        span = high - low + 1
        rand = rng.random
        back = _BACK_TO_FRIDAY
        issued = [low + int(rand() * span) for _k in range(count)]
        # invoices are issued on working days: Saturday and Sunday move back to Friday
        issued = sorted([day - back[day % 7] for day in issued])
        docs: list[tuple[int, bool, int]] = [(day, False, -1) for day in issued]
        corrected: set[int] = set()
        has_corrections = False
        for k in range(1, count):
            if rand() >= _CORRECTION_RATE:
                continue
            candidates = [j for j in range(k) if not docs[j][1] and j not in corrected]
            if not candidates:
                continue
            j = rng.choice(candidates)
            corrected.add(j)
            day = min(high, docs[j][0] + rng.randint(1, 40))
            if day - back[day % 7] >= docs[j][0]:
                day -= back[day % 7]
            docs[k] = (day, True, j)
            has_corrections = True
        if not has_corrections:
            profile.docs = docs
            return
        order = sorted(range(count), key=lambda k: (docs[k][0], docs[k][1], k))
        position = {k: pos for pos, k in enumerate(order)}
        profile.docs = [
            (docs[k][0], docs[k][1], position[docs[k][2]] if docs[k][1] else -1) for k in order
        ]

    def _number_documents(self, profiles: list[_Profile]) -> None:
        """Invoice ids follow contractors (so rows go to disk in order); numbers follow issue
        dates within each month, as a real invoicing program would have given them."""
        self.invoice_base = self._next_id(Invoice)
        days: list[int] = []
        kinds = bytearray()
        for profile in profiles:
            profile.first_id = self.invoice_base + len(days) + 1
            for day, is_correction, _orig in profile.docs:
                days.append(day)
                kinds.append(is_correction)
        numbers = [""] * len(days)
        minutes = [0] * len(days)
        month_end = 0
        suffix = ""
        ranks = [0, 0]
        # walking the documents in issue order, a month is over once a day passes its last day
        for k in sorted(range(len(days)), key=days.__getitem__):
            day = days[k]
            if day > month_end:
                date = dt.date.fromordinal(day)
                first_next = dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)
                month_end = first_next.toordinal() - 1
                suffix = f"/{date.month:02d}/{date.year}"
                ranks = [0, 0]
            kind = kinds[k]
            rank = ranks[kind] + 1
            ranks[kind] = rank
            numbers[k] = ("FK/" if kind else "FV/") + str(rank) + suffix
            minutes[k] = 8 * 60 + (rank % 16) * 31  # a few times a day: they cache well
        self.numbers = numbers
        self.number_minutes = minutes

    # -- writing contractors

    def _write_contractors(self, profiles: list[_Profile]) -> None:
        rng = self.rng
        values = self.values
        bulk = self.bulk
        contractors = bulk.table(
            _table(Contractor),
            (
                "id",
                "name",
                "search_name",
                "nip",
                "regon",
                "street",
                "postal_code",
                "city",
                "country",
                "default_terms_days",
                "credit_limit_minor",
                "credit_limit_currency",
                "assigned_user_id",
                "language",
                "collection_paused_until",
                "collection_pause_reason",
                "notes",
                "created_at",
                "scenario_id",
            ),
        )
        emails = bulk.table(_table(ContractorEmail), ("id", "contractor_id", "email", "position"))
        phones = bulk.table(_table(ContractorPhone), ("id", "contractor_id", "phone", "position"))
        persons = bulk.table(
            _table(ContactPerson), ("id", "contractor_id", "name", "role", "email", "phone")
        )
        tags = bulk.table(contractor_tag, ("contractor_id", "tag_id"))
        self.invoices = bulk.table(
            _table(Invoice),
            (
                "id",
                "contractor_id",
                "number",
                "issue_date",
                "sale_date",
                "currency",
                "gross_minor",
                "kind",
                "corrected_invoice_id",
                "source",
                "created_at",
                "disputed",
                "dispute_reason",
                "handed_over_on",
            ),
        )
        self.instalments = bulk.table(
            _table(Instalment),
            ("id", "invoice_id", "seq", "due_date", "amount_minor", "open_minor", "settled_on"),
        )
        self.payments = bulk.table(
            _table(Payment),
            (
                "id",
                "contractor_id",
                "date",
                "amount_minor",
                "currency",
                "payer_name",
                "payer_account",
                "title",
                "source",
                "source_ref",
                "unallocated_minor",
                "created_at",
            ),
        )
        self.allocations = bulk.table(
            _table(Allocation),
            (
                "id",
                "instalment_id",
                "payment_id",
                "correction_id",
                "amount_minor",
                "effective_date",
                "released_on",
            ),
        )
        self.activities = bulk.table(
            _table(Activity),
            (
                "id",
                "contractor_id",
                "invoice_id",
                "at",
                "actor",
                "kind",
                "channel",
                "summary",
                "data",
                "body",
            ),
        )
        self.history_rows = history.Rows(
            outbox=bulk.table(_table(OutboxMessage), history.OUTBOX_COLUMNS),
            task=bulk.table(_table(Task), history.TASK_COLUMNS),
            promise=bulk.table(_table(Promise), history.PROMISE_COLUMNS),
            log=bulk.table(_table(DunningLog), history.LOG_COLUMNS),
            activity=self.activities,
        )
        self._tag_ids(profiles)
        email_id = person_id = phone_id = 0
        for p in profiles:
            cid = self.contractor_base + p.index + 1
            # entered shortly before the first invoice (prospects: some time in the last years)
            first = p.docs[0][0] if p.docs else self.today - rng.randint(0, _HISTORY_DAYS)
            p.created = first - rng.randint(1, 60)
            p.created_minute = rng.randint(8 * 60, 16 * 60)
            contractors.append(
                (
                    cid,
                    p.name,
                    search_key(p.name),
                    p.nip,
                    p.regon,
                    p.street,
                    p.postal_code,
                    p.city,
                    "PL",
                    p.terms,
                    p.credit_limit,
                    "PLN" if p.credit_limit is not None else None,
                    self.user_ids[p.user] if p.user is not None else None,
                    p.language,
                    values.day(p.paused_until) if p.paused_until is not None else None,
                    p.pause_reason,
                    p.notes,
                    values.stamp(p.created, p.created_minute),
                    self.scenario_id,
                )
            )
            for position, email in enumerate(p.emails):
                email_id += 1
                emails.append((email_id, cid, email, position))
            for position, phone in enumerate(p.phones):
                phone_id += 1
                phones.append((phone_id, cid, phone, position))
            for person in p.persons:
                person_id += 1
                persons.append(
                    (person_id, cid, person.name, person.role, person.email, person.phone)
                )
            for tag in p.tags:
                tags.append((cid, self.tag_ids[tag]))
            if bulk.pending() >= _FLUSH_ROWS:
                bulk.flush()
        bulk.flush()

    def _tag_ids(self, profiles: list[_Profile]) -> None:
        existing = {
            str(name): int(tag_id)
            for tag_id, name in self.conn.execute(select(Tag.id, Tag.name).order_by(Tag.id))
        }
        wanted = list(dict.fromkeys(tag for p in profiles for tag in p.tags))
        next_id = self._next_id(Tag)
        new = []
        for name in wanted:
            if name not in existing:
                next_id += 1
                existing[name] = next_id
                new.append({"id": next_id, "name": name})
        if new:
            self.conn.execute(insert(Tag), new)
        self.tag_ids = existing

    # -- one contractor's history
    #
    # The loops below run once per invoice and payment (half a million times each at full
    # size), so they use random() arithmetic instead of randint() and keep lookups local.

    def _simulate(self, p: _Profile) -> None:
        rng = self.rng
        cid = self.contractor_base + p.index + 1
        ledger = _Ledger(self.ids)
        docs: list[_Inv] = []
        # (day, rank, order, kind, payload): invoices, then corrections, then payments of a
        # day; ``order`` is unique, so tuples sort without ever comparing payloads
        events: list[tuple[int, int, int, int, Any]] = []
        last_regular = max(
            (k for k, (_d, is_corr, _o) in enumerate(p.docs) if not is_corr), default=-1
        )
        numbers = self.numbers
        offset = p.first_id - self.invoice_base - 1
        for k, (day, is_correction, orig) in enumerate(p.docs):
            invoice_id = p.first_id + k
            number = numbers[offset + k]
            if is_correction:
                original = docs[orig]
                share = rng.choice((0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1.0))
                gross = -max(1, round(original.gross * share))
                date = self.dates[day]
                inv = _Inv(invoice_id, number, date, date, original.currency, gross)
                inv.corrects = original
                events.append((day, 1, len(events), 1, inv))
            else:
                inv = self._invoice(p, invoice_id, number, day)
                events.append((day, 0, len(events), 0, inv))
                self._plan(p, inv, day, events, overpay_last=k == last_regular)
            docs.append(inv)
        events.sort()
        payments = []
        for day, _rank, _order, kind, payload in events:
            if kind == 0:
                ledger.add_invoice(payload)
            elif kind == 1:
                ledger.add_correction(payload)
            else:
                pay = self._payment(ledger, day, payload)
                if pay is not None:
                    payments.append(pay)
        self._emit(p, cid, docs, ledger, payments)

    def _invoice(self, p: _Profile, invoice_id: int, number: str, day: int) -> _Inv:
        rng = self.rng
        rand = rng.random
        currency = "EUR" if p.eur and rand() < _EUR_INVOICE_RATE else "PLN"
        gross = p.size * rng.lognormvariate(0, 0.6)
        if currency == "EUR":
            gross *= _EUR_PER_PLN
        gross_minor = max(5_000, min(int(gross), 90_000_000))
        if rand() < 0.25:
            gross_minor -= gross_minor % 100  # whole złoty / euro
        sale = day - (1 + int(rand() * 5) if rand() < 0.2 else 0)
        dates = self.dates
        inv = _Inv(invoice_id, number, dates[day], dates[sale], currency, gross_minor)
        terms = p.terms if rand() < 0.9 else TERMS_DAYS[int(rand() * len(TERMS_DAYS))]
        ids = self.ids
        if rand() < _INSTALMENT_RATE and gross_minor >= 30_000:
            parts = 2 + int(rand() * 2)
            share, rest = divmod(gross_minor, parts)
            for seq in range(1, parts + 1):
                ids.instalment += 1
                amount = share + (rest if seq == 1 else 0)
                due = day + terms + 30 * (seq - 1)
                inv.insts.append(_Inst(ids.instalment, inv, seq, dates[due], amount))
        else:
            ids.instalment += 1
            inv.insts.append(_Inst(ids.instalment, inv, 1, dates[day + terms], gross_minor))
        return inv

    def _plan(
        self,
        p: _Profile,
        inv: _Inv,
        issue: int,
        events: list[tuple[int, int, int, int, Any]],
        *,
        overpay_last: bool,
    ) -> None:
        """Payments this payer will make for ``inv``, issued on day ``issue`` (their amounts
        are settled on the day)."""
        rand = self.rng.random
        persona = p.persona
        planned: list[tuple[int, int, int]] = []  # (day, mode, value)
        mode = _REST if len(inv.insts) == 1 else _INST
        for k, inst in enumerate(inv.insts):
            due = inst.due.toordinal()
            if persona == ON_TIME:
                planned.append((max(issue, due - int(rand() * 6)), mode, k))
            elif persona == LATE:
                late = 5 + int(rand() * 11) if rand() < 0.8 else int(rand() * 5)
                planned.append((due + late, mode, k))
            elif persona == CHRONIC:
                if rand() >= 0.2:  # otherwise never paid
                    planned.append((due + 30 + int(rand() * 91), mode, k))
            elif persona == PARTIAL:
                day = due - 2 + int(rand() * 13)
                for _j in range(1 if rand() < 0.67 else 2):
                    part = int(inst.amount * (0.2 + 0.3 * rand()))
                    planned.append((max(issue, day), _PART, part))
                    day += 7 + int(rand() * 29)
                if rand() >= 0.4:  # otherwise the remainder is left unpaid
                    planned.append((day, mode, k))
            elif persona == BIG_DEBTOR:
                r = rand()
                if r < 0.3:
                    planned.append((due + 20 + int(rand() * 71), mode, k))
                elif r < 0.45:
                    part = int(inst.amount * (0.3 + 0.4 * rand()))
                    planned.append((due + 30 + int(rand() * 91), _PART, part))
            else:  # DORMANT: paid everything, a little early or late
                planned.append((max(issue, due - 5 + int(rand() * 16)), mode, k))
        if not planned:
            return
        if (persona == DORMANT and overpay_last and (p.guaranteed or rand() < 0.3)) or (
            persona not in (DORMANT, BIG_DEBTOR) and rand() < 0.01
        ):
            day = planned[-1][0]
            planned[-1] = (day, _OVER, (0, 0, 1, 5, 20, 100)[int(rand() * 6)] * 100)
        if persona != DORMANT and rand() < 0.003:
            planned.append((planned[-1][0] + 1 + int(rand() * 20), _DUP, 0))
        general = _GENERAL_PAYMENT_RATE[persona]
        back = _BACK_TO_FRIDAY
        today = self.today
        for day, pay_mode, value in planned:
            day -= back[day % 7]  # banks book transfers on working days
            if day > today:
                continue  # not paid yet
            targeted = rand() >= general
            events.append((day, 2, len(events), 2, (inv, pay_mode, value, targeted)))

    def _payment(
        self, ledger: _Ledger, day: int, payload: tuple[_Inv, int, int, bool]
    ) -> _Pay | None:
        inv, mode, value, targeted = payload
        if mode == _INST:
            amount = inv.insts[value].open
        elif mode == _DUP:
            amount = inv.gross
        else:
            still_open = 0
            for inst in inv.insts:
                still_open += inst.open
            if mode == _REST:
                amount = still_open
            elif mode == _PART:
                amount = min(value, still_open)
            elif still_open == 0:  # _OVER, but there is nothing left to overpay
                return None
            else:
                # value 0 means "rounded up to whole hundreds", as people often do
                amount = still_open + (value or (10_000 - still_open % 10_000))
        if amount <= 0:
            return None
        self.ids.payment += 1
        rand = self.rng.random
        if targeted:
            titles = words.PAYMENT_TITLES_FOR_INVOICE
            title = titles[int(rand() * len(titles))].format(number=inv.number)
        else:
            titles = words.PAYMENT_TITLES_GENERAL
            title = titles[int(rand() * len(titles))]
        pay = _Pay(self.ids.payment, self.dates[day], amount, inv.currency, title)
        ledger.add_payment(pay, inv if targeted else None)
        return pay

    def _emit(
        self, p: _Profile, cid: int, docs: list[_Inv], ledger: _Ledger, payments: list[_Pay]
    ) -> None:
        values = self.values
        days = values.days
        stamp = values.stamp
        base = self.invoice_base + 1
        minutes = self.number_minutes
        invoices = self.invoices
        instalments = self.instalments
        story = self._history(p, cid, docs, payments)
        disputed = story.disputed
        handed = story.handed_over
        for inv in docs:
            corrected = inv.corrects.id if inv.corrects is not None else None
            handed_on = handed.get(inv.id)
            invoices.append(
                (
                    inv.id,
                    cid,
                    inv.number,
                    days[inv.issue],
                    days[inv.sale],
                    inv.currency,
                    inv.gross,
                    "invoice" if corrected is None else "correction",
                    corrected,
                    SOURCE,
                    stamp(inv.issue.toordinal(), minutes[inv.id - base]),
                    inv.id in disputed,
                    disputed.get(inv.id),
                    days[handed_on] if handed_on is not None else None,
                )
            )
            for inst in inv.insts:
                settled = inst.settled
                instalments.append(
                    (
                        inst.id,
                        inv.id,
                        inst.seq,
                        days[inst.due],
                        inst.amount,
                        inst.open,
                        days[settled] if settled is not None else None,
                    )
                )
        rows = self.payments
        for pay in payments:
            pay_id = pay.id
            rows.append(
                (
                    pay_id,
                    cid,
                    days[pay.date],
                    pay.amount,
                    pay.currency,
                    p.name,
                    p.iban_eur if pay.currency == "EUR" else p.iban,
                    pay.title,
                    SOURCE,
                    f"DEMO-{pay_id:09d}",
                    pay.unallocated,
                    stamp(pay.date.toordinal(), 9 * 60 + (pay_id % 16) * 29),
                )
            )
        rows = self.allocations
        for a in ledger.allocations:
            released = a.released_on
            rows.append(
                (
                    a.id,
                    a.inst.id,
                    a.pay.id if a.pay is not None else None,
                    a.corr.id if a.corr is not None else None,
                    a.amount_minor,
                    days[a.effective_date],
                    days[released] if released is not None else None,
                )
            )
        self.payment_count += len(payments)
        self._activity(p, cid, docs)

    def _history(
        self, p: _Profile, cid: int, docs: list[_Inv], payments: list[_Pay]
    ) -> history.Outcome:
        """The collection history of this contractor (see ``demo_history``)."""
        if self.history is None or (p.index >= history.MAX_CONTRACTORS and p.persona != BIG_DEBTOR):
            return history.Outcome()
        facts = []
        for inv in docs:
            if inv.corrects is not None or inv.gross <= 0:
                continue
            for inst in inv.insts:
                last = max(
                    (a for a in inst.allocs if a.released_on is None),
                    key=lambda a: (a.effective_date, a.id),
                    default=None,
                )
                facts.append(
                    history.Fact(
                        inst.id, inv.id, inv.number, inv.issue, inst.due, inv.currency,
                        inst.amount, inv.gross, inst.settled,
                        last is not None and last.pay is not None,
                    )
                )  # fmt: skip
        manager = p.user
        payer = history.Payer(
            id=cid,
            name=p.name,
            nip=p.nip,
            persona=p.persona,
            language=p.language,
            emails=tuple(p.emails),
            phones=tuple(p.phones),
            manager_id=self.user_ids[manager] if manager is not None else None,
            manager_login=self.user_logins[manager] if manager is not None else None,
            manager_email=self.user_emails[manager] if manager is not None else None,
            paused_until=self.dates[p.paused_until] if p.paused_until is not None else None,
            pause_reason=p.pause_reason,
        )
        paid = [(pay.date, pay.amount, pay.currency) for pay in payments]
        return self.history.contractor(payer, facts, paid)

    def _activity(self, p: _Profile, cid: int, docs: list[_Inv]) -> None:
        rng = self.rng
        values = self.values
        actor = self.user_logins[p.user] if p.user is not None else "system"
        self.ids.activity += 1
        self.activities.append(
            (
                self.ids.activity,
                cid,
                None,
                values.stamp(p.created, p.created_minute),
                actor,
                "status",
                None,
                N_("Contractor {name} created"),
                values.json({"name": p.name}),
                None,
            )
        )
        invoices = [inv for inv in docs if inv.corrects is None]
        if not invoices or rng.random() >= 0.3:
            return
        for _k in range(rng.randint(1, 3)):
            inv = rng.choice(invoices)
            day = min(self.today, inv.issue.toordinal() + rng.randint(0, 90))
            kind, text = rng.choice(words.ACTIVITY_NOTES)
            mentions = "{number}" in text
            self.ids.activity += 1
            self.activities.append(
                (
                    self.ids.activity,
                    cid,
                    inv.id if mentions else None,
                    values.stamp(day, rng.randint(9 * 60, 17 * 60)),
                    actor,
                    kind,
                    "phone" if kind == "call" else None,
                    text.format(number=inv.number),
                    None,
                    None,
                )
            )
