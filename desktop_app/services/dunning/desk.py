"""Read models for the dunning screens: a contractor's messages, promises and invoice flags,
what a manual reminder would say, and the lists the editors offer (contractors, tags, templates).

Plain frozen data only; every change still goes through ``actions``, ``promises``,
``scenarios`` and ``templates_store``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Contractor, Invoice, Promise, Tag
from db.uow import Database
from desktop_app.domain.scenario import MESSAGE_CHANNELS
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.messaging import RenderedMessage, list_defaults
from desktop_app.secrets import get_secret
from desktop_app.services import contractors
from desktop_app.services.contractor_list import search_condition
from desktop_app.services.dunning import actions, outbox
from desktop_app.services.dunning.channel_setup import ConfiguredChannels, SecretReader
from desktop_app.services.dunning.outbox import OutboxView
from desktop_app.settings import Snapshot


@dataclass(frozen=True)
class InvoiceFlags:
    disputed: bool
    dispute_reason: str | None
    paused_until: dt.date | None
    pause_reason: str | None
    handed_over_on: dt.date | None


@dataclass(frozen=True)
class PromiseView:
    id: int
    made_on: dt.date
    due_on: dt.date
    amount_minor: int
    currency: str
    status: str  # open | kept | broken | cancelled
    note: str | None
    actor: str


@dataclass(frozen=True)
class ContractorDunning:
    """The dunning side of a contractor's card."""

    flags: dict[int, InvoiceFlags]
    promises: tuple[PromiseView, ...]
    messages: tuple[OutboxView, ...]
    #: message channels set up in this database (e-mail, SMS, voice)
    channels: frozenset[str]


def contractor_dunning(
    db: Database, contractor_id: int, *, secret: SecretReader = get_secret, limit: int = 500
) -> ContractorDunning:
    with db.read() as session:
        flags = {
            row.id: InvoiceFlags(
                row.disputed,
                row.dispute_reason,
                row.collection_paused_until,
                row.collection_pause_reason,
                row.handed_over_on,
            )
            for row in session.scalars(
                select(Invoice).where(Invoice.contractor_id == contractor_id)
            )
        }
        promises = tuple(
            PromiseView(
                p.id,
                p.made_on,
                p.due_on,
                p.amount_minor,
                p.currency,
                p.status,
                p.note,
                p.actor,
            )
            for p in session.scalars(
                select(Promise)
                .where(Promise.contractor_id == contractor_id)
                .order_by(Promise.due_on.desc(), Promise.id.desc())
            )
        )
    messages = tuple(outbox.list_messages(db, contractor_id=contractor_id, limit=limit))
    configured = ConfiguredChannels(Snapshot.load(db), secret).configured()
    return ContractorDunning(flags, promises, messages, frozenset(configured & {*MESSAGE_CHANNELS}))


@dataclass(frozen=True)
class ReminderPreview:
    channel: str
    to: tuple[str, ...]
    template: str
    invoices: tuple[str, ...]
    message: RenderedMessage
    #: what holds the contractor's reminders (a pause, a promise): a person confirms first
    warnings: tuple[str, ...] = ()


def preview_reminder(db: Database, ref: str | int, channel: str, today: dt.date) -> ReminderPreview:
    """What ``actions.send_reminder_now`` would send today, without sending or recording it."""
    if channel not in MESSAGE_CHANNELS:
        raise ValidationError(
            _("Unknown channel {channel}").format(channel=channel), field="channel"
        )
    settings = Snapshot.load(db)
    with db.read() as session:
        draft = actions.draft_reminder(session, settings, ref, channel, today)
    return ReminderPreview(
        channel,
        draft.to,
        draft.template_name,
        tuple(i.number for i in draft.items),
        draft.rendered,
        draft.warnings,
    )


@dataclass(frozen=True)
class ContractorHit:
    id: int
    name: str
    nip: str | None
    email: str | None


def find_contractors(db: Database, text: str, *, limit: int = 20) -> list[ContractorHit]:
    """Contractors matching ``text`` as the main list's search does (name, city, NIP, e-mail,
    phone)."""
    query = (
        select(Contractor)
        .options(selectinload(Contractor.emails))
        .order_by(Contractor.search_name, Contractor.id)
        .limit(limit)
    )
    with db.read() as session:
        # the main list's matching rules (name, city, NIP, e-mail, phone): both searches agree
        condition = search_condition(session, text)
        if condition is not None:
            query = query.where(condition)
        return [
            ContractorHit(c.id, c.name, c.nip, c.emails[0].email if c.emails else None)
            for c in session.scalars(query)
        ]


def tag_names(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Tag.name).order_by(Tag.name)))


def template_names(db: Database) -> list[str]:
    """Shipped and the firm's own template names, sorted, each once."""
    from desktop_app.services.dunning.templates_store import list_templates

    return sorted({info.name for info in list_templates(db)} | set(list_defaults()))


def contractor_name(db: Database, contractor_id: int) -> str:
    with db.read() as session:
        return contractors.resolve(session, contractor_id).name
