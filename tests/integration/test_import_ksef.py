"""KSeF FA(2)/FA(3) files through the shared upsert, on a real SQLite file and the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select, text

from db.models import Contractor, Instalment, Invoice
from db.uow import Database
from desktop_app.importers.formats import ParseOptions
from desktop_app.services import firm, imports, views
from desktop_app.services.aging_report import aging_report
from tests.conftest import Cli
from tests.helpers import D, assert_ledger_consistent

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ksef"
FIRM_NIP = "7811767696"
TODAY = D(2026, 12, 1)


def _firm(db: Database) -> None:
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw sp. z o.o.", nip=FIRM_NIP))


def _import(db: Database, *paths: Path, dry_run: bool = False) -> imports.ImportReport:
    return imports.import_paths(
        db, list(paths), "ksef", ParseOptions(), dry_run=dry_run, today=TODAY
    )


def _open_by_number(db: Database, today: object = TODAY) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    with db.read() as session:
        ids = list(session.scalars(select(Contractor.id)))
    for contractor_id in ids:
        card = views.contractor_card(db, contractor_id, today)  # type: ignore[arg-type]
        for item in card.invoices:
            found[item.number] = [p.open_minor for p in item.instalments]
    return found


def test_folder_imports_with_exact_counts_and_amounts(db: Database) -> None:
    _firm(db)
    report = _import(db, FIXTURES)
    assert report.errors == []
    # 3 contractors, 6 invoices (one a correction), 2 stated payments
    assert (report.created, report.updated, report.unchanged) == (11, 0, 0)
    assert [(Path(s.file).name, s.reason) for s in report.skipped] == [
        ("zakup_FZ_77_2026.xml", "purchase invoice FZ/77/2026: the seller's NIP is 5213017228")
    ]
    swit = views.get_contractor(db, "5260250274")
    assert (swit.name, swit.street, swit.postal_code, swit.city) == (
        "Zakład Usług Łączności „Świt” sp. z o.o.",
        "ul. Źródlana 7/3",
        "90-001",
        "Łódź",
    )
    assert swit.emails == ("ksiegowosc@swit.example.pl",)
    assert _open_by_number(db) == {
        "FV/1/11/2026": [100_000],  # 1230.00 less the correction's 230.00
        "KOR/1/11/2026": [],
        "FV/4/11/2026": [0],  # paid as the file says
        "FV/2/11/2026": [13_333, 33_333, 33_334],  # 1000.00 in three, 200.00 paid on the first
        "FV/3/11/2026": [61_500],
        "FV/5/11/2026": [200_000],
    }
    with db.read() as session:
        dues = dict(
            session.execute(
                select(Invoice.number, Instalment.due_date)
                .join(Instalment)
                .where(Invoice.number.in_(["FV/3/11/2026", "FV/5/11/2026"]))
            ).all()
        )
    # 21 days from delivery (2026-11-06); no terms in the file: the contractor's 14 days
    assert dues == {"FV/3/11/2026": D(2026, 11, 27), "FV/5/11/2026": D(2026, 11, 23)}
    assert_ledger_consistent(db)


def test_importing_twice_changes_nothing(db: Database) -> None:
    _firm(db)
    _import(db, FIXTURES)
    before = _dump(db)
    again = _import(db, FIXTURES)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert again.errors == []
    assert _dump(db) == before


def test_correction_changes_the_open_amount_from_its_own_date(db: Database) -> None:
    _firm(db)
    _import(db, FIXTURES / "fa3" / "FV_1_11_2026.xml", FIXTURES / "fa3" / "KOR_1_11_2026.xml")
    pln = aging_report(db, D(2026, 11, 19)).currencies["PLN"]
    assert pln.totals.open == 123_000
    pln = aging_report(db, D(2026, 11, 20)).currencies["PLN"]
    assert pln.totals.open == 100_000


def test_correction_before_its_invoice_in_a_folder_waits_for_it(
    db: Database, tmp_path: Path
) -> None:
    _firm(db)
    # "A_..." sorts before the invoice it corrects
    shutil.copy(FIXTURES / "fa3" / "KOR_1_11_2026.xml", tmp_path / "A_korekta.xml")
    shutil.copy(FIXTURES / "fa3" / "FV_1_11_2026.xml", tmp_path / "B_faktura.xml")
    report = _import(db, tmp_path)
    assert report.errors == []
    assert report.created == 3
    assert _open_by_number(db)["FV/1/11/2026"] == [100_000]


def test_updated_file_changes_only_what_changed(db: Database, tmp_path: Path) -> None:
    _firm(db)
    file = tmp_path / "FV_2.xml"
    text = (FIXTURES / "fa3" / "FV_2_11_2026_raty.xml").read_text(encoding="utf-8")
    file.write_text(text, encoding="utf-8")
    _import(db, file)
    changed = text.replace("<P_15>1000.00</P_15>", "<P_15>1200.00</P_15>").replace(
        "2027-02-03", "2027-02-10"
    )
    file.write_text(changed, encoding="utf-8")
    report = _import(db, file)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    # 1200.00 in three: 400.00 each; the 200.00 paid stays on the first
    assert _open_by_number(db)["FV/2/11/2026"] == [20_000, 40_000, 40_000]
    assert_ledger_consistent(db)


def test_cli_json_and_exit_code(cli: Cli, tmp_path: Path) -> None:
    assert cli("firm", "set", "--name", "Hurtownia Żółw", "--nip", FIRM_NIP).code == 0
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        (FIXTURES / "fa3" / "FV_1_11_2026.xml")
        .read_bytes()
        .replace(b"<P_15>1230.00", b"<P_15>12,30")
    )
    shutil.copy(FIXTURES / "fa3" / "FV_4_11_2026_zaplacona.xml", tmp_path / "ok.xml")
    result = cli("import", "ksef", str(tmp_path), "--json")
    assert result.code == 3, result.err
    assert result.json() == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": [],
        "errors": [
            {
                "file": str(broken),
                "line": "/Faktura/Fa/P_15",
                "field": "P_15",
                "message": "Not an amount: 12,30",
            }
        ],
    }
    human = cli("import", "ksef", str(tmp_path / "ok.xml"))
    assert human.code == 0
    assert "0 created, 0 updated, 2 unchanged" in human.out


def _dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables an import writes, to compare before and after."""
    tables = [
        "contractor",
        "contractor_email",
        "contractor_phone",
        "invoice",
        "instalment",
        "payment",
        "allocation",
        "activity",
    ]
    with db.read() as session:
        return {
            t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in tables
        }


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/"><Fa><P_2>&lol9;</P_2></Fa></Faktura>
"""


def _hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = (FIXTURES / "fa3" / "FV_1_11_2026.xml").read_bytes()
    tmp_path.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("tajne hasło", encoding="utf-8")
    external = good.replace(
        b"<Faktura ",
        b'<!DOCTYPE Faktura [<!ENTITY x SYSTEM "file://'
        + str(secret).encode()
        + b'">]>\n<Faktura ',
    ).replace(b"<P_2>FV/1/11/2026</P_2>", b"<P_2>&x;</P_2>")
    files = {
        "bomb": (BILLION_LAUGHS, "declares a DTD or entities"),
        "external": (external, "declares a DTD or entities"),
        "truncated": (good[: len(good) // 2], "cut short"),
        "wrong_encoding": (
            good.replace("Łódź".encode(), "Łódź".encode("windows-1250")),
            "not in the encoding it declares",
        ),
        "not_xml": (b"PK\x03\x04 this is a zip file", "not well-formed XML"),
        "other_xml": (b"<?xml version='1.0'?><JPK/>", "not a KSeF invoice"),
        "empty": (b"", "empty"),
    }
    found = {}
    for name, (data, expected) in files.items():
        path = tmp_path / f"{name}.xml"
        path.write_bytes(data)
        found[name] = (path, expected)
    return found


def test_hostile_and_broken_files_are_refused_and_change_nothing(
    db: Database, tmp_path: Path
) -> None:
    _firm(db)
    _import(db, FIXTURES / "fa3" / "FV_2_11_2026_raty.xml")
    before = _dump(db)
    hostile = _hostile_files(tmp_path / "in")
    report = _import(db, *(path for path, _ in hostile.values()))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    by_file = {Path(e.file).stem: e.message for e in report.errors}
    assert set(by_file) == set(hostile)
    for name, (_path, expected) in hostile.items():
        assert expected in by_file[name], (name, by_file[name])
    assert "tajne" not in str(report.to_json())
    assert _dump(db) == before


def test_file_refused_half_way_leaves_nothing_of_it(db: Database, tmp_path: Path) -> None:
    """The buyer is valid, the invoice is not: the buyer must not stay behind."""
    _firm(db)
    before = _dump(db)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        (FIXTURES / "fa3" / "FV_1_11_2026.xml")
        .read_bytes()
        .replace(b"<Termin>2026-11-16</Termin>", b"<Termin>2026-10-01</Termin>")
    )
    report = _import(db, bad)
    [error] = report.errors
    assert error.message == "The due date 2026-10-01 is before the issue date 2026-11-02"
    assert error.line == "/Faktura/Fa/P_2"
    assert _dump(db) == before


def test_dry_run_counts_and_writes_nothing(db: Database) -> None:
    _firm(db)
    before = _dump(db)
    report = _import(db, FIXTURES, dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (11, 0, 0)
    assert _dump(db) == before


def test_without_the_firms_nip_nothing_is_guessed(db: Database) -> None:
    report = _import(db, FIXTURES / "fa3" / "FV_1_11_2026.xml")
    [error] = report.errors
    assert error.message.startswith("Set the firm's NIP first")


def test_wizard_calls_detect_parse_and_report_progress(db: Database) -> None:
    _firm(db)
    fv1 = FIXTURES / "fa3" / "FV_1_11_2026.xml"
    assert imports.detect(fv1) == "ksef"
    assert imports.detect(FIXTURES.parent / "jpk" / "JPK_FA_11_2026.xml") == "jpk"
    # a text file naming the KSeF namespace is not an invoice (the formats of other groups may
    # still take it for a table)
    assert imports.detect(Path(__file__)) not in ("ksef", "jpk")
    assert imports.detect(FIXTURES / "missing.xml") is None
    parsed = imports.parse_path(fv1, "ksef", ParseOptions(firm_nip=FIRM_NIP))
    [invoice] = parsed.invoices
    assert (invoice.number, invoice.gross_minor, invoice.buyer.city) == (
        "FV/1/11/2026",
        123_000,
        "Łódź",
    )
    seen: list[tuple[int, int]] = []
    _import_with = imports.import_paths(
        db,
        [FIXTURES],
        "ksef",
        ParseOptions(),
        dry_run=False,
        today=TODAY,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert _import_with.errors == []
    assert seen == [(n, 7) for n in range(1, 8)]
