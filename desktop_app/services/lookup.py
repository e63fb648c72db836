"""Find a contractor the way a caller or a hurried user names it: a phone number as the exchange
sends it, a NIP however it is typed, an id, or a few letters of a name, city or invoice number.

Used by the running app for ``inkaso open`` (a softphone on an incoming call) and by the
quick-find box. Everything here is an indexed lookup or a short, limited query: it answers while
the phone is still ringing, on the 20,000-contractor demo too.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ContactPerson, Contractor, ContractorPhone, Invoice
from desktop_app.domain.identifiers import normalize_nip, phone_lookup_key
from desktop_app.errors import ValidationError
from desktop_app.services.contractor_list import search_condition

#: the quick-find popup shows this many; more means the user types on
QUICK_LIMIT = 12
#: digits with what people type between them in phone numbers and NIPs ("PL" before a NIP)
_NUMBER = re.compile(r"(PL|pl)?\+?[\d\s\-()/.]+")


@dataclass(frozen=True)
class Hit:
    contractor_id: int
    name: str
    nip: str | None
    city: str | None
    #: set when the text was an invoice number: the card opens with it selected
    invoice_number: str | None = None


def _hits(session: Session, ids: list[int]) -> list[Hit]:
    if not ids:
        return []
    rows = session.execute(
        select(Contractor.id, Contractor.name, Contractor.nip, Contractor.city)
        .where(Contractor.id.in_(ids))
        .order_by(Contractor.search_name, Contractor.id)
    )
    return [Hit(row.id, row.name, row.nip, row.city) for row in rows]


def by_phone(session: Session, number: str) -> list[Hit]:
    """Contractors with this number, their own or one of their contact persons'. Numbers are
    stored in E.164, so the caller's number is brought to that form and compared exactly
    (an index lookup)."""
    key = phone_lookup_key(number)
    if key is None:
        return []
    own = select(ContractorPhone.contractor_id).where(ContractorPhone.phone == key)
    persons = select(ContactPerson.contractor_id).where(ContactPerson.phone == key)
    ids = set(session.scalars(own)) | set(session.scalars(persons))
    return _hits(session, sorted(ids))


def by_nip(session: Session, nip: str) -> list[Hit]:
    """ValidationError (a sentence naming the NIP) when it is not a valid NIP."""
    found = session.scalars(select(Contractor.id).where(Contractor.nip == normalize_nip(nip)))
    return _hits(session, list(found))


def by_id(session: Session, contractor_id: int) -> list[Hit]:
    return _hits(session, [contractor_id])


def _whole_number(session: Session, text: str) -> list[Hit]:
    """Contractors with exactly this phone number or NIP, when the text is typed like one."""
    if not _NUMBER.fullmatch(text) or len(re.sub(r"\D", "", text)) < 9:
        return []
    found = by_phone(session, text)
    with contextlib.suppress(ValidationError):  # not a NIP: a phone number only
        found += [hit for hit in by_nip(session, text) if hit not in found]
    return found


def quick_find(session: Session, text: str, limit: int = QUICK_LIMIT) -> list[Hit]:
    """Invoices whose number starts with ``text`` first (the card opens on the invoice), then
    contractors matching it the way the list's search does (name, city, NIP, e-mail, phone)."""
    text = text.strip()
    if not text:
        return []
    # a range on the unique index instead of LIKE, which SQLite cannot serve from it
    invoices = session.execute(
        select(Invoice.number, Contractor.id, Contractor.name, Contractor.nip, Contractor.city)
        .join(Contractor, Contractor.id == Invoice.contractor_id)
        .where(Invoice.number >= text, Invoice.number < text + "\U0010ffff")
        .order_by(Invoice.number)
        .limit(limit)
    )
    hits = [Hit(row.id, row.name, row.nip, row.city, row.number) for row in invoices]
    if hits and hits[0].invoice_number == text:
        # a whole invoice number (pasted from a bank title or an e-mail): that invoice, at once,
        # rather than after a search of every name for it
        return hits[:1]
    exact = _whole_number(session, text)
    if exact:
        # a whole phone number or NIP: an index lookup instead of a substring search of all
        return (hits + exact)[:limit]
    condition = search_condition(session, text)
    if condition is not None and len(hits) < limit:
        contractors = session.execute(
            select(Contractor.id, Contractor.name, Contractor.nip, Contractor.city)
            .where(condition)
            .order_by(Contractor.search_name, Contractor.id)
            .limit(limit - len(hits))
        )
        hits += [Hit(row.id, row.name, row.nip, row.city) for row in contractors]
    return hits
