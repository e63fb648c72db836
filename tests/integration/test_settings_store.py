"""Saving settings is one service call: the keys and the firm in one transaction, then the
keyring."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from db.uow import Database
from desktop_app.errors import InkasoError, ValidationError
from desktop_app.secrets import NAMES, SERVICE, get_secret
from desktop_app.services.firm import FirmInput, get_firm, save_firm
from desktop_app.services.settings_store import SecretsNotSavedError, SettingsChanges, save_settings
from desktop_app.settings import all_values

GOOD_FIRM = FirmInput(name="Hurtownia Pol-Mak", nip="7740001454", city="Warszawa")
GOOD_KEYS = {"smtp.host": "smtp.example.com", "smtp.port": "465", "schedule.interval_minutes": "30"}


@pytest.fixture(autouse=True)
def working_keyring() -> Iterator[KeyringBackend]:
    """The test session's file keyring, emptied; put back after a test swaps in a failing one."""
    working = keyring.get_keyring()
    for name in NAMES:
        with contextlib.suppress(PasswordDeleteError):
            keyring.delete_password(SERVICE, name)
    yield working
    keyring.set_keyring(working)


@pytest.fixture
def before(db: Database) -> dict[str, object]:
    save_firm(db, FirmInput(name="Stara Nazwa", city="Kraków"))
    return all_values(db)


def _firm_name(db: Database) -> str | None:
    firm = get_firm(db)
    return firm.name if firm else None


def test_an_invalid_firm_leaves_every_setting_unchanged(
    db: Database, before: dict[str, object]
) -> None:
    changes = SettingsChanges(
        settings=GOOD_KEYS,
        firm=FirmInput(name="Hurtownia Pol-Mak", nip="123"),  # not a NIP
        secrets={"smtp.password": "s3cret"},
    )
    with pytest.raises(ValidationError):
        save_settings(db, changes)
    assert all_values(db) == before
    assert _firm_name(db) == "Stara Nazwa"
    assert get_secret("smtp.password") is None


def test_a_bad_later_key_leaves_the_earlier_ones_unwritten(
    db: Database, before: dict[str, object]
) -> None:
    changes = SettingsChanges(settings={**GOOD_KEYS, "window.voice": "18:00-09:00"}, firm=GOOD_FIRM)
    with pytest.raises(ValidationError) as raised:
        save_settings(db, changes)
    assert raised.value.field == "window.voice"
    assert all_values(db) == before
    assert _firm_name(db) == "Stara Nazwa"


def test_a_failure_while_writing_the_firm_rolls_back_the_keys_written_before_it(
    db: Database, db_path: Path, before: dict[str, object]
) -> None:
    # A real refusal by the database in the middle of the write, after the keys went in.
    con = sqlite3.connect(db_path)
    with con:
        con.execute(
            "CREATE TRIGGER no_firm_change BEFORE UPDATE ON firm "
            "BEGIN SELECT RAISE(ABORT, 'firm is read-only'); END"
        )
    con.close()
    with pytest.raises(Exception, match="firm is read-only"):
        save_settings(
            db,
            SettingsChanges(settings=GOOD_KEYS, firm=GOOD_FIRM, secrets={"sms.token": "t-1"}),
        )
    assert all_values(db) == before
    assert _firm_name(db) == "Stara Nazwa"
    assert get_secret("sms.token") is None  # nothing reaches the keyring before the commit


def test_a_valid_set_is_saved_together_and_the_secret_after_the_commit(db: Database) -> None:
    save_settings(
        db,
        SettingsChanges(settings=GOOD_KEYS, firm=GOOD_FIRM, secrets={"smtp.password": "s3cret"}),
    )
    values = all_values(db)
    assert values["smtp.host"] == "smtp.example.com"
    assert values["smtp.port"] == 465
    assert values["schedule.interval_minutes"] == 30
    firm = get_firm(db)
    assert firm is not None and (firm.name, firm.nip) == ("Hurtownia Pol-Mak", "7740001454")
    assert get_secret("smtp.password") == "s3cret"


def test_a_keyring_failure_keeps_the_saved_settings_and_is_retried_alone(
    db: Database, working_keyring: KeyringBackend
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(SecretsNotSavedError) as raised:
        save_settings(
            db,
            SettingsChanges(settings=GOOD_KEYS, firm=GOOD_FIRM, secrets={"sms.token": "t-1"}),
        )
    assert isinstance(raised.value, InkasoError)
    assert raised.value.failed == ("sms.token",)
    assert raised.value.field == "secret.sms.token"
    assert "saved" in raised.value.message
    # the database part is committed and stays so
    assert all_values(db)["smtp.host"] == "smtp.example.com"
    assert _firm_name(db) == "Hurtownia Pol-Mak"

    keyring.set_keyring(working_keyring)  # the keyring service is back: Save again
    save_settings(db, SettingsChanges(secrets={"sms.token": "t-1"}))
    assert get_secret("sms.token") == "t-1"


def test_unknown_keys_and_secrets_are_refused_before_anything_is_written(
    db: Database, before: dict[str, object]
) -> None:
    with pytest.raises(ValidationError):
        save_settings(db, SettingsChanges(settings={**GOOD_KEYS, "smtp.hots": "x"}))
    with pytest.raises(InkasoError):
        save_settings(db, SettingsChanges(settings=GOOD_KEYS, secrets={"smtp.pasword": "x"}))
    assert all_values(db) == before
