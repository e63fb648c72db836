"""The "Owed to us" report as an Excel workbook: one sheet per currency, amounts as numbers in
that currency's format (minor units turned into Decimal exactly), dates as dates, a bold frozen
header with an autofilter, and a totals row of SUM formulas that follow the data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.domain.money import exponent, to_decimal
from desktop_app.i18n import _
from desktop_app.reports.owed import Column, Kind, Line, OwedTable, Value, column_title
from desktop_app.reports.titles import filters_text, heading

#: rows above the header: title, as-of date, filters, a blank line
HEADER_ROW = 5
DATE_FORMAT = "DD.MM.YYYY"
_WIDTHS = {Kind.TEXT: 22, Kind.MONEY: 16, Kind.COUNT: 12, Kind.DAYS: 15, Kind.DATE: 14}
#: the first column holds names (contractors, managers): wider than the other texts
_NAME_WIDTH = 36
_NIP_WIDTH = 13


def money_format(currency: str) -> str:
    digits = exponent(currency)
    return "#,##0" + ("." + "0" * digits if digits else "") + f' "{currency}"'


def _cell_value(column: Column, line: Line, currency: str) -> Value | Decimal:
    value = line.values.get(column.key)
    if column.kind is Kind.MONEY and isinstance(value, int):
        return to_decimal(value, currency)
    return value


def write_xlsx(table: OwedTable, path: Path, *, firm: str = "", home: str = "") -> None:
    """One sheet per currency, the firm's ``home`` currency first."""
    book = Workbook()
    for blank in book.worksheets:
        book.remove(blank)
    if not table.sections:
        _titles(book.create_sheet("-"), table, firm)
    for section in sorted(table.sections, key=lambda s: s.currency != home):
        sheet = book.create_sheet(section.currency)
        _titles(sheet, table, firm)
        _section(sheet, table, section.currency, section.lines, section.total)
    book.save(path)


def _titles(ws: Worksheet, table: OwedTable, firm: str) -> None:
    title = f"{firm} — {heading(table)}" if firm else heading(table)
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.cell(2, 1, _("As of"))
    ws.cell(2, 2, table.as_of).number_format = DATE_FORMAT
    ws.cell(3, 1, filters_text(table))


def _section(
    ws: Worksheet, table: OwedTable, currency: str, lines: list[Line], total: Line
) -> None:
    bold = Font(bold=True)
    money = money_format(currency)
    for c, column in enumerate(table.columns, start=1):
        cell = ws.cell(HEADER_ROW, c, column_title(column))
        cell.font = bold
        if column.kind is not Kind.TEXT:
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        width = _WIDTHS[column.kind]
        if c == 1:
            width = _NAME_WIDTH
        elif column.key == "nip":
            width = _NIP_WIDTH
        ws.column_dimensions[get_column_letter(c)].width = width
    first = HEADER_ROW + 1
    for r, line in enumerate(lines, start=first):
        for c, column in enumerate(table.columns, start=1):
            cell = ws.cell(r, c, _cell_value(column, line, currency))
            if column.kind is Kind.MONEY:
                cell.number_format = money
            elif column.kind is Kind.DATE:
                cell.number_format = DATE_FORMAT
    last = first + len(lines) - 1
    totals_row = last + 1
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        if c == 1:
            value: Value = total.values["name"]
        elif column.kind is Kind.MONEY and lines:
            value = f"=SUM({letter}{first}:{letter}{last})"
        elif column.kind is Kind.MONEY:
            value = 0
        elif column.kind is Kind.COUNT:
            # contractors owing in several buckets are counted once in the total
            value = total.values.get(column.key)
        elif column.kind is Kind.DAYS:
            value = f"=MAX({letter}{first}:{letter}{last})" if lines else 0
        else:
            value = None
        cell = ws.cell(totals_row, c, value)
        cell.font = bold
        if column.kind is Kind.MONEY:
            cell.number_format = money
    ws.freeze_panes = f"A{first}"
    # printed across the page, as wide as the page, the header again on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    end = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{end}{max(last, HEADER_ROW)}"
