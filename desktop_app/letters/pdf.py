"""Letters as PDF (ReportLab platypus), from plain values only.

Page layout (A4, millimetres from the page's top-left corner):

* letterhead 12-36 mm: the logo (at most 40 x 20 mm) and the firm's name, address, NIP and
  contacts; the place and date on the right at 42 mm;
* the address field for a DL window envelope (C6/5, 110 x 220 mm, window 90 x 45 mm placed
  20 mm from the left and 15 mm from the bottom): 20 mm from the left edge, 47-90 mm from the top,
  85 mm wide (DIN 5008 form B, which an A4 folded in three shows in that window). Its first line
  is the sender in small print and "registered mail" when it goes so; the debtor's name, address
  and NIP follow from 55 mm;
* the text from 96 mm on the first page, 25 mm on the next ones; margins 25 mm left, 20 mm
  right, 20 mm bottom; the footer names the firm and the page of the letter.

A batch is one document: every letter starts on a new first page with its own header.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date
from babel.numbers import format_decimal
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop_app.domain.dates import format_day
from desktop_app.domain.money import Money, format_amount, format_money
from desktop_app.i18n import babel_locale
from desktop_app.letters import fonts
from desktop_app.letters.model import DEMANDS, LetterData, LetterItem, Total
from desktop_app.letters.texts import LetterText, labels

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 25 * mm
RIGHT = 20 * mm
BOTTOM = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
#: the address field of the DL window (see the module's doc)
WINDOW_LEFT = 20 * mm
WINDOW_TOP = 47 * mm
WINDOW_WIDTH = 85 * mm
ADDRESS_TOP = 55 * mm
FIRST_TEXT_TOP = 96 * mm
LATER_TEXT_TOP = 25 * mm
LOGO_BOX = (40 * mm, 20 * mm)

_GRID = colors.HexColor("#9a9a9a")
_SHADE = colors.HexColor("#eeeeee")


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle(
        "body", fontName=fonts.REGULAR, fontSize=9.5, leading=12.6, alignment=TA_JUSTIFY
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=fonts.BOLD, fontSize=13, leading=16,
            alignment=TA_CENTER, spaceBefore=2 * mm, spaceAfter=5 * mm,
        ),
        "para": ParagraphStyle("para", parent=base, spaceAfter=2.4 * mm),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "total": ParagraphStyle("total", parent=base, fontName=fonts.BOLD),
        "caption": ParagraphStyle(
            "caption", parent=base, fontName=fonts.BOLD, fontSize=9, leading=12,
            spaceBefore=3 * mm, spaceAfter=1.5 * mm,
        ),
    }  # fmt: skip


def _text(value: str) -> str:
    """Data and template output as Paragraph markup: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def long_date(day: dt.date, language: str) -> str:
    return str(format_date(day, "long", locale=babel_locale(language)))


def _rate(rate: Decimal, language: str) -> str:
    return str(format_decimal(rate, "0.00", locale=babel_locale(language))) + "%"


class _LetterStart(Flowable):  # type: ignore[misc]
    """Takes no room; tells the page callbacks whose letter the page belongs to."""

    def __init__(self, letter: LetterData) -> None:
        super().__init__()
        self.letter = letter
        self.width = self.height = 0

    def wrap(self, *_args: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas._inkaso_letter = self.letter
        canvas._inkaso_first_page = canvas.getPageNumber()


class _Document(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, target: str | io.BytesIO) -> None:
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=LATER_TEXT_TOP,
            bottomMargin=BOTTOM,
            title="Inkaso",
            creator="Inkaso",
            invariant=True,
        )
        first = Frame(
            LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - FIRST_TEXT_TOP - BOTTOM, id="first", **_PAD
        )
        later = Frame(
            LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - LATER_TEXT_TOP - BOTTOM, id="later", **_PAD
        )
        self.addPageTemplates(
            [
                PageTemplate("first", [first], onPageEnd=_first_page),
                PageTemplate("later", [later], onPageEnd=_later_page),
            ]
        )


_PAD = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}


def _letter_on(canvas: Any) -> tuple[LetterData, int]:
    letter: LetterData = canvas._inkaso_letter
    return letter, canvas.getPageNumber() - canvas._inkaso_first_page + 1


def _top(y_from_top: float) -> float:
    return float(PAGE_HEIGHT - y_from_top)


def _draw_logo(canvas: Canvas, logo: bytes) -> float:
    """The logo at the top left, scaled into its box; returns the width it took."""
    try:
        image = ImageReader(io.BytesIO(logo))
        width, height = image.getSize()
    except Exception:  # a damaged logo leaves the letterhead without it, not the letter unwritten
        return 0.0
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    w, h = width * scale, height * scale
    canvas.drawImage(image, LEFT, _top(12 * mm) - h, w, h, mask="auto")
    return float(w + 5 * mm)


