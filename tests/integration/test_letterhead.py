"""The letterhead the owner sets (logo, signature block) is on the letters; a non-image is refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib

import pytest
from pypdf import PdfReader

from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.services import letter_queue, letterhead
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.services.letters import LetterRequest
from tests.helpers import contractor, invoice

D = dt.date


def png(width: int = 60, height: int = 20) -> bytes:
    """A small valid PNG, written by hand so the core test needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x1f\x4e\x79" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))


def test_logo_and_signature_block_are_on_the_letter(db: Database) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak", street="ul. Fabryczna 5", city="Warszawa"))
    cid = contractor(db, "Beta Budownictwo S.A.", city="Płock")
    invoice(db, cid, "FV/3/2024", D(2024, 2, 1), (D(2024, 2, 15), 50_000))
    request = LetterRequest("demand", cid, D(2024, 4, 2))
    before = letter_queue.preview_letter(db, request)
    assert "Prezes Zarządu" not in text_of(before.pdf)
    assert not PdfReader(io.BytesIO(before.pdf)).pages[0].images

    letterhead.save_letterhead(db, logo=png(), signature="Anna Nowak\nPrezes Zarządu")
    after = letter_queue.preview_letter(db, request)
    text = text_of(after.pdf)
    assert "Anna Nowak" in text and "Prezes Zarządu" in text
    assert len(PdfReader(io.BytesIO(after.pdf)).pages[0].images) == 1
    stored = letterhead.get_letterhead(db)
    assert stored is not None and stored.logo_mime == "image/png"


def test_a_logo_that_is_no_png_or_jpeg_is_refused(db: Database) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak"))
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        letterhead.save_letterhead(db, logo=b"%PDF-1.4 not an image", signature="")
    with pytest.raises(ValidationError, match="larger than"):
        letterhead.save_letterhead(db, logo=png() + b"\0" * (1024 * 1024), signature="")
    stored = letterhead.get_letterhead(db)
    assert stored is not None and stored.logo is None
