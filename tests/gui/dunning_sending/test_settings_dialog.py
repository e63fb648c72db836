"""The settings dialog: each field checked by the registry's own parser, secrets to the keyring,
and a test message that really reaches a server."""

from __future__ import annotations

import contextlib

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import event, select

from db.models import AuditEntry
from db.uow import Database
from desktop_app.secrets import SERVICE
from desktop_app.services.dunning.send_test import SendTestResult
from desktop_app.services.firm import get_firm
from desktop_app.settings import get_value
from tests.conftest import Cli
from tests.gui.dunning_sending.conftest import OFFSCREEN_NOISE
from tests.integration.dunning_env import DunningEnv
from ui.dunning.settings_dialog import TABS, SettingsDialog
from ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


@pytest.fixture
def dialog(qtbot: QtBot, db: Database, ops: Operations) -> SettingsDialog:
    for name in ("smtp.password", "sms.token", "voice.token"):  # a clean keyring each test
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, name)
    dialog = SettingsDialog(db, ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready)
    return dialog


def _type(qtbot: QtBot, dialog: SettingsDialog, key: str, text: str) -> None:
    editor = dialog.fields[key].editor
    assert isinstance(editor, QLineEdit)
    editor.clear()
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:  # QTest types ASCII only
        editor.setText(text)


def test_a_bad_port_is_explained_by_the_field_and_nothing_is_saved(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    _type(qtbot, dialog, "smtp.host", "smtp.example.com")
    _type(qtbot, dialog, "smtp.port", "70000")
    assert dialog.save() is False
    port = dialog.fields["smtp.port"]
    assert port.error.isVisible()
    assert port.error.text() == "Must be between 1 and 65535."
    assert dialog.tabs.currentIndex() == TABS.index("email")
    assert dialog.problem.text() == "Nothing was saved: please correct the marked fields."
    assert dialog.isVisible()
    # nothing written, not even the good host typed beside the bad port
    assert get_value(db, "smtp.host") == ""
    assert get_value(db, "smtp.port") == 587


def test_good_values_are_saved_and_the_password_lands_in_the_keyring_never_shown_back(
    qtbot: QtBot, dialog: SettingsDialog, db: Database, ops: Operations
) -> None:
    _type(qtbot, dialog, "smtp.host", "smtp.example.com")
    _type(qtbot, dialog, "smtp.port", "465")
    security = dialog.fields["smtp.security"].editor
    security.setCurrentIndex(security.findData("tls"))  # type: ignore[attr-defined]
    _type(qtbot, dialog, "smtp.user", "windykacja")
    _type(qtbot, dialog, "secret.smtp.password", "s3cret!")
    _type(qtbot, dialog, "smtp.from", "Windykacja@Firma.PL")
    _type(qtbot, dialog, "schedule.interval_minutes", "30")
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert get_value(db, "smtp.host") == "smtp.example.com"
    assert get_value(db, "smtp.port") == 465
    assert get_value(db, "smtp.security") == "tls"
    assert get_value(db, "smtp.from") == "Windykacja@firma.pl"  # the domain part normalised
    assert get_value(db, "schedule.interval_minutes") == 30
    assert keyring.get_password(SERVICE, "smtp.password") == "s3cret!"

    again = SettingsDialog(db, ops)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.ready)
    password = again.fields["secret.smtp.password"].editor
    assert isinstance(password, QLineEdit)
    assert password.text() == ""  # never shown back
    assert "stored in the system keyring" in password.placeholderText()
    assert again.fields["smtp.port"].text() == "465"
    # an empty password field keeps the stored one
    _type(qtbot, again, "smtp.timeout", "90")
    with qtbot.waitSignal(again.saved):
        again.save()
    assert keyring.get_password(SERVICE, "smtp.password") == "s3cret!"
    assert get_value(db, "smtp.timeout") == 90