def _first_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
    letter, page = _letter_on(canvas)
    words = labels(letter.language)
    canvas.saveState()
    x = LEFT + (_draw_logo(canvas, letter.logo) if letter.logo else 0.0)
    firm = letter.creditor
    canvas.setFont(fonts.BOLD, 12)
    canvas.drawString(x, _top(17 * mm), firm.name)
    canvas.setFont(fonts.REGULAR, 8)
    lines = [firm.address]
    if firm.nip:
        lines.append(words["nip"].format(nip=firm.nip))
    contacts = "  ·  ".join(p for p in (firm.phone, firm.email) if p)
    if contacts:
        lines.append(contacts)
    for i, line in enumerate(lines):
        canvas.drawString(x, _top(22 * mm + i * 3.6 * mm), line)
    canvas.setStrokeColor(_GRID)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, _top(36 * mm), PAGE_WIDTH - RIGHT, _top(36 * mm))
    canvas.setFont(fonts.REGULAR, 10)
    canvas.drawRightString(
        PAGE_WIDTH - RIGHT,
        _top(42 * mm),
        words["place_date"].format(
            place=letter.place, date=long_date(letter.date, letter.language)
        ),
    )
    # the envelope window: sender line, registered-mail mark, then the debtor
    canvas.setFont(fonts.REGULAR, 6.5)
    sender = ", ".join(p for p in (firm.name, firm.address) if p)
    canvas.drawString(WINDOW_LEFT, _top(WINDOW_TOP + 2 * mm), sender[:110])
    if letter.registered:
        canvas.setFont(fonts.BOLD, 8)
        canvas.drawString(WINDOW_LEFT, _top(WINDOW_TOP + 5.5 * mm), words["registered"].upper())
    debtor = letter.debtor
    canvas.setFont(fonts.BOLD, 10.5)
    y = ADDRESS_TOP + 4 * mm
    for part in _wrap(debtor.name, fonts.BOLD, 10.5, WINDOW_WIDTH):
        canvas.drawString(WINDOW_LEFT, _top(y), part)
        y += 4.8 * mm
    canvas.setFont(fonts.REGULAR, 10.5)
    for line in debtor.address_lines:
        canvas.drawString(WINDOW_LEFT, _top(y), line)
        y += 4.8 * mm
    if debtor.nip:
        canvas.drawString(WINDOW_LEFT, _top(y), words["nip"].format(nip=debtor.nip))
    canvas.setFont(fonts.REGULAR, 9)
    canvas.drawString(
        115 * mm, _top(ADDRESS_TOP + 4 * mm), words["reference"].format(reference=letter.reference)
    )
    canvas.restoreState()
    _footer(canvas, letter, page)


def _later_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
    letter, page = _letter_on(canvas)
    words = labels(letter.language)
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, 8)
    canvas.drawString(LEFT, _top(14 * mm), letter.creditor.name)
    canvas.drawRightString(
        PAGE_WIDTH - RIGHT, _top(14 * mm), words["reference"].format(reference=letter.reference)
    )
    canvas.setStrokeColor(_GRID)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, _top(16 * mm), PAGE_WIDTH - RIGHT, _top(16 * mm))
    canvas.restoreState()
    _footer(canvas, letter, page)


def _footer(canvas: Canvas, letter: LetterData, page: int) -> None:
    canvas.saveState()
    canvas.setFont(fonts.REGULAR, 7.5)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(LEFT, 12 * mm, letter.creditor.name)
    canvas.drawRightString(
        PAGE_WIDTH - RIGHT, 12 * mm, labels(letter.language)["page"].format(page=page)
    )
    canvas.restoreState()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """The debtor's name in lines that fit the window (at most three)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines[:3]


# -- the tables ---------------------------------------------------------------------------


def _money(value: Money, language: str) -> str:
    return _money_text(value.minor, value.currency, language)


@functools.lru_cache(maxsize=4096)
def _money_text(minor: int, currency: str, language: str) -> str:
    # Babel parses the currency pattern on every call; a batch repeats the same amounts
    return format_money(minor, currency, language)


def _table(rows: list[list[str]], widths: Sequence[float], right_from: int, totals: int) -> Table:
    """A grid with a shaded header; columns from ``right_from`` on are numbers (right-aligned);
    the last ``totals`` rows are bold."""
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 7.8),
        ("FONT", (0, 0), (-1, 0), fonts.BOLD, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), _SHADE),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (right_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if totals:
        style += [
            ("FONT", (0, -totals), (-1, -1), fonts.BOLD, 7.8),
            ("BACKGROUND", (0, -totals), (-1, -1), _SHADE),
        ]
    table.setStyle(TableStyle(style))
    return table


#: columns of amounts: their header names the currency when the table has only one
_AMOUNT_KEYS = frozenset({"amount", "principal", "interest", "compensation", "base"})


def _header(words: dict[str, str], keys: Iterable[str], currency: str | None) -> list[Any]:
    style = ParagraphStyle(
        "th", fontName=fonts.BOLD, fontSize=7.3, leading=8.6, alignment=TA_CENTER
    )
    suffix = f" ({currency})" if currency else ""
    return [
        Paragraph(escape(words[k] + (suffix if k in _AMOUNT_KEYS else "")), style) for k in keys
    ]


def _one_currency(letter: LetterData) -> str | None:
    """The currency of every amount in the tables, when there is one (then the cells show
    numbers and the headers the currency, which leaves the columns room)."""
    found = {i.currency for i in letter.items}
    found |= {i.compensation.currency for i in letter.items if i.compensation}
    return found.pop() if len(found) == 1 else None


def _cell(value: Money, language: str, plain: str | None) -> str:
    if value.currency == plain:
        return format_amount(value.minor, value.currency, language)
    return _money(value, language)


def _number(item: LetterItem, words: dict[str, str]) -> str:
    """The invoice's number, and which instalment when it is paid in several."""
    if not item.part:
        return item.number
    return item.number + "\n" + words["instalment"].format(part=item.part)


