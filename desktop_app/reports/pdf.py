"""The "Owed to us" report as a PDF: landscape A4, the firm, the as-of date and the filters on top,
one table per currency whose header repeats on every page, the totals, and "page N of M" below.
DejaVu Sans (the letters' font) carries the Polish letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop_app.domain.dates import format_day
from desktop_app.i18n import _
from desktop_app.letters import fonts
from desktop_app.reports.owed import Column, Kind, Line, OwedTable, column_title, money_text
from desktop_app.reports.titles import as_of_text, filters_text, heading

_SIZE = 7.5


def cell_text(column: Column, line: Line, currency: str) -> str:
    """One cell as a person reads it (the window shows the same texts)."""
    value = line.values.get(column.key)
    if column.kind is Kind.MONEY:
        return money_text(value, currency)
    if column.kind is Kind.DATE:
        return format_day(value) if value is not None else ""  # type: ignore[arg-type]
    if column.kind is Kind.DAYS:
        return str(value) if value else ""
    return "" if value is None else str(value)


def _numbered(total_pages: list[int]) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Keeps every page until the end so each can say how many there are."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, 8)
                text = _("Page {page} of {pages}").format(page=self._pageNumber, pages=count)
                self.drawRightString(self._pagesize[0] - 12 * mm, 8 * mm, text)
                super().showPage()
            total_pages.append(count)
            super().save()

    return NumberedCanvas


def write_pdf(table: OwedTable, path: Path, *, firm: str = "") -> int:
    """Writes the file; returns its number of pages."""
    fonts.register()
    title = ParagraphStyle("title", fontName=fonts.BOLD, fontSize=14, leading=18)
    plain = ParagraphStyle("plain", fontName=fonts.REGULAR, fontSize=9, leading=12)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=heading(table),
        author=firm,
    )
    story: list[Any] = []
    if firm:
        story.append(Paragraph(_escape(firm), plain))
    story.append(Paragraph(_escape(heading(table)), title))
    story.append(Paragraph(_escape(as_of_text(table)), plain))
    story.append(Paragraph(_escape(filters_text(table)), plain))
    if not table.sections:
        story.append(Spacer(1, 6 * mm))
        story.append(Paragraph(_escape(_("Nobody owes anything.")), plain))
    for section in table.sections:
        story.append(Spacer(1, 5 * mm))
        story.append(Paragraph(_escape(section.currency), title))
        story.append(_table(table, section.currency, section.lines, section.total, doc.width))
    pages: list[int] = []
    doc.build(story, canvasmaker=_numbered(pages))
    return pages[0] if pages else 0


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(table: OwedTable, currency: str, lines: list[Line], total: Line, width: float) -> Table:
    cols = table.columns
    data = [[column_title(c) for c in cols]]
    data += [[cell_text(c, line, currency) for c in cols] for line in lines]
    data.append([cell_text(c, total, currency) for c in cols])
    texts = [c for c in cols if c.kind is Kind.TEXT]
    numbers = len(cols) - len(texts)
    number_width = min(24 * mm, width * 0.6 / max(numbers, 1))
    text_width = (width - number_width * numbers) / max(len(texts), 1)
    widths = [text_width if c.kind is Kind.TEXT else number_width for c in cols]
    if texts and cols[0].kind is Kind.TEXT and len(texts) > 1:
        # the name gets twice the room of the NIP and the manager
        share = text_width * len(texts)
        widths = [
            (share / (len(texts) + 1)) * (2 if i == 0 else 1) if c.kind is Kind.TEXT else w
            for i, (c, w) in enumerate(zip(cols, widths, strict=True))
        ]
    out = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, _SIZE),
        ("FONT", (0, 0), (-1, 0), fonts.BOLD, _SIZE),
        ("FONT", (0, -1), (-1, -1), fonts.BOLD, _SIZE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f4f7")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for i, column in enumerate(cols):
        if column.kind is not Kind.TEXT:
            style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    out.setStyle(TableStyle(style))
    return out
