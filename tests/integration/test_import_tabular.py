"""CSV and XLSX exports through `inkaso import csv|xlsx --mapping`, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from db.models import Contractor, Invoice, Payment
from db.uow import Database
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.services import firm, views
from desktop_app.services.import_mappings import save_mapping
from tests.conftest import Cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"
TODAY = "2026-12-01"


@pytest.fixture
def with_firm(db: Database) -> Database:
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw sp. z o.o.", nip="7811767696"))
    return db


def _import(cli: Cli, group: str, path: Path | str, mapping: str) -> tuple[int, dict[str, object]]:
    result = cli("import", group, str(path), "--mapping", mapping, "--json", "--today", TODAY)
    return result.code, json.loads(result.out)


def _open_by_number(db: Database) -> dict[str, int]:
    with db.read() as session:
        ids = list(session.scalars(select(Contractor.id)))
    found: dict[str, int] = {}
    for contractor_id in ids:
        card = views.contractor_card(db, contractor_id, dt.date(2026, 12, 1))
        for item in card.invoices:
            found[item.number] = sum(p.open_minor for p in item.instalments)
    return found


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Contractor)) or 0,
            session.scalar(select(func.count()).select_from(Invoice)) or 0,
        )


@pytest.mark.parametrize(
    ("name", "mapping", "contractors", "open_amounts"),
    [
        (
            "subiekt_rozrachunki_cp1250.csv",
            "subiekt-rozrachunki",
            3,
            # "Pozostało" says what is still to pay: FS 104 is paid, FS 101 partly
            {
                "FS 101/11/2026": 23456,
                "FS 102/11/2026": 1250000,
                "FS 103/11/2026": 400000,
                "FS 104/11/2026": 0,
            },
        ),
        (
            "optima_preliminarz_utf8bom.csv",
            "optima-preliminarz",
            2,
            {"FA/2026/11/0001": 123450, "FA/2026/11/0002": 1000000},
        ),
        (
            # the correction lowers the invoice it corrects
            "fakturownia.csv",
            "fakturownia",
            2,
            {"FV 1/11/2026": 492000 - 49200, "FV 2/11/2026": 51500, "KOR 1/11/2026": 0},
        ),
        (
            "russian_cp1251.csv",
            str(FIXTURES / "russian_cp1251.json"),
            2,
            {"РН-0001": 1500000, "РН-0002": 150000},
        ),
    ],
)
def test_each_preset_imports_exactly_and_twice_changes_nothing(
    cli: Cli,
    with_firm: Database,
    name: str,
    mapping: str,
    contractors: int,
    open_amounts: dict[str, int],
) -> None:
    code, first = _import(cli, "csv", FIXTURES / name, mapping)
    assert (code, first["errors"], first["updated"]) == (0, [], 0)
    assert _counts(with_firm)[0] == contractors
    assert _open_by_number(with_firm) == open_amounts
    code, again = _import(cli, "csv", FIXTURES / name, mapping)
    assert (code, again["created"], again["updated"]) == (0, 0, 0)
    # every invoice and stated payment again, unchanged
    assert again["unchanged"] == first["created"] - contractors
    assert _open_by_number(with_firm) == open_amounts


def test_the_polish_letters_arrive_intact(cli: Cli, with_firm: Database) -> None:
    _import(cli, "csv", FIXTURES / "subiekt_rozrachunki_cp1250.csv", "subiekt-rozrachunki")
    buyer = views.get_contractor(with_firm, "7770002814")
    assert buyer.name == "Łódzka Spółdzielnia Ślusarzy"


def test_a_saved_mapping_by_name(cli: Cli, with_firm: Database, tmp_path: Path) -> None:
    save_mapping(with_firm, PRESETS["fakturownia"], name="nasza-fakturownia")
    code, report = _import(cli, "csv", FIXTURES / "fakturownia.csv", "nasza-fakturownia")
    assert (code, report["errors"]) == (0, [])
    assert _counts(with_firm) == (2, 3)


def test_a_workbook_with_a_mapping_file(cli: Cli, with_firm: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Numer", "Data wystawienia", "Termin płatności", "Nabywca", "Wartość brutto"])
    sheet.append(["FV 9/2026", dt.datetime(2026, 11, 2), dt.datetime(2026, 11, 16), "Ćma", 99.5])
    sheet.append(["FV 10/2026", "03.11.2026", 46346, "Żuk", "1 000,00"])
    path = tmp_path / "lista.xlsx"
    book.save(path)
    mapping = tmp_path / "lista.toml"
    mapping.write_text(
        'name = "lista"\n[columns]\nnumber = "Numer"\nissue_date = "Data wystawienia"\n'
        'due_date = "Termin płatności"\nbuyer_name = "Nabywca"\ngross = "Wartość brutto"\n',
        encoding="utf-8",
    )
    code, report = _import(cli, "xlsx", path, str(mapping))
    assert (code, report["errors"], report["created"]) == (0, [], 4)
    assert _open_by_number(with_firm) == {"FV 9/2026": 9950, "FV 10/2026": 100000}
    code, again = _import(cli, "xlsx", path, str(mapping))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_a_refused_file_names_the_place_and_writes_nothing(
    cli: Cli, with_firm: Database, tmp_path: Path
) -> None:
    text = (FIXTURES / "fakturownia.csv").read_text(encoding="utf-8")
    path = tmp_path / "faktury.csv"
    # the third row is wrong: the two rows above it must not be written either
    path.write_text(text.replace("-492.00", "-4x2.00"), encoding="utf-8")
    code, report = _import(cli, "csv", path, "fakturownia")
    assert code == 3
    assert report["errors"] == [
        {
            "file": str(path),
            "line": 4,
            "field": "Wartość brutto",
            "message": "faktury.csv, row 4, column Wartość brutto: -4x2.00 is not an amount",
        }
    ]
    assert _counts(with_firm) == (0, 0)


def test_an_unknown_mapping_is_one_line_and_exit_3(cli: Cli, with_firm: Database) -> None:
    result = cli("import", "csv", str(FIXTURES / "fakturownia.csv"), "--mapping", "brak")
    assert result.code == 3
    assert "Unknown mapping brak" in result.err
    assert "Traceback" not in result.err


def test_mapping_commands_save_show_preview_delete(cli: Cli, with_firm: Database) -> None:
    listed = cli("mapping", "list", "--json").json()
    assert {m["name"] for m in listed if m["ready"]} == set(PRESETS)
    assert cli("mapping", "save", str(FIXTURES / "bank_tab.toml"), "--name", "nasz-bank").code == 0
    shown = json.loads(cli("mapping", "show", "nasz-bank").out)
    assert (shown["name"], shown["delimiter"], shown["columns"]["credit"]) == (
        "nasz-bank",
        "tab",
        "Uznania",
    )
    result = cli(
        "mapping", "preview", str(FIXTURES / "bank_tab.txt"), "--mapping", "nasz-bank", "--json"
    )
    look = result.json()
    assert (look["encoding"], look["delimiter"], look["header_row"]) == ("utf-8", "\t", 1)
    assert [r["row"] for r in look["rows"]] == [2, 3, 4]
    assert look["rows"][0]["bank_line"]["amount_minor"] == 100000
    assert look["rows"][1]["note"] is not None
    assert cli("mapping", "delete", "nasz-bank").code == 0
    gone = cli("mapping", "show", "nasz-bank")
    assert gone.code == 3 and "no mapping named nasz-bank" in gone.err


def test_preview_without_a_mapping_shows_the_raw_table(cli: Cli, with_firm: Database) -> None:
    look = cli("mapping", "preview", str(FIXTURES / "russian_cp1251.csv"), "--json").json()
    assert (look["encoding"], look["delimiter"]) == ("windows-1251", ";")
    assert look["columns"][0] == "Номер"
    assert look["rows"][0]["cells"][3] == "ООО «Ромашка»"


def test_encoding_chosen_on_the_command_line(cli: Cli, with_firm: Database) -> None:
    path = FIXTURES / "subiekt_rozrachunki_cp1250.csv"
    wrong = cli(
        "import",
        "csv",
        str(path),
        "--mapping",
        "subiekt-rozrachunki",
        "--encoding",
        "utf-8",
        "--json",
        "--today",
        TODAY,
    )
    assert wrong.code == 3
    (error,) = wrong.json()["errors"]
    assert error["message"] == (
        "subiekt_rozrachunki_cp1250.csv: the file is not written in the utf-8 encoding"
    )
    assert _counts(with_firm) == (0, 0)
    right = cli(
        "import",
        "csv",
        str(path),
        "--mapping",
        "subiekt-rozrachunki",
        "--encoding",
        "cp1250",
        "--json",
        "--today",
        TODAY,
    )
    assert (right.code, right.json()["errors"]) == (0, [])
    unknown = cli("import", "csv", str(path), "--mapping", "fakturownia", "--encoding", "latin-9")
    assert unknown.code == 3 and "Unknown encoding latin-9" in unknown.err + unknown.out


@pytest.mark.parametrize(
    ("name", "mapping", "amounts"),
    [
        ("mbank_historia_cp1250.csv", "mbank-historia", [123456, 1250000]),
        ("bank_tab.txt", str(FIXTURES / "bank_tab.toml"), [100000, 200050]),
    ],
)
def test_bank_csv_credits_become_payments_once(
    cli: Cli, with_firm: Database, name: str, mapping: str, amounts: list[int]
) -> None:
    code, first = _import(cli, "bank", FIXTURES / name, mapping)
    assert (code, first["errors"], first["created"]) == (0, [], 2)
    code, again = _import(cli, "bank", FIXTURES / name, mapping)
    assert (code, again["created"], again["unchanged"]) == (0, 0, 2)
    with with_firm.read() as session:
        paid = sorted(session.scalars(select(Payment.amount_minor).where(Payment.source == "bank")))
    assert paid == amounts
