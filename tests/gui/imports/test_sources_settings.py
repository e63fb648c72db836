"""Settings → Import sources: KSeF and 1C set up and really tested against loopback servers,
watched folders added and imported from, all saved as ordinary settings and keyring secrets."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.models import Invoice
from db.uow import Database
from desktop_app.secrets import SERVICE, get_secret
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.settings import get_value
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.integration.ksef_server import ksef_server
from tests.integration.onec_server import onec_server
from ui.dunning.settings_dialog import TABS, SettingsDialog
from ui.main_window import MainWindow
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

NIP = "7740001454"
TOKEN = "20261201-EC-0A1B2C3D4E-5F60718293-AB|nip-7740001454|8f2e4d6c0b1a"
KSEF_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ksef" / "fa3"


@pytest.fixture
def dialog(qtbot: QtBot, db: Database, ops: Operations) -> Iterator[SettingsDialog]:
    for name in ("ksef.token", "1c.password"):  # a clean keyring each test
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, name)
    save_firm(db, FirmInput(name="Hurtownia Pol-Mak", nip=NIP))
    shown = SettingsDialog(db, ops)
    qtbot.addWidget(shown)
    shown.show()
    shown.show_tab("sources")
    qtbot.waitUntil(lambda: shown.ready)
    yield shown


def _type(dialog: SettingsDialog, key: str, text: str) -> None:
    editor = dialog.fields[key].editor
    assert isinstance(editor, QLineEdit)
    editor.setText(text)


def _choose(dialog: SettingsDialog, key: str, value: str) -> None:
    editor = dialog.fields[key].editor
    assert isinstance(editor, QComboBox)
    editor.setCurrentIndex(editor.findData(value))


def _click_and_wait(qtbot: QtBot, dialog: SettingsDialog, name: str) -> object:
    button = dialog.sources.findChild(object, name)
    with qtbot.waitSignal(dialog.sources.finished, timeout=20_000) as outcome:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    return outcome.args[0] if outcome.args else None


def test_ksef_test_connection_really_signs_in_and_a_wrong_token_is_said_plainly(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    assert dialog.tabs.currentIndex() == TABS.index("sources")
    with ksef_server(nip=NIP, token=TOKEN) as server:
        _choose(dialog, "ksef.environment", "test")
        _type(dialog, "ksef.api_url", server.base_url)
        _type(dialog, "secret.ksef.token", TOKEN)
        _click_and_wait(qtbot, dialog, "test-ksef")
        assert dialog.sources.ksef_result.text().endswith(
            f"Signed in to KSeF (test) for NIP {NIP}.</span>"
        )
        # saved first: the settings and the token in the keyring, the token never shown back
        assert get_value(db, "ksef.environment") == "test"
        assert get_value(db, "ksef.api_url") == server.base_url
        assert get_secret("ksef.token") == TOKEN
        token = dialog.fields["secret.ksef.token"].editor
        assert isinstance(token, QLineEdit) and token.text() == ""

        _type(dialog, "secret.ksef.token", TOKEN.replace("8f2e", "0000"))
        _click_and_wait(qtbot, dialog, "test-ksef")
        shown = dialog.sources.ksef_result.text()
        assert "KSeF refused the sign-in" in shown and "Traceback" not in shown


def test_1c_test_connection_reads_the_base_and_a_wrong_password_is_said_plainly(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    with onec_server() as server:
        _type(dialog, "1c.url", server.url)
        _type(dialog, "1c.user", server.user)
        _type(dialog, "secret.1c.password", server.password)
        _click_and_wait(qtbot, dialog, "test-1c")
        assert f"Connected to 1C at {server.url}: its counterparties can be read." in (
            dialog.sources.onec_result.text()
        )
        assert get_secret("1c.password") == server.password

        _type(dialog, "secret.1c.password", "złe hasło")
        _click_and_wait(qtbot, dialog, "test-1c")
        assert "1C refused the user name or password (HTTP 401)" in (
            dialog.sources.onec_result.text()
        )


def test_watched_folders_are_added_saved_and_imported_now(
    qtbot: QtBot, dialog: SettingsDialog, db: Database, tmp_path: Path
) -> None:
    save_firm(db, FirmInput(name="Hurtownia Żółw sp. z o.o.", nip="7811767696"))  # the seller
    invoices = tmp_path / "KSeF przychodzące"
    shutil.copytree(KSEF_FIXTURES, invoices)
    statements = tmp_path / "wyciągi"
    statements.mkdir()
    folders = dialog.sources.folder_list
    folders.source.setCurrentIndex(folders.source.findData("ksef"))
    folders.folder.setText(str(invoices))
    qtbot.mouseClick(folders.add_button, Qt.MouseButton.LeftButton)
    folders.add("bank", str(statements), "mbank-historia")
    folders.add("csv", str(tmp_path / "tabele"))
    assert folders.tree.topLevelItemCount() == 3
    folders.tree.topLevelItem(1).setSelected(True)  # the CSV folder: not wanted after all
    qtbot.mouseClick(folders.remove_button, Qt.MouseButton.LeftButton)
    _type(dialog, "import.interval_minutes", "30")
    keep = dialog.fields["import.after"].editor
    assert isinstance(keep, QComboBox)
    keep.setCurrentIndex(keep.findData("keep"))
    before = dialog.fields["import.before_dunning"].editor
    assert isinstance(before, QCheckBox) and before.isChecked()

    _click_and_wait(qtbot, dialog, "import-now")

    assert get_value(db, "import.folders") == {"ksef": str(invoices), "bank": str(statements)}
    assert get_value(db, "import.mappings") == {"bank": "mbank-historia"}
    assert get_value(db, "import.interval_minutes") == 30
    assert get_value(db, "import.after") == "keep"
    with db.read() as session:
        imported = session.scalar(select(func.count(Invoice.id)))
    assert imported, dialog.sources.import_result.text()
    shown = dialog.sources.import_result.text()
    assert "Imported: " in shown and " new records, 0 updated, 0 unchanged." in shown, shown


def test_a_wrong_interval_is_marked_on_the_sources_tab_and_nothing_runs(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    dialog.show_tab("firm")
    _type(dialog, "import.interval_minutes", "5")
    qtbot.mouseClick(dialog.sources.import_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.currentIndex() == TABS.index("sources")
    assert dialog.fields["import.interval_minutes"].error.isVisible()
    assert dialog.sources.import_result.text() == "Correct the marked fields first."
    assert get_value(db, "import.interval_minutes") == 60


def test_file_import_sources_opens_the_settings_on_their_tab(
    qtbot: QtBot, window: MainWindow
) -> None:
    action = next(a for a in window.findChildren(QAction) if a.text() == "Import &sources…")
    action.trigger()
    dialog = window.sending.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitUntil(lambda: dialog.ready)
    assert dialog.tabs.currentIndex() == TABS.index("sources")
    dialog.reject()
