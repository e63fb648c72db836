"""Tables through the wizard: a CSV whose columns no ready mapping knows is mapped column by
column with a live preview, saved as a mapping (offered by itself next time) and imported; a row
that cannot be read is red in the preview and the check names its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.i18n import set_language
from desktop_app.services import views
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.imports.conftest import FILES, dump
from ui.imports.menu import open_import_wizard
from ui.imports.wizard import ImportWizard
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

COLUMNS = {
    "Nr faktury": "number",
    "Data": "issue_date",
    "Płatne do": "due_date",
    "Nabywca": "buyer_name",
    "NIP nabywcy": "buyer_nip",
    "Do zapłaty": "gross",
}


def _mapping_page(qtbot: QtBot, window: MainWindow, path: Path) -> ImportWizard:
    wizard = open_import_wizard(window)
    wizard.source_page.set_path(path)
    qtbot.waitUntil(lambda: wizard.source_page.format_name() == "csv")
    with qtbot.waitSignal(wizard.mapping_page.previewed, timeout=10_000):
        wizard.next()
    assert wizard.currentId() == wizard.MAPPING
    return wizard


def _map_by_hand(qtbot: QtBot, wizard: ImportWizard) -> None:
    page = wizard.mapping_page
    for title, field in COLUMNS.items():
        page.set_field(title, field)
    with qtbot.waitSignal(page.previewed, timeout=10_000):
        page.refresh_preview()


def test_a_csv_mapped_by_hand_is_previewed_saved_and_imported(
    qtbot: QtBot, window: MainWindow, db: Database, qtmodeltester: ModelTester
) -> None:
    wizard = _mapping_page(qtbot, window, FILES / "nasze_faktury_cp1250.csv")
    page = wizard.mapping_page
    assert page.preset.currentData() is None  # no ready mapping has these columns
    assert not page.isComplete()
    assert page.columns.rowCount() == 7
    assert page.columns.item(3, 1).text() == "Przedsiębiorstwo „Żółw” Sp. z o.o."  # cp1250 read

    _map_by_hand(qtbot, wizard)
    assert page.isComplete(), page.status.text()
    model = page.preview_model
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.errors() == []
    assert model.index(0, 0).data() == "2"  # the spreadsheet's row number, under the header
    assert "windows-1250" in page.status.text()

    with qtbot.waitSignal(page.saved):
        page.save_as("nasze-faktury")
    assert page.preset.currentData() == "nasze-faktury"

    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None)
    report = wizard.check_page.report
    assert report is not None and report.errors == []
    assert report.created == 5  # two buyers, three invoices
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.report is not None)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and not window.model.loading)
    zolw = views.get_contractor(db, "5260250995")
    card = views.contractor_card(db, zolw.id, window.today())
    assert sorted((i.number, i.gross_minor) for i in card.invoices) == [
        ("FV/201/11/2026", 123_456),
        ("FV/203/11/2026", 200_000),
    ]
    wizard.close()

    # the next file of this kind finds its mapping by itself
    again = _mapping_page(qtbot, window, FILES / "nasze_faktury_cp1250.csv")
    assert again.mapping_page.preset.currentData() == "nasze-faktury"
    qtbot.waitUntil(again.mapping_page.isComplete)
    again.reject()


def test_a_row_that_cannot_be_read_is_marked_and_the_check_names_its_line(
    qtbot: QtBot, window: MainWindow, db_path: Path
) -> None:
    before = dump(db_path)
    wizard = _mapping_page(qtbot, window, FILES / "zle_kwoty.csv")
    _map_by_hand(qtbot, wizard)
    page = wizard.mapping_page
    errors = page.preview_model.errors()
    assert [number for number, _reason in errors] == [3]
    assert page.preview_model.index(1, page.preview_model.error_column).data() == errors[0][1]
    assert "1 of the first rows cannot be imported" in page.status.text()

    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None)
    report = wizard.check_page.report
    assert report is not None
    assert [(e.line, e.field) for e in report.errors] == [(3, "Do zapłaty")]
    problems = wizard.check_page.view.model
    assert (problems.index(0, 0).data(), problems.index(0, 1).data()) == ("zle_kwoty.csv", "3")
    assert not wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    assert dump(db_path) == before
    wizard.reject()


def test_the_columns_page_fits_a_laptop_screen_in_polish(qtbot: QtBot, window: MainWindow) -> None:
    """Encoding, separator, dates and decimal mark in one row made the Polish wizard wider than
    a 1366-pixel screen: Cancel and the last column's choices were off the screen."""
    set_language("pl")
    wizard = _mapping_page(qtbot, window, FILES / "nasze_faktury_cp1250.csv")
    # the wizard opens 1100 pixels wide: its page (and the wizard's margins) must fit in that
    assert wizard.mapping_page.minimumSizeHint().width() <= 1000
    wizard.reject()
