"""Column mappings saved by name in a real database, and --mapping resolved through them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from db.uow import Database
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.importers.formats import ParseOptions, all_formats
from desktop_app.importers.mapping_presets import PRESETS
from desktop_app.services.import_mappings import (
    delete_mapping,
    get_mapping,
    list_mappings,
    resolve_mapping,
    save_mapping,
)
from desktop_app.settings import all_values

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"


def test_a_saved_mapping_is_listed_resolved_and_used(db: Database, tmp_path: Path) -> None:
    mine = dataclasses.replace(
        PRESETS["fakturownia"],
        name="moja-fakturownia",
        description="Fakturownia, nasze kolumny",
        columns={**PRESETS["fakturownia"].columns, "gross": ("Brutto razem",)},
    )
    assert save_mapping(db, mine) == "moja-fakturownia"
    listed = {m.name: m for m in list_mappings(db)}
    assert set(PRESETS) < set(listed)
    assert listed["moja-fakturownia"].ready is False
    assert listed["subiekt-rozrachunki"].ready is True
    assert get_mapping(db, "moja-fakturownia") == mine
    # what --mapping names, read by the parser
    resolved = resolve_mapping(db, "moja-fakturownia")
    path = tmp_path / "nasze.csv"
    text = (FIXTURES / "fakturownia.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("Wartość brutto", "Brutto razem"), encoding="utf-8")
    parsed = all_formats()["csv"].parse(path, ParseOptions(column_mapping=resolved))
    assert [i.gross_minor for i in parsed.invoices] == [492000, 61500, -49200]
    # the settings the dialog shows are not disturbed by stored mappings
    assert not any(k.startswith("import.mapping.") for k in all_values(db))


def test_saving_again_replaces_and_delete_removes(db: Database) -> None:
    base = dataclasses.replace(PRESETS["mbank-historia"], name="bank-firmowy")
    save_mapping(db, base)
    save_mapping(db, dataclasses.replace(base, currency="EUR"))
    assert get_mapping(db, "bank-firmowy").currency == "EUR"
    delete_mapping(db, "bank-firmowy")
    with pytest.raises(NotFoundError):
        get_mapping(db, "bank-firmowy")
    with pytest.raises(NotFoundError):
        delete_mapping(db, "bank-firmowy")


def test_ready_presets_are_not_overwritten_or_deleted(db: Database) -> None:
    with pytest.raises(ValidationError, match="ready mappings"):
        save_mapping(db, PRESETS["fakturownia"])
    with pytest.raises(ValidationError, match="cannot be deleted"):
        delete_mapping(db, "fakturownia")


@pytest.mark.parametrize("name", ["../etc/passwd", "Moja Mapa", "", "a" * 61, "x/y"])
def test_a_name_is_an_identifier_not_a_path(db: Database, name: str) -> None:
    with pytest.raises(ValidationError, match="lower-case"):
        save_mapping(db, PRESETS["fakturownia"], name=name)


def test_mapping_files_and_unknown_names(db: Database) -> None:
    resolved = resolve_mapping(db, str(FIXTURES / "bank_tab.toml"))
    assert resolved.name == "bank-tab"
    parsed = all_formats()["bank-csv"].parse(
        FIXTURES / "bank_tab.txt", ParseOptions(column_mapping=resolved)
    )
    assert [b.amount_minor for b in parsed.bank_lines] == [100000, 200050]
    with pytest.raises(NotFoundError, match="Unknown mapping nothing-here"):
        resolve_mapping(db, "nothing-here")
