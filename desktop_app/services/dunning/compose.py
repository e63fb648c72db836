"""Filling templates with a contractor's data: who gets the message, in which words and language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Contractor, Firm, Instalment, Invoice, OutboxMessage, User
from db.models import MessageTemplate as TemplateRow
from desktop_app.domain.identifiers import format_phone
from desktop_app.domain.sms_text import transliterate
from desktop_app.messaging import (
    BankAccount,
    Item,
    MessageTemplate,
    Party,
    Person,
    RenderedMessage,
    SentReminder,
    TemplateContext,
    load_default,
    render_message,
)
from desktop_app.settings import Snapshot


@dataclass(frozen=True)
class Recipient:
    """A contractor as the channels need it."""

    id: int
    name: str
    language: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    party: Party
    manager: Person | None
    manager_email: str | None


@dataclass
class Composer:
    """Everything rendering needs for one run, read once."""

    firm: Party
    firm_name: str
    accounts: dict[str, BankAccount]
    settings: Snapshot
    overrides: dict[tuple[str, str], MessageTemplate]
    _recipients: dict[int, Recipient] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, settings: Snapshot) -> Composer:
        firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
        accounts: dict[str, BankAccount] = {}
        if firm is not None:
            for acc in sorted(firm.accounts, key=lambda a: not a.is_default):
                accounts.setdefault(
                    acc.currency, BankAccount(acc.iban, acc.bank_name or "", acc.currency)
                )
        overrides = {
            (row.name, row.language): MessageTemplate(
                row.name, row.language, row.body, row.subject, row.html
            )
            for row in session.scalars(select(TemplateRow))
        }
        party = (
            Party(
                name=firm.name,
                nip=firm.nip or "",
                address=_address(firm.street, firm.postal_code, firm.city),
                phone=format_phone(firm.phone) if firm.phone else "",
                email=firm.email or "",
            )
            if firm is not None
            else Party(name="")
        )
        return cls(party, party.name, accounts, settings, overrides)

    def template(self, name: str, language: str) -> MessageTemplate:
        override = self.overrides.get((name, language))
        return override if override is not None else load_default(name, language)

    def recipients(self, session: Session, contractor_ids: Sequence[int]) -> None:
        missing = [cid for cid in contractor_ids if cid not in self._recipients]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            rows = session.scalars(
                select(Contractor)
                .where(Contractor.id.in_(chunk))
                .options(
                    selectinload(Contractor.emails),
                    selectinload(Contractor.phones),
                    selectinload(Contractor.assigned_user),
                )
            )
            for c in rows:
                self._recipients[c.id] = _recipient(c)

    def recipient(self, contractor_id: int) -> Recipient:
        return self._recipients[contractor_id]

    def context(
        self,
        recipient: Recipient,
        items: Sequence[Item],
        today: dt.date,
        reminders: Sequence[SentReminder] = (),
    ) -> TemplateContext:
        currencies = {item.currency for item in items}
        return TemplateContext(
            contractor=recipient.party,
            items=tuple(items),
            firm=self.firm,
            today=today,
            # each currency's own account; none for a currency the firm has no account in
            accounts=tuple(a for c, a in sorted(self.accounts.items()) if c in currencies),
            account_manager=recipient.manager,
            reminders=tuple(reminders),
        )

    def render(
        self,
        template_name: str,
        recipient: Recipient,
        items: Sequence[Item],
        today: dt.date,
        channel: str,
        reminders: Sequence[SentReminder] = (),
    ) -> RenderedMessage:
        template = self.template(template_name, recipient.language)
        rendered = render_message(template, self.context(recipient, items, today, reminders))
        text = rendered.text.strip()
        if channel == "sms" and self.settings["sms.transliterate"]:
            text = transliterate(text, cyrillic=recipient.language == "ru")
        return RenderedMessage(text, rendered.subject, rendered.html)

    def sender_name(self, recipient: Recipient) -> str:
        """E-mails go out in the account manager's name when the contractor has one (seed 001)."""
        base = str(self.settings["smtp.from_name"] or self.firm_name)
        if recipient.manager is not None:
            return f"{recipient.manager.name} ({base})" if base else recipient.manager.name
        return base


def _address(street: str | None, postal: str | None, city: str | None) -> str:
    second = " ".join(p for p in (postal, city) if p)
    return "\n".join(p for p in (street, second) if p)


def _recipient(c: Contractor) -> Recipient:
    manager: User | None = c.assigned_user
    return Recipient(
        id=c.id,
        name=c.name,
        language=c.language,
        emails=tuple(e.email for e in c.emails),
        phones=tuple(p.phone for p in c.phones),
        party=Party(
            name=c.name,
            nip=c.nip or "",
            address=_address(c.street, c.postal_code, c.city),
            phone=format_phone(c.phones[0].phone) if c.phones else "",
            email=c.emails[0].email if c.emails else "",
        ),
        manager=(
            Person(manager.full_name, manager.email or "", manager.phone or "")
            if manager is not None and manager.active
            else None
        ),
        manager_email=manager.email if manager is not None and manager.active else None,
    )


def template_items(
    session: Session, instalment_ids: Sequence[int], today: dt.date
) -> dict[int, Item]:
    """Template items for instalments; "FV/1 (2/3)" when an invoice has several due dates."""
    rows = session.execute(
        select(Instalment, Invoice)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(Instalment.id.in_(list(instalment_ids)))
        .options(selectinload(Invoice.instalments))
    ).all()
    result = {}
    for inst, inv in rows:
        count = len(inv.instalments)
        number = inv.number if count == 1 else f"{inv.number} ({inst.seq}/{count})"
        result[inst.id] = Item.create(
            number=number,
            issue_date=inv.issue_date,
            due_date=inst.due_date,
            amount_minor=inst.amount_minor,
            open_minor=inst.open_minor,
            currency=inv.currency,
            today=today,
        )
    return result


def sent_reminders(
    session: Session, contractor_id: int, numbers: Iterable[str]
) -> list[SentReminder]:
    """Reminders that really went out to the contractor about any of these invoices.

    Tasks and notices quote them, so that "the client was reminded by e-mail and SMS" is only
    said when it happened; a case picked up already long overdue says so instead.
    """
    wanted = set(numbers)
    rows = session.execute(
        select(OutboxMessage.channel, OutboxMessage.finished_at, OutboxMessage.items)
        .where(
            OutboxMessage.contractor_id == contractor_id,
            OutboxMessage.status == "sent",
            OutboxMessage.channel.in_(("email", "sms", "voice")),
        )
        .order_by(OutboxMessage.finished_at, OutboxMessage.id)
    )
    found: list[SentReminder] = []
    for channel, finished_at, items in rows:
        if finished_at is not None and any(i.get("number") in wanted for i in items or ()):
            found.append(SentReminder(channel, finished_at.date()))
    return found
