"""The registered-mail list of a batch (pocztowa książka nadawcza): one row per letter, for the
post office to stamp; a PDF of its own beside the letters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop_app.domain.dates import format_day
from desktop_app.i18n import _
from desktop_app.letters import fonts
from desktop_app.letters.model import Party


@dataclass(frozen=True, slots=True)
class PostbookEntry:
    recipient: str
    address: str
    reference: str


def render_postbook(
    entries: list[PostbookEntry], sender: Party, day: dt.date, target: Path
) -> None:
    """A landscape A4 list: number, recipient, address, the post office's columns left empty."""
    fonts.register()
    small = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=fonts.BOLD, fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName=fonts.BOLD, fontSize=13, leading=16)
    text = ParagraphStyle("text", fontName=fonts.REGULAR, fontSize=9, leading=12)
    headers = [
        _("No."),
        _("Recipient"),
        _("Exact delivery address"),
        _("Declared value"),
        _("Weight"),
        _("Tracking number"),
        _("Notes"),
        _("Fee"),
    ]
    rows: list[list[Any]] = [[Paragraph(escape(h), head) for h in headers]]
    for n, entry in enumerate(entries, 1):
        rows.append(
            [
                str(n),
                Paragraph(escape(entry.recipient), small),
                Paragraph(escape(entry.address), small),
                "",
                "",
                "",
                Paragraph(escape(entry.reference), small),
                "",
            ]
        )
    table = Table(rows, colWidths=[w * mm for w in (10, 62, 80, 22, 16, 40, 30, 17)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
                ("MINROWHEIGHT", (0, 1), (-1, -1), 11 * mm),
            ]
        )
    )
    doc = SimpleDocTemplate(
        str(target),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_("Registered mail list"),
        creator="Inkaso",
        invariant=True,
    )
    sender_line = ", ".join(p for p in (sender.name, sender.address) if p)
    doc.build(
        [
            Paragraph(escape(_("Registered mail list (pocztowa książka nadawcza)")), title),
            Spacer(1, 2 * mm),
            Paragraph(escape(_("Sender: {sender}").format(sender=sender_line)), text),
            Paragraph(
                escape(
                    _("Date: {date}, letters: {count}").format(
                        date=format_day(day), count=len(entries)
                    )
                ),
                text,
            ),
            Spacer(1, 4 * mm),
            table,
        ]
    )
