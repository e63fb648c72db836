"""File → Import…: a file is recognised, checked without saving, imported with progress, and the
main list shows what came in; a broken file is explained and nothing of it is saved."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.services import firm, views
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.gui.imports.conftest import FILES, dump
from ui.imports.menu import open_import_wizard
from ui.imports.problems_model import COLUMN as PROBLEM
from ui.imports.problems_model import Problem
from ui.imports.wizard import ImportWizard
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
KSEF_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ksef"


def _choose(qtbot: QtBot, wizard: ImportWizard, path: Path, fmt: str) -> None:
    wizard.source_page.set_path(path)
    qtbot.waitUntil(lambda: wizard.source_page.format_name() == fmt)
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()


def _import_button(window: MainWindow) -> QPushButton:
    buttons = window.table.viewport().findChildren(QPushButton)
    return next(b for b in buttons if b.text() == "Import invoices…")


def _checked(qtbot: QtBot, wizard: ImportWizard) -> None:
    wizard.next()
    assert wizard.currentId() == wizard.CHECK
    qtbot.waitUntil(lambda: wizard.check_page.report is not None or not wizard.ops.busy)


def test_the_empty_list_offers_to_import_invoices(window: MainWindow, qtbot: QtBot) -> None:
    button = _import_button(window)
    assert button.isVisible()
    button.click()
    wizard = window.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible()
    wizard.reject()


def test_a_ksef_file_is_checked_then_imported_and_the_list_shows_it(
    qtbot: QtBot, window: MainWindow, db: Database, db_path: Path
) -> None:
    wizard = open_import_wizard(window)
    _choose(qtbot, wizard, FILES / "fa3_lecki.xml", "ksef")
    before = dump(db_path)

    _checked(qtbot, wizard)
    report = wizard.check_page.report
    assert report is not None and not report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)  # buyer, invoice
    assert "2 new" in wizard.check_page.view.counts.text()
    assert dump(db_path) == before  # the check saved nothing

    wizard.next()  # Import
    assert wizard.currentId() == wizard.RUN
    qtbot.waitUntil(lambda: wizard.run_page.report is not None)
    assert "2 new" in wizard.run_page.view.counts.text()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.model.loading)
    assert window.model.cached_row(0) is not None
    card = views.contractor_card(db, window.model.contractor_id(0), window.today())
    assert card.contractor.name == "Zakład Usługowy Łęcki i Syn"
    assert [(i.number, i.gross_minor) for i in card.invoices] == [("FV/101/2026", 123_000)]
    assert not _import_button(window).isVisible()

    # the same file again changes nothing, and says so
    wizard.close()
    again = open_import_wizard(window)
    assert again is not wizard
    _choose(qtbot, again, FILES / "fa3_lecki.xml", "ksef")
    _checked(qtbot, again)
    report = again.check_page.report
    assert report is not None and (report.created, report.updated) == (0, 0)
    assert report.unchanged >= 1  # the invoice (the import counts its buyer its own way)
    again.reject()


def test_a_broken_file_is_explained_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow, db_path: Path, qtmodeltester: ModelTester
) -> None:
    before = dump(db_path)
    wizard = open_import_wizard(window)
    wizard.source_page.set_path(FILES / "fa3_truncated.xml")
    qtbot.waitUntil(lambda: wizard.source_page.hint.text() != "" and not wizard.ops.busy)
    wizard.source_page.set_format("ksef")  # a truncated file is not recognised: chosen by hand
    _checked(qtbot, wizard)
    report = wizard.check_page.report
    assert report is not None and len(report.errors) == 1
    problems = wizard.check_page.view.model
    qtmodeltester.check(problems)
    assert problems.rowCount() == 1
    assert problems.index(0, PROBLEM["file"]).data() == "fa3_truncated.xml"
    assert problems.index(0, PROBLEM["message"]).data()
    assert wizard.check_page.view.table.isVisible()
    assert "1 file refused" in wizard.check_page.view.counts.text()
    # nothing would be imported: the Import button stays off
    assert not wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    assert dump(db_path) == before
    wizard.reject()


def test_cancel_stops_a_folder_import_and_a_new_import_brings_the_rest(
    qtbot: QtBot, window: MainWindow, db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "ksef"
    folder.mkdir()
    text = (FILES / "fa3_lecki.xml").read_text(encoding="utf-8")
    for n in (101, 102, 103):
        (folder / f"FV_{n}.xml").write_text(text.replace("FV/101/", f"FV/{n}/"), encoding="utf-8")
    wizard = open_import_wizard(window)
    _choose(qtbot, wizard, folder, "ksef")  # a folder is recognised by its files
    _checked(qtbot, wizard)
    assert wizard.check_page.report is not None and wizard.check_page.report.created == 4

    # the writer is busy with something else while the import waits its turn and is cancelled:
    # it starts already cancelled and stops at its first report of progress
    gate = threading.Event()
    wizard.ops.write(gate.wait, changes=Change.NONE, label="a write before the import")
    wizard.next()
    assert wizard.run_page.running
    wizard.reject()  # Cancel while importing stops the import, the wizard stays open
    assert wizard.isVisible()
    with qtbot.waitSignal(wizard.run_page.finished):
        gate.set()
    assert wizard.run_page.title() == "Import stopped"
    assert "What was saved before the stop stays imported" in wizard.run_page.status.text()
    wizard.reject()
    assert not wizard.isVisible()

    # whatever the stopped import saved, the next brings exactly the rest, nothing twice
    again = open_import_wizard(window)
    _choose(qtbot, again, folder, "ksef")
    _checked(qtbot, again)
    again.next()
    qtbot.waitUntil(lambda: again.run_page.report is not None)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.model.loading)
    card = views.contractor_card(db, window.model.contractor_id(0), window.today())
    assert sorted(i.number for i in card.invoices) == [
        "FV/101/2026",
        "FV/102/2026",
        "FV/103/2026",
    ]
    again.reject()


def test_a_folder_of_ksef_files_lists_what_it_skips_and_why(
    qtbot: QtBot, window: MainWindow, db: Database
) -> None:
    # the firm of tests/fixtures/ksef, whose folder also holds a purchase invoice
    firm.save_firm(db, firm.FirmInput(name="Hurtownia Żółw sp. z o.o.", nip="7811767696"))
    wizard = open_import_wizard(window)
    _choose(qtbot, wizard, KSEF_FIXTURES, "ksef")
    _checked(qtbot, wizard)
    report = wizard.check_page.report
    assert report is not None and report.errors == [] and report.created == 11
    problems = wizard.check_page.view.model
    assert [problems.problem(r) for r in range(problems.rowCount())] == [
        Problem(
            file=str(KSEF_FIXTURES / "fa3" / "zakup_FZ_77_2026.xml"),
            line="",
            field="",
            message="purchase invoice FZ/77/2026: the seller's NIP is 5213017228",
            skipped=True,
        )
    ]
    assert "1 item skipped" in wizard.check_page.view.counts.text()
    assert wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    wizard.reject()


def test_a_folder_without_a_file_of_the_format_has_nothing_to_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    (tmp_path / "notatki.txt").write_text("nic tu nie ma", encoding="utf-8")
    wizard = open_import_wizard(window)
    wizard.source_page.set_path(tmp_path)
    qtbot.waitUntil(lambda: not wizard.ops.busy and wizard.source_page.hint.text() != "")
    assert wizard.source_page.format_name() is None  # nothing recognised: the user must choose
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    wizard.source_page.set_format("ksef")
    _checked(qtbot, wizard)
    assert "nothing to import here" in wizard.check_page.view.counts.text()
    assert not wizard.button(wizard.WizardButton.CommitButton).isEnabled()
    wizard.reject()


def test_the_source_page_shows_no_literal_ampersand(window: MainWindow) -> None:
    """A label's "&" is a shortcut only when the label has a buddy; the file row is a layout,
    so "&Import from:" showed its ampersand and Alt+I led nowhere."""
    wizard = open_import_wizard(window)
    labels = wizard.source_page.findChildren(QLabel)
    assert [label.text() for label in labels if "&" in label.text() and not label.buddy()] == []
    assert any(label.buddy() is wizard.source_page.path_edit for label in labels)
    wizard.reject()
