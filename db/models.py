"""The Inkaso schema.

Money columns are ``BigInteger`` minor units with a currency code beside them; never REAL.
Natural keys make imports idempotent: an invoice is unique by its number (we are the only seller
in a database), a payment by (source, source_ref).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """A moment as the database keeps times: UTC without a zone (a naive moment is local time)."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


# --- our firm and users ---------------------------------------------------------------------


class Firm(Base):
    """The firm using Inkaso: the creditor on every letter and the sender of every message."""

    __tablename__ = "firm"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    nip: Mapped[str | None] = mapped_column(String(20))
    regon: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="PL")
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    home_currency: Mapped[str] = mapped_column(String(3), default="PLN")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(50))
    accounts: Mapped[list[FirmBankAccount]] = relationship(
        back_populates="firm", cascade="all, delete-orphan", order_by="FirmBankAccount.id"
    )


class FirmBankAccount(Base):
    __tablename__ = "firm_bank_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firm.id", ondelete="CASCADE"))
    iban: Mapped[str] = mapped_column(String(40))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="PLN")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    firm: Mapped[Firm] = relationship(back_populates="accounts")


class User(Base):
    """A person working in Inkaso: the OS login they sign in with, their role (domain.roles)."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(30), default="account_manager")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: away on these days (both included); their tasks go to the deputy (domain.deputies)
    absent_from: Mapped[dt.date | None] = mapped_column(Date)
    absent_to: Mapped[dt.date | None] = mapped_column(Date)
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    #: what the person reads (the morning digest); None follows the firm's ``digest.language``
    language: Mapped[str | None] = mapped_column(String(2))


# --- contractors ---------------------------------------------------------------------------

contractor_tag = Table(
    "contractor_tag",
    Base.metadata,
    Column("contractor_id", ForeignKey("contractor.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Contractor(Base):
    """A customer who owes us money (or may)."""

    __tablename__ = "contractor"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    #: the name case-folded and without diacritics, so "lodz" finds "Łódź" on any database
    search_name: Mapped[str] = mapped_column(String(300), index=True)
    nip: Mapped[str | None] = mapped_column(String(20), unique=True)
    regon: Mapped[str | None] = mapped_column(String(20))
    #: an EU VAT number or a foreign tax id, when there is no Polish NIP (imports find it again)
    tax_id: Mapped[str | None] = mapped_column(String(40), index=True)
    #: the import source's own key (1C Ref_Key, an export's customer code)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="PL")
    default_terms_days: Mapped[int] = mapped_column(Integer, default=14)
    credit_limit_minor: Mapped[int | None] = mapped_column(BigInteger)
    credit_limit_currency: Mapped[str | None] = mapped_column(String(3))
    assigned_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    language: Mapped[str] = mapped_column(String(2), default="pl")
    collection_paused_until: Mapped[dt.date | None] = mapped_column(Date)
    collection_pause_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id", ondelete="SET NULL"))
    #: what an import last said of the name, address and contacts: a value on file that differs
    #: from it was edited by a person, and the next import keeps it (domain.imported_edits)
    imported: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    emails: Mapped[list[ContractorEmail]] = relationship(
        cascade="all, delete-orphan", order_by="ContractorEmail.position"
    )
    phones: Mapped[list[ContractorPhone]] = relationship(
        cascade="all, delete-orphan", order_by="ContractorPhone.position"
    )
    persons: Mapped[list[ContactPerson]] = relationship(
        cascade="all, delete-orphan", order_by="ContactPerson.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=contractor_tag, order_by="Tag.name")
    assigned_user: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("default_terms_days >= 0 AND default_terms_days <= 3650", name="terms"),
        CheckConstraint("language IN ('pl', 'en', 'ru')", name="language"),
    )


class ContractorEmail(Base):
    __tablename__ = "contractor_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContractorPhone(Base):
    __tablename__ = "contractor_phone"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    #: E.164 ("+48501234567") so that search and SMS gateways agree on one form.
    phone: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContactPerson(Base):
    __tablename__ = "contact_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))


# --- invoices, instalments, payments -------------------------------------------------------


class Invoice(Base):
    """A sales document. A correction carries the difference and points to what it corrects."""

    __tablename__ = "invoice"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[str] = mapped_column(String(100), unique=True)
    #: the number as payment matching compares it (desktop_app.domain.payment_matching); filled
    #: by the core when empty, so writers that bypass the ORM need not know it
    number_key: Mapped[str | None] = mapped_column(String(100), index=True)
    issue_date: Mapped[dt.date] = mapped_column(Date, index=True)
    sale_date: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20), default="invoice")
    corrected_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="RESTRICT"), index=True
    )
    source: Mapped[str] = mapped_column(String(30), default="manual")
    source_id: Mapped[str | None] = mapped_column(String(200))
    ksef_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id", ondelete="SET NULL"))
    disputed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    collection_paused_until: Mapped[dt.date | None] = mapped_column(Date)
    collection_pause_reason: Mapped[str | None] = mapped_column(Text)
    #: the day the case went to hard collection; reminders end for good
    handed_over_on: Mapped[dt.date | None] = mapped_column(Date)

    contractor: Mapped[Contractor] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="Instalment.seq"
    )
    corrected_invoice: Mapped[Invoice | None] = relationship(remote_side="Invoice.id")

    __table_args__ = (
        CheckConstraint("kind IN ('invoice', 'correction', 'advance')", name="kind"),
        CheckConstraint(
            "(kind = 'correction') = (corrected_invoice_id IS NOT NULL)", name="correction_link"
        ),
    )


class Instalment(Base):
    """One due date of an invoice; receivables are tracked here.

    ``open_minor`` and ``settled_on`` are a cache of the allocations, kept by the allocation
    service only, so that "who owes what today" never aggregates the whole history.
    """

    __tablename__ = "instalment"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer, default=1)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    open_minor: Mapped[int] = mapped_column(BigInteger)
    settled_on: Mapped[dt.date | None] = mapped_column(Date)

    invoice: Mapped[Invoice] = relationship(back_populates="instalments")
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="instalment", order_by="Allocation.effective_date"
    )

    __table_args__ = (
        UniqueConstraint("invoice_id", "seq", name="uq_instalment_invoice_seq"),
        CheckConstraint("amount_minor >= 0", name="amount"),
        CheckConstraint("open_minor >= 0 AND open_minor <= amount_minor", name="open"),
        Index(
            "ix_instalment_open",
            "due_date",
            sqlite_where=text("open_minor > 0"),
            postgresql_where=text("open_minor > 0"),
        ),
        Index("ix_instalment_settled_on", "settled_on"),
    )


class Payment(Base):
    """Money received. What is not allocated to instalments stays as the contractor's credit."""

    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractor.id", ondelete="RESTRICT"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payer_name: Mapped[str | None] = mapped_column(String(300))
    payer_account: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30), default="manual")
    source_ref: Mapped[str | None] = mapped_column(String(200))
    unallocated_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    allocations: Mapped[list[Allocation]] = relationship(back_populates="payment")

    __table_args__ = (
        UniqueConstraint("source", "source_ref", name="uq_payment_source_ref"),
        CheckConstraint("amount_minor > 0", name="amount"),
        CheckConstraint(
            "unallocated_minor >= 0 AND unallocated_minor <= amount_minor", name="unallocated"
        ),
    )


