"""Which format a table file is recognised as: a bank statement in CSV is offered as one, not
as an invoice table (the import wizard and ``import`` both ask :func:`detect`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.importers.formats import all_formats
from desktop_app.services.imports import detect

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"


@pytest.mark.parametrize(
    "name",
    [
        "mbank_historia_cp1250.csv",
        "bank_tab.txt",
        "statement_generic.csv",
        "statement_english.csv",
    ],
)
def test_a_bank_statement_table_is_detected_as_one(name: str) -> None:
    assert detect(FIXTURES / name) == "bank-csv"


@pytest.mark.parametrize(
    "name",
    [
        "subiekt_rozrachunki_cp1250.csv",
        "optima_preliminarz_utf8bom.csv",
        "fakturownia.csv",
        "russian_cp1251.csv",
    ],
)
def test_an_invoice_table_stays_an_invoice_table(name: str) -> None:
    assert detect(FIXTURES / name) == "csv"


def test_a_table_of_unknown_columns_is_offered_as_invoices(tmp_path: Path) -> None:
    # nothing says "statement": the user picks the mapping, as before
    path = tmp_path / "odd.csv"
    path.write_text("Kol1;Kol2;Kol3\n1;2;3\n", encoding="utf-8")
    assert detect(path) == "csv"


def test_in_the_bank_group_any_table_is_a_statement(tmp_path: Path) -> None:
    # titles nobody recognises: the user said "bank" and reads it with their own mapping
    path = tmp_path / "wyciąg.txt"
    path.write_text("Kol1;Kol2;Kol3\n1;2;3\n", encoding="utf-8")
    assert all_formats()["bank-csv"].sniff(path.read_bytes())
