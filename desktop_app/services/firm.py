"""Our own firm: the creditor on letters and the sender of messages."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Firm, FirmBankAccount
from db.uow import Database
from desktop_app.domain.identifiers import (
    normalize_email,
    normalize_iban,
    normalize_nip,
    normalize_phone,
)
from desktop_app.domain.money import normalize_currency
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import audit

DEFAULT_CURRENCY = "PLN"


@dataclass(frozen=True)
class FirmView:
    name: str
    nip: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    email: str | None
    phone: str | None
    home_currency: str
    accounts: tuple[str, ...]


@dataclass
class FirmInput:
    name: str
    nip: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    #: (IBAN or NRB, currency); the first of each currency is the one put on messages
    accounts: Sequence[tuple[str, str]] = ()


def get_firm(db: Database) -> FirmView | None:
    with db.read() as session:
        firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
        if firm is None:
            return None
        return FirmView(
            name=firm.name,
            nip=firm.nip,
            street=firm.street,
            postal_code=firm.postal_code,
            city=firm.city,
            email=firm.email,
            phone=firm.phone,
            home_currency=firm.home_currency,
            accounts=tuple(a.iban for a in firm.accounts),
        )


#: the letterhead's logo: a PNG or JPEG a letter can embed, at most this large
MAX_LOGO_BYTES = 1_000_000
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def check_logo(data: bytes | None) -> str | None:
    """The logo's MIME type (None for no logo), or a ValidationError saying what is wrong."""
    if data is None:
        return None
    mime = next((m for magic, m in _LOGO_TYPES.items() if data.startswith(magic)), None)
    if mime is None:
        raise ValidationError(_("The logo must be a PNG or JPEG picture"), field="logo")
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is larger than {size} kB").format(size=MAX_LOGO_BYTES // 1000),
            field="logo",
        )
    if not readable_picture(data):
        raise ValidationError(_("The logo picture cannot be read"), field="logo")
    return mime


def set_logo(db: Database, data: bytes | None) -> None:
    """The logo on the letterhead (PNG or JPEG up to 1 MB); None removes it."""
    mime = check_logo(data)
    with db.write() as session:
        firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
        if firm is None:
            raise ValidationError(
                _("The firm's details are not entered yet: inkaso firm set --name ..."),
                field="name",
            )
        audit.record(
            session,
            kind="letterhead",
            target=firm.name,
            action="update",
            before={"logo": firm.logo},
            after={"logo": data},
        )
        firm.logo = data
        firm.logo_mime = mime


def readable_picture(data: bytes) -> bool:
    """Whether the picture decodes (a truncated or corrupt file is refused when it is set, not
    when a letter is printed)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    return True


def home_currency(db: Database) -> str:
    firm = get_firm(db)
    return firm.home_currency if firm else DEFAULT_CURRENCY


def save_firm(db: Database, data: FirmInput) -> None:
    """Create or update the firm's details (everything a letter and a reminder sign with)."""
    checked = check_firm(data)
    with db.write() as session:
        write_firm(session, checked)


def check_firm(data: FirmInput) -> FirmInput:
    """The details normalised, or a ValidationError naming the field; writes nothing."""
    name = data.name.strip()
    if not name:
        raise ValidationError(_("The firm's name is empty"), field="name")
    return FirmInput(
        name=name,
        nip=normalize_nip(data.nip) if data.nip else None,
        street=data.street or None,
        postal_code=data.postal_code or None,
        city=data.city or None,
        email=normalize_email(data.email) if data.email else None,
        phone=normalize_phone(data.phone) if data.phone else None,
        accounts=[(normalize_iban(iban), normalize_currency(cur)) for iban, cur in data.accounts],
    )


def write_firm(session: Session, data: FirmInput) -> None:
    """Store details already passed through ``check_firm``, in the caller's transaction."""
    firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
    before = _audited(firm) if firm is not None else None
    if firm is None:
        firm = Firm(name=data.name, home_currency=DEFAULT_CURRENCY)
        session.add(firm)
    firm.name = data.name
    firm.nip = data.nip
    firm.street = data.street
    firm.postal_code = data.postal_code
    firm.city = data.city
    firm.email = data.email
    firm.phone = data.phone
    if data.accounts:
        rows = []
        seen: set[str] = set()
        for iban, currency in data.accounts:
            rows.append(
                FirmBankAccount(iban=iban, currency=currency, is_default=currency not in seen)
            )
            seen.add(currency)
        firm.accounts = rows
    audit.record(
        session,
        kind="firm",
        target=data.name,
        action="create" if before is None else "update",
        before=before,
        after=_audited(firm),
    )


def _audited(firm: Firm) -> dict[str, Any]:
    """The firm's fields as the audit trail compares them."""
    return {
        "name": firm.name,
        "nip": firm.nip,
        "street": firm.street,
        "postal_code": firm.postal_code,
        "city": firm.city,
        "email": firm.email,
        "phone": firm.phone,
        "accounts": [f"{a.iban} {a.currency}" for a in firm.accounts],
    }
