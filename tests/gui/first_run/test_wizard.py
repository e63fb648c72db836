"""The first-run wizard on an empty database, against a loopback SMTP server and White List."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import keyring
import keyring.errors
import pytest
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWizard
from pytestqt.qtbot import QtBot

from db.uow import Database
from desktop_app import autostart, preferences
from desktop_app.i18n import set_language
from desktop_app.secrets import SERVICE
from desktop_app.services import activity, users
from desktop_app.services.dunning import outbox, scenarios
from desktop_app.services.firm import FirmInput, get_firm, save_firm
from desktop_app.services.setup_state import setup_state
from desktop_app.settings import get_value, set_value
from tests.gui.conftest import OFFSCREEN_NOISE
from tests.integration.http_gateway import running_gateway
from tests.integration.smtp_server import Recorder, smtp_server
from tests.integration.whitelist_server import registry, subject
from ui.dunning.settings_dialog import SettingsDialog
from ui.first_run.wizard import FirstData, FirstRunWizard, Page, open_wizard
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

TODAY = dt.date(2026, 12, 1)
NIP = "5260250274"
IBAN = "PL61 1090 1014 0000 0712 1981 2874"


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Autostart entries and preferences in the test's folder, a clean keyring, English."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("INKASO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("APPIMAGE", raising=False)
    for name in ("smtp.password", "sms.token", "voice.token"):
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, name)
    set_language("en")


def _type(qtbot: QtBot, settings: SettingsDialog, key: str, text: str) -> None:
    editor = settings.fields[key].editor
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(text)
        return
    assert isinstance(editor, QLineEdit)
    editor.clear()
    qtbot.keyClicks(editor, text)


def _next(qtbot: QtBot, wizard: FirstRunWizard, expected: Page) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), _LEFT)
    assert wizard.currentId() == expected


from PySide6.QtCore import Qt  # noqa: E402

_LEFT = Qt.MouseButton.LeftButton


def _wizard(
    qtbot: QtBot, db: Database, ops: Operations, closed: list[FirstData | None]
) -> FirstRunWizard:
    wizard = open_wizard(db, ops, today=lambda: TODAY, on_close=closed.append)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.settings.ready and wizard.scenario.count() > 0)
    return wizard


def test_every_page_on_an_empty_database_ends_set_up_and_nothing_goes_out_before_finish(
    qtbot: QtBot, db: Database, ops: Operations, tmp_path: Path
) -> None:
    assert setup_state(db).needs_wizard
    mail = Recorder()
    closed: list[FirstData | None] = []
    alfa = subject(NIP, "ALFA SPÓŁKA Z O.O.")
    with smtp_server(mail) as smtp, running_gateway(registry({NIP: alfa})) as mf:
        set_value(db, "whitelist.api_url", mf.base_url)
        wizard = _wizard(qtbot, db, ops, closed)
        settings = wizard.settings
        assert wizard.currentId() == Page.LANGUAGE
        assert wizard.language.currentData() == "en"
        _next(qtbot, wizard, Page.FIRM)

        # the firm: nothing to go on without a name; the NIP fills it in from the White List
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        assert not next_button.isEnabled()
        _type(qtbot, settings, "firm.nip", "526-025-02-74")
        with qtbot.waitSignal(settings.white_list_filled, timeout=10_000):
            qtbot.mouseClick(settings.whitelist_button, _LEFT)
        assert [r.path for r in mf.requests] == [f"/api/search/nip/{NIP}"]
        assert mf.requests[0].query == {"date": ["2026-12-01"]}  # the day the app shows
        assert settings.fields["firm.name"].text() == "ALFA SPÓŁKA Z O.O."
        assert settings.fields["firm.street"].text() == "UL. PROSTA 1"
        assert settings.fields["firm.postal_code"].text() == "00-001"
        assert settings.fields["firm.city"].text() == "WARSZAWA"
        assert next_button.isEnabled()
        _next(qtbot, wizard, Page.ACCOUNT)

        # the bank account: a wrong check digit keeps the page, with the reason by the field
        _type(qtbot, settings, "firm.accounts", IBAN.replace("61", "62", 1))
        _next(qtbot, wizard, Page.ACCOUNT)
        assert settings.fields["firm.accounts"].error.isVisible()
        _type(qtbot, settings, "firm.accounts", IBAN)
        _next(qtbot, wizard, Page.EMAIL)

        # e-mail, and a test message through it: the only thing sent before Finish
        _type(qtbot, settings, "smtp.host", "127.0.0.1")
        _type(qtbot, settings, "smtp.port", str(smtp.port))
        security = settings.fields["smtp.security"].editor
        security.setCurrentIndex(security.findData("plain"))  # type: ignore[attr-defined]
        _type(qtbot, settings, "smtp.from", "windykacja@alfa.example.com")
        with qtbot.waitSignal(settings.test_finished, timeout=30_000) as blocker:
            settings.send_test("email", "kontrola@example.com")
        assert getattr(blocker.args[0], "ok", False), blocker.args[0]
        assert [m.rcpt_tos for m in mail.messages] == [["kontrola@example.com"]]
        assert mail.messages[0].parsed()["Subject"] == "Inkaso test message"
        # ... which saved the server, but not the firm: still nothing may be sent
        assert get_value(db, "smtp.host") == "127.0.0.1"
        assert get_firm(db) is None
        assert not setup_state(db).may_send
        _next(qtbot, wizard, Page.SMS)
        assert settings.fields["sms.provider"].text() == "none"
        _next(qtbot, wizard, Page.SCENARIO)

        names = [wizard.scenario.itemData(i) for i in range(wizard.scenario.count())]
        assert len(names) > 1
        chosen = next(n for n in names if n != wizard.scenario.currentData())
        wizard.scenario.setCurrentIndex(names.index(chosen))
        _next(qtbot, wizard, Page.OWNER)

        assert wizard.owner_login.text() == activity.current_actor()
        qtbot.keyClicks(wizard.owner_name, "Anna Nowak")
        _next(qtbot, wizard, Page.AUTOSTART)
        assert wizard.autostart.isChecked()
        _next(qtbot, wizard, Page.FIRST_DATA)
        wizard.findChild(object, "first-data-later").setChecked(True)  # type: ignore[union-attr]

        assert get_firm(db) is None and users.list_users(db) == []  # nothing before Finish
        with qtbot.waitSignal(wizard.setup_finished, timeout=10_000):
            qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), _LEFT)

    assert closed == [FirstData.LATER]
    assert not wizard.isVisible()
    firm = get_firm(db)
    assert firm is not None
    assert (firm.name, firm.nip, firm.city) == ("ALFA SPÓŁKA Z O.O.", NIP, "WARSZAWA")
    assert firm.accounts == (IBAN.replace(" ", ""),)
    owner = users.current_user(db)
    assert owner is not None and owner.full_name == "Anna Nowak"
    assert next(s for s in scenarios.list_scenarios(db) if s.is_default).name == chosen
    assert setup_state(db).missing == ()
    assert setup_state(db).may_send
    # nothing was queued or sent to anyone but the test address
    assert sum(outbox.counts(db).values()) == 0
    assert len(mail.messages) == 1
    entry = autostart.desktop_file()
    assert entry.is_file() and "--minimized" in entry.read_text()


def test_cancel_leaves_the_database_as_it_was_and_the_wizard_asks_again(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    closed: list[FirstData | None] = []
    wizard = _wizard(qtbot, db, ops, closed)
    _next(qtbot, wizard, Page.FIRM)
    _type(qtbot, wizard.settings, "firm.name", "Hurtownia Pol-Mak")
    _next(qtbot, wizard, Page.ACCOUNT)
    wizard.reject()
    assert closed == [None]
    assert get_firm(db) is None
    assert setup_state(db).needs_wizard
    assert not autostart.desktop_file().exists()


def test_another_language_rebuilds_the_wizard_in_it_at_once(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    closed: list[FirstData | None] = []
    wizard = _wizard(qtbot, db, ops, closed)

    def name_label(w: FirstRunWizard) -> str:
        form = w.settings.section("firm").layout()
        assert isinstance(form, QFormLayout)
        label = form.labelForField(w.settings.fields["firm.name"].editor.parentWidget())
        assert isinstance(label, QLabel)
        return label.text()

    assert name_label(wizard) == "Name:"
    try:
        wizard.language.setCurrentIndex(wizard.language.findData("pl"))
        polish = next(
            w
            for w in qtbot_top_level()
            if isinstance(w, FirstRunWizard) and w is not wizard and w.isVisible()
        )
        qtbot.addWidget(polish)
        assert name_label(polish) == "Nazwa:"
        assert polish.language.currentData() == "pl"
        assert preferences.language() == "pl"  # the next start opens in Polish too
        assert not wizard.isVisible()
        polish.reject()
        assert closed == [None]  # the wizard on screen, not the one replaced
    finally:
        set_language("en")


def qtbot_top_level() -> list[object]:
    from PySide6.QtWidgets import QApplication

    return list(QApplication.topLevelWidgets())


def test_settings_start_with_the_system_writes_and_removes_the_login_entry(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    def saved_with(checked: bool) -> None:
        dialog = SettingsDialog(db, ops)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.ready)
        assert dialog.autostart.isChecked() is not checked
        dialog.autostart.setChecked(checked)
        with qtbot.waitSignal(dialog.saved):
            dialog.save()

    saved_with(True)
    entry = autostart.desktop_file()
    assert entry.is_file() and "--minimized" in entry.read_text()
    saved_with(False)
    assert not entry.exists()


def test_opened_again_on_a_set_up_database_it_shows_what_is_there(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    save_firm(db, FirmInput("Hurtownia Pol-Mak", accounts=[(IBAN, "PLN")]))
    users.ensure_first_user(db, activity.current_actor(), "Anna Nowak")
    closed: list[FirstData | None] = []
    wizard = _wizard(qtbot, db, ops, closed)
    qtbot.waitUntil(lambda: wizard.owner_name.text() == "Anna Nowak")
    assert wizard.settings.fields["firm.name"].text() == "Hurtownia Pol-Mak"
    assert not wizard.autostart.isChecked()  # as this computer has it: not set up to start
    wizard.setStartId(Page.FIRST_DATA)
    wizard.restart()
    with qtbot.waitSignal(wizard.setup_finished, timeout=10_000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), _LEFT)
    firm = get_firm(db)
    assert firm is not None and firm.name == "Hurtownia Pol-Mak"
    assert [u.full_name for u in users.list_users(db)] == ["Anna Nowak"]


def test_the_firm_page_says_how_reminders_are_signed_once(
    qtbot: QtBot, db: Database, ops: Operations
) -> None:
    wizard = _wizard(qtbot, db, ops, [])
    page = wizard.page(Page.FIRM)
    texts = [page.subTitle(), *(label.text() for label in page.findChildren(QLabel))]
    assert sum("signed with these details" in text for text in texts) == 1, texts


def test_another_language_chosen_from_the_menu_offers_a_restart(
    qtbot: QtBot, db: Database, ops: Operations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main window is built in the language of the start: the office is told so, and one
    click starts Inkaso again in the new language (quitting this test's app is not possible:
    the restart itself is counted, its arguments are tested in tests/unit/test_restart.py)."""
    from ui import restart
    from ui.main_window import MainWindow

    restarts: list[bool] = []
    monkeypatch.setattr(restart, "restart", lambda: restarts.append(True))
    save_firm(db, FirmInput("Hurtownia Pol-Mak", accounts=[(IBAN, "PLN")]))
    main = MainWindow(db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    try:
        first = main.sending.open_setup_wizard()
        assert isinstance(first, FirstRunWizard)
        qtbot.waitUntil(lambda: first.settings.ready)
        first.language.setCurrentIndex(first.language.findData("ru"))
        russian = next(
            w
            for w in qtbot_top_level()
            if isinstance(w, FirstRunWizard) and w is not first and w.isVisible()
        )
        qtbot.addWidget(russian)
        russian.reject()
        offer = main.sending.restart_offer
        assert offer is not None
        qtbot.waitUntil(offer.isVisible)
        assert "Русский" in offer.text() and "Главное окно" in offer.text()  # in Russian
        restart_button = offer.defaultButton()
        assert restart_button is not None
        qtbot.mouseClick(restart_button, _LEFT)
        assert restarts == [True]
    finally:
        set_language("en")


def test_the_same_language_kept_asks_nothing(qtbot: QtBot, db: Database, ops: Operations) -> None:
    from ui.main_window import MainWindow

    main = MainWindow(db, ops, currency="PLN", today=lambda: TODAY, db_label="inkaso.db")
    qtbot.addWidget(main)
    main.show()
    wizard = main.sending.open_setup_wizard()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.waitUntil(lambda: wizard.settings.ready)
    wizard.reject()
    assert main.sending.restart_offer is None
