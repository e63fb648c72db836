"""The letterhead letters carry: the firm's name and address (shown), its logo, the signature.

The logo is kept in the firm's row as the image file's bytes; only PNG and JPEG (what ReportLab
draws without extra libraries), and small enough to travel in every letter's PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import Firm, Setting
from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.settings import parse_value, store_value

#: a logo larger than this would make every letter heavy to print and send
MAX_LOGO_BYTES = 1024 * 1024
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SIGNATURE_KEY = "letters.signature"


@dataclass(frozen=True)
class Letterhead:
    name: str
    address_lines: tuple[str, ...]
    nip: str
    logo: bytes | None
    logo_mime: str | None
    signature: str


def image_mime(data: bytes) -> str:
    """The image's type from its first bytes, or a ValidationError saying what is accepted."""
    for magic, mime in _SIGNATURES.items():
        if data.startswith(magic):
            return mime
    raise ValidationError(_("The logo must be a PNG or JPEG image"), field="logo")


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
    mime = None
    if logo is not None:
        if len(logo) > MAX_LOGO_BYTES:
            raise ValidationError(
                _("The logo is larger than {size} KB: choose a smaller image").format(
                    size=MAX_LOGO_BYTES // 1024
                ),
                field="logo",
            )
        mime = image_mime(logo)
    value = parse_value(SIGNATURE_KEY, signature)
    with db.write() as session:
        firm = session.scalar(select(Firm).order_by(Firm.id).limit(1))
        if firm is None:
            raise ValidationError(
                _("Set the firm's details first: the letterhead shows them"), field="firm"
            )
        firm.logo = logo
        firm.logo_mime = mime
        store_value(session, SIGNATURE_KEY, value)
