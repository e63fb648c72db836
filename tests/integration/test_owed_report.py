"""The "Owed to us" report: its filters and groupings on the command line, and the XLSX and PDF
exports, which must say figure for figure what ``report aging --json`` and the dashboard say."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from db.uow import Database
from tests.conftest import Cli
from tests.integration.owed_book import AS_OF, make_book

DAY = AS_OF.isoformat()


@pytest.fixture
def book(cli: Cli, db: Database) -> Cli:
    make_book(cli, db)
    return cli


def _aging(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("report", "aging", "--as-of", DAY, *args, "--json")
    assert result.code == 0, result.err
    data: dict[str, Any] = result.json()
    return data


def _ids(report: dict[str, Any], currency: str = "PLN") -> list[int]:
    return [r["id"] for r in report["currencies"].get(currency, {}).get("contractors", [])]


def test_filters_narrow_the_contractors(book: Cli) -> None:
    everyone = _aging(book)
    assert _ids(everyone) == [1, 2, 3]
    assert _ids(_aging(book, "--manager", "anna")) == [1, 2]
    assert _ids(_aging(book, "--manager", "piotr"), "EUR") == [3]
    assert _ids(_aging(book, "--manager", "none")) == []
    assert _ids(_aging(book, "--tag", "vip")) == [1, 3]
    # "debtors over 3 months": Łódzka (108 days) and Beta (200 days)
    assert _ids(_aging(book, "--min-days", "91")) == [1, 2]
    assert _ids(_aging(book, "--min-amount", "923.45")) == [1, 2]
    assert _ids(_aging(book, "--min-amount", "923.46")) == [1]
    only_eur = _aging(book, "--currency", "eur")
    assert list(only_eur["currencies"]) == ["EUR"]
    # nobody has a payment history yet: none is rated, and "not rated" keeps them all
    assert _ids(_aging(book, "--stars", "none")) == [1, 2, 3]
    assert _ids(_aging(book, "--stars", ">=1")) == []
    narrowed = _aging(book, "--manager", "anna", "--tag", "vip", "--min-days", "100")
    assert _ids(narrowed) == [1]
    assert narrowed["currencies"]["PLN"]["totals"]["open"] == "1500.10"


def test_bad_filters_are_one_line_and_exit_3(book: Cli) -> None:
    for args in (
        ("--stars", "7"),
        ("--stars", "many"),
        ("--min-amount", "lots"),
        ("--manager", "nobody"),
        ("--currency", "XYZ"),
    ):
        result = book("report", "aging", *args)
        assert result.code == 3, args
        assert len(result.err.strip().splitlines()) == 1
        assert "Traceback" not in result.err


def test_by_manager_and_by_bucket_add_up_to_the_totals(book: Cli) -> None:
    by_manager = book("report", "aging", "--as-of", DAY, "--by", "manager")
    assert by_manager.code == 0
    lines = by_manager.out.splitlines()
    anna = next(line for line in lines if line.startswith("Anna Nowak"))
    # Łódzka 1500.10 + Beta 923.45
    assert "2,423.55" in anna
    assert any(line.startswith("Piotr Wiśniewski") for line in lines)
    by_bucket = book("report", "aging", "--as-of", DAY, "--by", "bucket")
    assert by_bucket.code == 0
    assert "181+ days" in by_bucket.out
    totals = [line for line in by_bucket.out.splitlines() if line.startswith("Total")]
    assert len(totals) == 2  # EUR, then PLN
    assert "2,823.55" in totals[1]  # every PLN bucket, not due included
    assert "250.50" in totals[0]


def _sheet_figures(path: Path, currency: str) -> dict[str, Any]:
    sheet = load_workbook(path)[currency]
    header_row = 5
    headers = [c.value for c in sheet[header_row]]
    rows = []
    row = header_row + 1
    while sheet.cell(row, 1).value != "Total":
        rows.append({h: sheet.cell(row, i + 1).value for i, h in enumerate(headers)})
        row += 1
    totals = {h: sheet.cell(row, i + 1).value for i, h in enumerate(headers)}
    return {
        "sheet": sheet,
        "headers": headers,
        "rows": rows,
        "totals": totals,
        "first": header_row + 1,
        "last": row - 1,
    }


def test_exports_agree_with_the_json_and_the_dashboard(book: Cli, tmp_path: Path) -> None:
    aging = _aging(book)
    board = book("report", "dashboard", "--today", DAY, "--json").json()
    xlsx = tmp_path / "owed.xlsx"
    pdf = tmp_path / "owed.pdf"
    assert book("report", "aging", "--as-of", DAY, "--xlsx", str(xlsx)).code == 0
    assert book("report", "aging", "--as-of", DAY, "--pdf", str(pdf)).code == 0
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    plain_text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for currency, section in aging["currencies"].items():
        assert board["currencies"][currency]["open"] == section["totals"]["open"]
        assert board["currencies"][currency]["overdue"] == section["totals"]["overdue"]
        got = _sheet_figures(xlsx, currency)
        sheet = got["sheet"]
        assert sheet.freeze_panes == f"A{got['first']}"
        assert sheet.auto_filter.ref.startswith("A5:")
        assert sheet.cell(2, 2).value.date() == AS_OF
        assert [r["NIP"] for r in got["rows"]] == [r["nip"] for r in section["contractors"]]
        for row, expected in zip(got["rows"], section["contractors"], strict=True):
            assert _dec(row["Open"]) == Decimal(expected["open"])
            assert _dec(row["Overdue"]) == Decimal(expected["overdue"])
            assert _dec(row["Not due"]) == Decimal(expected["not_due"])
            for label, amount in expected["buckets"].items():
                assert _dec(row[label]) == Decimal(amount)
            assert (row["Days overdue"] or 0) == expected["max_days_overdue"]
        # the totals are SUM formulas over exactly the rows above them, which add up to the JSON
        open_col = got["headers"].index("Open") + 1
        letter = sheet.cell(1, open_col).column_letter
        assert got["totals"]["Open"] == f"=SUM({letter}{got['first']}:{letter}{got['last']})"
        assert sum(_dec(r["Open"]) for r in got["rows"]) == Decimal(section["totals"]["open"])
        assert sum(_dec(r["Overdue"]) for r in got["rows"]) == Decimal(section["totals"]["overdue"])
        fmt = sheet.cell(got["first"], open_col).number_format
        assert currency in fmt and "0.00" in fmt
        # the PDF prints every contractor and the totals, with the Polish letters intact
        for text in (pdf_text, plain_text):
            for row in section["contractors"]:
                assert row["name"] in text
            assert _printed(section["totals"]["open"], currency) in text
    assert "Page 1 of 1" in plain_text


def _dec(value: float | int) -> Decimal:
    """A number read back from the sheet (stored as its shortest decimal text) as that text."""
    return Decimal(str(value))


def _printed(amount: str, currency: str) -> str:
    """ "2823.55" -> "2,823.55", as format_money writes the amount in English."""
    whole, _dot, cents = amount.partition(".")
    return f"{int(whole):,}.{cents}"


def test_export_of_a_filtered_report_names_its_filters(book: Cli, tmp_path: Path) -> None:
    xlsx = tmp_path / "anna.xlsx"
    args = ("--manager", "anna", "--min-days", "91", "--by", "manager", "--xlsx", str(xlsx))
    assert book("report", "aging", "--as-of", DAY, *args).code == 0
    sheet = load_workbook(xlsx)["PLN"]
    assert "By account manager" in sheet.cell(1, 1).value
    assert "Anna Nowak" in sheet.cell(3, 1).value
    assert "At least 91 days overdue" in sheet.cell(3, 1).value
    assert sheet.cell(6, 1).value == "Anna Nowak"
    assert sheet.cell(6, 2).value == 2  # two contractors


def test_export_to_an_unwritable_place_is_one_line(book: Cli, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "owed.pdf"
    result = book("report", "aging", "--as-of", DAY, "--pdf", str(target))
    assert result.code == 3
    assert "Cannot write" in result.err
    assert not target.exists()