def _items_table(letter: LetterData) -> Table:
    words = labels(letter.language)
    lang = letter.language
    plain = _one_currency(letter)

    def cell(value: Money, language: str) -> str:
        return _cell(value, language, plain)

    items = letter.items
    if letter.kind == "balance":
        keys = ["row", "invoice", "issue_date", "due_date", "amount", "principal"]
        widths = [9, 44, 24, 24, 32, 32]
        rows = [
            [
                str(n),
                _number(i, words),
                format_day(i.issue_date, lang),
                format_day(i.due_date, lang),
                cell(i.amount, lang),
                cell(i.principal, lang),
            ]
            for n, i in enumerate(items, 1)
        ]

        def total_cells(t: Total) -> list[str]:
            return [cell(t.principal, lang)]

    elif letter.kind == "interest-note":
        keys = ["row", "invoice", "amount", "due_date", "paid_on", "days_late", "interest"]
        widths = [9, 40, 29, 22, 22, 16, 27]
        rows = [
            [
                str(n),
                _number(i, words),
                cell(i.amount, lang),
                format_day(i.due_date, lang),
                format_day(i.paid_on, lang) if i.paid_on else "",
                str(i.days_late),
                cell(i.interest, lang),
            ]
            for n, i in enumerate(items, 1)
        ]

        def total_cells(t: Total) -> list[str]:
            return [cell(t.interest, lang)]

    elif letter.kind == "compensation":
        keys = [
            "row",
            "invoice",
            "amount",
            "due_date",
            "paid_on",
            "compensation_eur",
            "compensation",
        ]
        widths = [9, 34, 27, 21, 21, 26, 27]
        rows = [
            [
                str(n),
                _number(i, words),
                cell(i.amount, lang),
                format_day(i.due_date, lang),
                format_day(i.paid_on, lang) if i.paid_on else "",
                _cell(i.compensation_eur, lang, "EUR") if i.compensation_eur else "",
                cell(i.compensation, lang) if i.compensation else "",
            ]
            for n, i in enumerate(items, 1)
        ]

        def total_cells(t: Total) -> list[str]:
            return [cell(t.compensation, lang)]

    else:
        with_comp = any(i.compensation for i in items)
        keys = ["row", "invoice", "issue_date", "due_date", "amount", "principal", "interest"]
        widths = [8, 33, 22, 21, 27, 29, 25] if not with_comp else [8, 25, 21, 20, 23, 23, 21]
        if with_comp:
            keys.append("compensation")
            widths.append(24)
        rows = [
            [
                str(n),
                _number(i, words),
                format_day(i.issue_date, lang),
                format_day(i.due_date, lang),
                cell(i.amount, lang),
                cell(i.principal, lang),
                cell(i.interest, lang),
                *([cell(i.compensation, lang) if i.compensation else ""] if with_comp else []),
            ]
            for n, i in enumerate(items, 1)
        ]

        def total_cells(t: Total) -> list[str]:
            cells = [cell(t.principal, lang), cell(t.interest, lang)]
            return cells + ([cell(t.compensation, lang)] if with_comp else [])

    data: list[list[Any]] = [_header(words, keys, plain), *rows]
    span = len(keys) - len(total_cells(letter.totals[0])) if letter.totals else 0
    for total in letter.totals:
        cells = total_cells(total)
        data.append([words["total"] + f" ({total.currency})", *[""] * (span - 1), *cells])
    table = _table(data, widths, 2, len(letter.totals))
    if letter.totals:
        table.setStyle(
            TableStyle(
                [("SPAN", (0, -n), (span - 1, -n)) for n in range(1, len(letter.totals) + 1)]
            )
        )
    return table


