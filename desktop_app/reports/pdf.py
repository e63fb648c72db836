"""The "Owed to us" report as a PDF: landscape A4, the firm, the as-of date and the filters on top,
one table per currency whose header repeats on every page, the totals, and "page N of M" below.
DejaVu Sans (the letters' font) carries the Polish letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop_app.domain.dates import format_day
from desktop_app.domain.money import format_amount
from desktop_app.i18n import _
from desktop_app.letters import fonts
from desktop_app.reports.owed import Column, Kind, Line, OwedTable, column_title, money_text
from desktop_app.reports.titles import as_of_text, filters_text, heading

_SIZE = 7.0


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


def write_pdf(table: OwedTable, path: Path, *, firm: str = "", home: str = "") -> int:
    """Writes the file, the firm's ``home`` currency first; returns its number of pages."""
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
    for section in sorted(table.sections, key=lambda s: s.currency != home):
        story.append(Spacer(1, 5 * mm))
        story.append(Paragraph(_escape(section.currency), title))
        story.append(_table(table, section.currency, section.lines, section.total, doc.width))
    pages: list[int] = []
    doc.build(story, canvasmaker=_numbered(pages))
    return pages[0] if pages else 0


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_text(column: Column, line: Line, currency: str) -> str:
    """As on screen, but amounts without the currency: the section's title names it once, and
    ten columns of "zł" would not fit across the page."""
    value = line.values.get(column.key)
    if column.kind is Kind.MONEY and isinstance(value, int):
        return format_amount(value, currency)
    return cell_text(column, line, currency)


def _table(table: OwedTable, currency: str, lines: list[Line], total: Line, width: float) -> Table:
    cols = table.columns
    body = [[_pdf_text(c, line, currency) for c in cols] for line in [*lines, total]]
    pad = 6.0
    widths: list[float] = []
    for i, column in enumerate(cols):
        words = column_title(column).split()
        widest_word = max((stringWidth(w, fonts.BOLD, _SIZE) for w in words), default=0)
        if column.kind is Kind.TEXT and i != 0 and column.key != "nip":
            widths.append(0.0)  # shares what is left with the name
            continue
        if i == 0:
            widths.append(0.0)
            continue
        widest = max((stringWidth(row[i], fonts.BOLD, _SIZE) for row in body), default=0)
        widths.append(max(widest, widest_word) + pad)
    left = max(width - sum(widths), 40 * mm)
    shares = [i for i, w in enumerate(widths) if w == 0.0]
    for n, i in enumerate(shares):
        # the name gets the larger part of the room left (a manager's name is short)
        widths[i] = left * (0.62 if n == 0 and len(shares) > 1 else 0.38 if len(shares) > 1 else 1)
    head = ParagraphStyle("head", fontName=fonts.BOLD, fontSize=_SIZE, leading=_SIZE + 2)
    head_right = ParagraphStyle("head_right", parent=head, alignment=TA_RIGHT)
    cell = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=_SIZE, leading=_SIZE + 2)
    data: list[list[object]] = [
        [
            Paragraph(_escape(column_title(c)), head if c.kind is Kind.TEXT else head_right)
            for c in cols
        ]
    ]
    for row in body:
        shown: list[object] = list(row)
        for i in shares:
            # only what does not fit is wrapped: a Paragraph per cell would slow a long report
            if stringWidth(row[i], fonts.REGULAR, _SIZE) > widths[i] - pad:
                shown[i] = Paragraph(_escape(row[i]), cell)
        data.append(shown)
    out = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, _SIZE),
        ("FONT", (0, -1), (-1, -1), fonts.BOLD, _SIZE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f4f7")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad / 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for i, column in enumerate(cols):
        if column.kind is not Kind.TEXT:
            style.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
    out.setStyle(TableStyle(style))
    return out
