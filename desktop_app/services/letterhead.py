"""The letterhead letters carry: the firm's name and address (shown), its logo, the signature.

The logo is kept in the firm's row as the image file's bytes, checked as ``inkaso firm logo``
checks it (``firm.check_logo``); the signature block is the setting ``letters.signature``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import Firm, Setting
from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import audit
from desktop_app.services.firm import check_logo
from desktop_app.settings import parse_value, store_value

SIGNATURE_KEY = "letters.signature"


@dataclass(frozen=True)
class Letterhead:
    name: str
    address_lines: tuple[str, ...]
    nip: str
    logo: bytes | None
    logo_mime: str | None
    signature: str


def get_letterhead(db: Database) -> Letterhead | None:
    """None until the firm's details are set."""
    with db.read() as session:
        firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
        if firm is None:
            return None
        setting = session.get(Setting, SIGNATURE_KEY)
        town = " ".join(p for p in (firm.postal_code, firm.city) if p)
        return Letterhead(
            name=firm.name,
            address_lines=tuple(p for p in (firm.street, town) if p),
            nip=firm.nip or "",
            logo=bytes(firm.logo) if firm.logo else None,
            logo_mime=firm.logo_mime,
            signature=str(setting.value) if setting is not None else "",
        )


def save_letterhead(db: Database, *, logo: bytes | None, signature: str) -> None:
    """Store the logo (None removes it) and the signature block in one transaction."""
    mime = check_logo(logo)
    value = parse_value(SIGNATURE_KEY, signature)
    with db.write() as session:
        firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
        if firm is None:
            raise ValidationError(
                _("Set the firm's details first: the letterhead shows them"), field="firm"
            )
        before = {"logo": firm.logo}
        firm.logo = logo
        firm.logo_mime = mime
        before["signature"] = store_value(session, SIGNATURE_KEY, value)
        audit.record(
            session,
            kind="letterhead",
            target=firm.name,
            action="update",
            before=before,
            after={"logo": logo, "signature": value},
        )