def test_the_firm_is_checked_nip_and_iban_and_then_saved(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    dialog.show_tab("schedule")
    _type(qtbot, dialog, "firm.name", "Hurtownia Pol-Mak Sp. z o.o.")
    _type(qtbot, dialog, "firm.nip", "7740001455")  # wrong check digit
    dialog.fields["firm.accounts"].set_text("PL61 1090 1014 0000 0712 1981 2875")
    assert dialog.save() is False
    assert dialog.tabs.currentIndex() == TABS.index("firm")
    assert "Invalid NIP 7740001455" in dialog.fields["firm.nip"].error.text()
    assert "Invalid bank account number" in dialog.fields["firm.accounts"].error.text()
    assert get_firm(db) is None

    _type(qtbot, dialog, "firm.nip", "774-000-14-54")
    dialog.fields["firm.accounts"].set_text(
        "61 1090 1014 0000 0712 1981 2874\nDE89 3704 0044 0532 0130 00 EUR"
    )
    _type(qtbot, dialog, "firm.email", "biuro@polmak.pl")
    _type(qtbot, dialog, "firm.city", "Płock")
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    firm = get_firm(db)
    assert firm is not None
    assert (firm.name, firm.nip, firm.city, firm.email) == (
        "Hurtownia Pol-Mak Sp. z o.o.",
        "7740001454",
        "Płock",
        "biuro@polmak.pl",
    )
    assert firm.accounts == ("PL61109010140000071219812874", "DE89370400440532013000")
    assert not dialog.fields["firm.nip"].error.isVisible()


def test_settings_and_firm_in_one_transaction_then_the_password_named_in_the_audit(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        _type(qtbot, dialog, "smtp.host", "smtp.example.com")
        _type(qtbot, dialog, "smtp.port", "465")
        _type(qtbot, dialog, "firm.name", "Hurtownia Pol-Mak")
        _type(qtbot, dialog, "firm.nip", "7740001454")
        _type(qtbot, dialog, "secret.smtp.password", "s3cret!")
        dialog.fields["window.email"].set_text("07:00-19:00")
        with qtbot.waitSignal(dialog.saved):
            assert dialog.save()
    finally:
        event.remove(db.engine, "commit", committed)
    # the keys and the firm in one transaction; after the keyring took the password, one more
    # for the audit line naming it (only its name: a secret's value never reaches the database)
    assert len(commits) == 2
    with db.read() as session:
        secrets_line = session.scalars(
            select(AuditEntry.changes).where(AuditEntry.target == "secrets")
        ).one()
    assert secrets_line is not None and "smtp.password" in secrets_line
    assert "s3cret!" not in str(secrets_line)
    assert (get_value(db, "smtp.host"), get_value(db, "smtp.port")) == ("smtp.example.com", 465)
    assert get_value(db, "window.email") == "07:00-19:00"
    firm = get_firm(db)
    assert firm is not None and firm.nip == "7740001454"
    assert keyring.get_password(SERVICE, "smtp.password") == "s3cret!"


def test_a_refused_secret_is_shown_by_its_field_and_saved_on_the_next_try(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    working = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        dialog.show_tab("sms")
        _type(qtbot, dialog, "sms.sender", "PolMak")
        _type(qtbot, dialog, "secret.sms.token", "token-1")
        with qtbot.waitSignal(dialog.saved):
            assert dialog.save()
        qtbot.waitUntil(lambda: not dialog.saving)
    finally:
        keyring.set_keyring(working)
    token = dialog.fields["secret.sms.token"]
    assert token.error.isVisible()
    assert "The settings were saved, but not the password or token" in token.error.text()
    assert dialog.isVisible()
    assert get_value(db, "sms.sender") == "PolMak"  # the rest is stored
    assert token.text() == "token-1"  # still typed, to save again
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert keyring.get_password(SERVICE, "sms.token") == "token-1"


def test_a_bad_sending_window_is_explained_by_its_row(
    qtbot: QtBot, dialog: SettingsDialog, db: Database
) -> None:
    dialog.show_tab("windows")
    dialog.fields["window.sms"].set_text("19:00-09:00")
    assert dialog.save() is False
    assert dialog.fields["window.sms"].error.text() == "The window must end after it starts."
    dialog.fields["window.sms"].set_text("08:30-20:00")
    dialog.fields["window.sms.business_days"].set_text("false")
    with qtbot.waitSignal(dialog.saved):
        assert dialog.save()
    assert get_value(db, "window.sms") == "08:30-20:00"
    assert get_value(db, "window.sms.business_days") is False


def test_gateway_fields_follow_the_provider(qtbot: QtBot, dialog: SettingsDialog) -> None:
    dialog.show_tab("sms")
    provider = dialog.fields["sms.provider"].editor
    account = dialog.fields["sms.account"].editor
    method = dialog.fields["sms.http_method"].editor
    provider.setCurrentIndex(provider.findData("twilio"))  # type: ignore[attr-defined]
    assert account.isVisibleTo(dialog) and not method.isVisibleTo(dialog)
    provider.setCurrentIndex(provider.findData("generic"))  # type: ignore[attr-defined]
    assert method.isVisibleTo(dialog) and not account.isVisibleTo(dialog)
    _type(qtbot, dialog, "sms.http_headers", "not json")
    assert dialog.save() is False
    assert dialog.fields["sms.http_headers"].error.text() == "A JSON object is expected."


def test_send_test_mail_arrives_at_the_smtp_server(
    qtbot: QtBot, env: DunningEnv, db: Database, ops: Operations
) -> None:
    env.configure()
    dialog = SettingsDialog(db, ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    with qtbot.waitSignal(dialog.test_finished, timeout=30_000) as blocker:
        dialog.send_test("email", "Kontrola@Example.com")
    result = blocker.args[0]
    assert isinstance(result, SendTestResult) and result.ok, result
    assert [m.rcpt_tos for m in env.mail.messages] == [["Kontrola@example.com"]]
    received = env.mail.messages[0].parsed()
    assert received["Subject"] == "Inkaso test message"
    assert "Hurtownia Pol-Mak" in received["From"]
    assert dialog.test_result_email.text().count("Sent to Kontrola@example.com") == 1


def test_send_test_shows_the_servers_refusal_in_plain_words(
    qtbot: QtBot, env: DunningEnv, db: Database, ops: Operations
) -> None:
    env.configure()
    env.mail.refuse_rcpt["nobody@example.com"] = "550 5.1.1 No such mailbox here"
    dialog = SettingsDialog(db, ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    with qtbot.waitSignal(dialog.test_finished, timeout=30_000) as blocker:
        dialog.send_test("email", "nobody@example.com")
    assert not blocker.args[0].ok
    text = dialog.test_result_email.text()
    assert "Not sent, the server refused" in text
    assert "No such mailbox here" in text
    assert env.mail.messages == []


def test_send_test_sms_reaches_the_gateway_and_unset_channels_say_so(
    qtbot: QtBot, env: DunningEnv, db: Database, ops: Operations
) -> None:
    env.configure(voice__provider="none")
    dialog = SettingsDialog(db, ops)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready)
    with qtbot.waitSignal(dialog.test_finished, timeout=30_000):
        dialog.send_test("sms", "501 234 567")
    assert [r.form()["to"] for r in env.sms.requests] == ["48501234567"]
    assert "Sent to" in dialog.test_result_sms.text()
    with qtbot.waitSignal(dialog.test_finished, timeout=30_000):
        dialog.send_test("voice", "501 234 567")
    assert "Voice call: sending is not set up" in dialog.test_result_voice.text()


def test_cli_send_test_uses_the_same_service(env: DunningEnv, cli: Cli) -> None:
    env.configure(voice__provider="none")
    result = cli("send-test", "--channel", "email", "--to", "cli@example.com", "--json")
    assert result.code == 0, result.err
    assert result.json()["status"] == "sent"
    assert [m.rcpt_tos for m in env.mail.messages] == [["cli@example.com"]]
    refused = cli("send-test", "--channel", "voice", "--to", "+48501234567")
    assert refused.code == 3
    assert "Voice call: sending is not set up" in refused.err