class Allocation(Base):
    """Part of a payment, or of a reducing correction, set against one instalment.

    ``effective_date`` is the day the instalment was reduced (payment date, correction issue date,
    or the later invoice date when old credit is applied) so balances "as of" a date are one sum.
    Allocations are never deleted or edited when history changes: they are released, and a
    replacement row carries what remains, so every past balance can still be reproduced.
    """

    __tablename__ = "allocation"
    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(
        ForeignKey("instalment.id", ondelete="CASCADE"), index=True
    )
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment.id", ondelete="CASCADE"), index=True
    )
    correction_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    #: set when a later correction freed this money; it counts only for dates before this day
    released_on: Mapped[dt.date | None] = mapped_column(Date)

    instalment: Mapped[Instalment] = relationship(back_populates="allocations")
    payment: Mapped[Payment | None] = relationship(back_populates="allocations")
    correction: Mapped[Invoice | None] = relationship()

    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount"),
        CheckConstraint("(payment_id IS NULL) <> (correction_id IS NULL)", name="one_source"),
    )


# --- activity log and settings -------------------------------------------------------------


class Activity(Base):
    """Everything that happened to a contractor: messages, letters, calls, notes, changes."""

    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractor.id", ondelete="CASCADE"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_activity_contractor_at", "contractor_id", "at"),)


class AuditEntry(Base):
    """Who changed what outside a contractor's own log: settings, firm, scenarios, templates,
    users, mappings, rates, letterhead, backups, anonymisation. Values are kept redacted."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: the OS login (or the Inkaso user's login the GUI chose)
    actor: Mapped[str] = mapped_column(String(100))
    #: the Inkaso user's name when the login was one, as it was at the time
    actor_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_at", "at"),)


class Setting(Base):
    """Typed settings shared by every seat (SMTP host, send windows...). Secrets live in keyring."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Rate(Base):
    """A rate the user added, or an NBP euro rate fetched, over the tables shipped in
    resources/rates (same kind and day: this row wins). Rates are exact decimals, stored as
    ten-thousandths (15.75 % -> 157500, 4.3191 PLN/EUR -> 43191), never REAL."""

    __tablename__ = "rate"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[dt.date] = mapped_column(Date)
    rate_e4: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(1))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "start", name="uq_rate_kind_start"),
        CheckConstraint("status IN ('V', 'D', 'U')", name="status"),
        CheckConstraint("rate_e4 > 0", name="positive"),
    )


