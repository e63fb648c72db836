"""Our own firm: the creditor on letters and the sender of messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import Firm
from db.uow import Database

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


def home_currency(db: Database) -> str:
    firm = get_firm(db)
    return firm.home_currency if firm else DEFAULT_CURRENCY