def _interest_table(letter: LetterData) -> Table | None:
    items = [i for i in letter.items if i.interest_rows]
    if not items:
        return None
    words = labels(letter.language)
    lang = letter.language
    plain = _one_currency(letter)

    def cell(value: Money, language: str) -> str:
        return _cell(value, language, plain)

    keys = ["invoice", "base", "period_from", "period_to", "days", "rate", "interest"]
    data: list[list[Any]] = [_header(words, keys, plain)]
    for item in items:
        for n, row in enumerate(item.interest_rows):
            data.append(
                [
                    _number(item, words) if n == 0 else "",
                    cell(row.base, lang),
                    format_day(row.start, lang),
                    format_day(row.end, lang),
                    str(row.days),
                    _rate(row.rate, lang),
                    cell(row.interest, lang),
                ]
            )
    return _table(data, [38, 28, 21, 21, 13, 18, 26], 1, 0)


def _totals_block(letter: LetterData, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    words = labels(letter.language)
    out: list[Flowable] = []
    for total in letter.totals:
        amount = total.principal if letter.kind == "balance" else total.total
        label = words["total"] if letter.kind == "balance" else words["to_pay"]
        out.append(
            Paragraph(f"{_text(label)}: {_text(_money(amount, letter.language))}", styles["total"])
        )
        out.append(Paragraph(_text(words["in_words"].format(words=total.words)), styles["small"]))
    return out


def _accounts(letter: LetterData, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if letter.kind == "balance":
        return []
    words = labels(letter.language)
    out: list[Flowable] = []
    for account in letter.accounts:
        key = "account_bank" if account.bank_name else "account"
        text = words[key].format(
            currency=account.currency, iban=account.iban, bank=account.bank_name
        )
        out.append(Paragraph(f"<b>{_text(text)}</b>", styles["body"]))
    return out


def _signature(letter: LetterData, styles: dict[str, ParagraphStyle]) -> Flowable:
    words = labels(letter.language)
    sign = letter.signature
    right = [
        Paragraph(_text(sign.firm), styles["small"]),
        Spacer(1, 14 * mm),
        Paragraph("." * 60, styles["small"]),
        Paragraph(_text(words["signature_line"]), styles["small"]),
    ]
    if sign.person:
        right.append(Paragraph(f"<b>{_text(sign.person)}</b>", styles["small"]))
    if sign.role:
        right.append(Paragraph(_text(sign.role), styles["small"]))
    left: list[Flowable] = []
    if letter.kind == "balance":
        left = [
            Spacer(1, 18 * mm),
            Paragraph("." * 60, styles["small"]),
            Paragraph(_text(words["debtor_signature"]), styles["small"]),
        ]
    table = Table([[left, right]], colWidths=[TEXT_WIDTH - 70 * mm, 70 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *_NO_PAD]))
    return table


_NO_PAD = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def letter_story(letter: LetterData, text: LetterText) -> list[Flowable]:
    """One letter's flowables, from its first page on."""
    styles = _styles()
    story: list[Flowable] = [
        _LetterStart(letter),
        NextPageTemplate("later"),
        Paragraph(_text(text.title), styles["title"]),
    ]
    story += [Paragraph(_text(p), styles["para"]) for p in text.before]
    if letter.items:
        story.append(_items_table(letter))
        interest = _interest_table(letter)
        if interest is not None and letter.kind in (DEMANDS | {"interest-note"}):
            story.append(
                Paragraph(_text(labels(letter.language)["interest_table"]), styles["caption"])
            )
            story.append(interest)
        story.append(Spacer(1, 3 * mm))
        story.append(KeepTogether(_totals_block(letter, styles)))
        story.append(Spacer(1, 3 * mm))
    story += _accounts(letter, styles)
    if letter.accounts and letter.kind != "balance":
        story.append(Spacer(1, 3 * mm))
    after = [Paragraph(_text(p), styles["para"]) for p in text.after]
    # the signature never stands alone on a page: the last paragraph goes with it
    story += after[:-1]
    story.append(KeepTogether([*after[-1:], Spacer(1, 3 * mm), _signature(letter, styles)]))
    return story


def render_pdf(letters: Iterable[tuple[LetterData, LetterText]], target: Path | io.BytesIO) -> int:
    """Write the letters, each from a new first page, into one PDF; returns how many."""
    story: list[Flowable] = []
    count = 0
    for letter, text in letters:
        if count:
            story += [NextPageTemplate("first"), PageBreak()]
        story += letter_story(letter, text)
        count += 1
    doc = _Document(str(target) if isinstance(target, Path) else target)
    doc.build(story)
    return count


def pdf_bytes(letters: Iterable[tuple[LetterData, LetterText]]) -> bytes:
    buffer = io.BytesIO()
    render_pdf(letters, buffer)
    return buffer.getvalue()