class ImportedFile(Base):
    """A file a watched folder held and the automatic import read: it is not read again.

    Known by its content (SHA-256) within its source, so the same statement saved twice under
    two names is one import, and a file rewritten in place (new content) is a new one."""

    __tablename__ = "imported_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: the first error when the file was refused (nothing of it written), else None
    refused: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("source", "sha256", name="uq_imported_file_source_sha256"),)


class WhiteListCheck(Base):
    """What the VAT White List answered about a NIP for a day, kept as proof of the check: the
    registry's request id, and the subject as it came (``answer``; None when not registered)."""

    __tablename__ = "whitelist_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(10))
    checked_on: Mapped[dt.date] = mapped_column(Date)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    request_id: Mapped[str] = mapped_column(String(100))
    found: Mapped[bool] = mapped_column(Boolean)
    status_vat: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str | None] = mapped_column(String(300))
    accounts: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("nip", "checked_on", name="uq_whitelist_check_nip_day"),)


class QueuedLetter(Base):
    """A letter waiting to be printed and posted ("Letters to print"), with its PDF.

    ``key`` is unique like the outbox key, so a dunning step's letter is queued once whatever
    the number of runs; a letter made by hand has a key of its own. ``sent_registered_on`` is
    the day it went by registered mail, the date the debtor-register warning counts from.
    """

    __tablename__ = "letter_queue"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    document: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(60))
    letter_date: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    printed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sent_registered_on: Mapped[dt.date | None] = mapped_column(Date)


# --- dunning ---------------------------------------------------------------------------------


class Scenario(Base):
    """A dunning scenario; ``definition`` is the JSON of desktop_app.domain.scenario."""

    __tablename__ = "scenario"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MessageTemplate(Base):
    """A user's own wording of a template; the shipped text is the fallback."""

    __tablename__ = "message_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("name", "language", name="uq_message_template_name_lang"),)


class Promise(Base):
    """A promise to pay: pauses reminders until ``due_on``; if broken, the scenario reacts."""

    __tablename__ = "promise"
    id: Mapped[int] = mapped_column(primary_key=True)
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"))
    made_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    __table_args__ = (
        CheckConstraint("status IN ('open', 'kept', 'broken', 'cancelled')", name="status"),
        CheckConstraint("amount_minor > 0", name="amount"),
    )


class OutboxMessage(Base):
    """A message to send. The row (with its unique key) exists before anything is sent, so no
    run, process or office PC can send it twice; ``sending`` left behind by a crash becomes
    ``uncertain`` and waits for a person."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    scenario: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(2), default="pl")
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    from_name: Mapped[str | None] = mapped_column(String(300))
    #: what the message is about, kept for the activity log and the outbox view
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: attachments built when the message is sent ("invoice_list": a CSV statement of the items)
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    planned_for: Mapped[dt.date] = mapped_column(Date)
    #: after this day the message no longer fits the situation and is cancelled, not sent
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(200))
    holder: Mapped[str | None] = mapped_column(String(200))
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sending_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'failed_permanently', "
            "'uncertain', 'cancelled')",
            name="status",
        ),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )


class Task(Base):
    """Work for a person: hand-over to collection, a call to make, a broken promise to chase."""

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    assigned_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(100))
    done_note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        Index("ix_task_status_due", "status", "due_on"),
    )


class DunningLog(Base):
    """What was done (or skipped, and why) for each item at each step occurrence and channel.

    The unique constraint is what makes planning idempotent across runs and processes.
    """

    __tablename__ = "dunning_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalment.id", ondelete="CASCADE"))
    contractor_id: Mapped[int] = mapped_column(
        ForeignKey("contractor.id", ondelete="CASCADE"), index=True
    )
    scenario: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    occurrence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    day: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", ondelete="SET NULL"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (
        UniqueConstraint(
            "instalment_id", "scenario", "step", "occurrence", "channel", name="uq_dunning_log_once"
        ),
        CheckConstraint(
            "status IN ('planned', 'sent', 'manual', 'skipped', 'failed', 'uncertain', "
            "'cancelled', 'done')",
            name="status",
        ),
    )


class Lease(Base):
    """Who may send for this database right now (several PCs, one sender)."""

    __tablename__ = "lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
