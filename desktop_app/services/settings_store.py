"""Everything the settings dialog shows and saves: the typed settings, the firm and the secrets.

A Save is one call: every value is checked first, then the settings and the firm are written in
one transaction, and only after it commits do the passwords and tokens go to the keyring.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from db.uow import Database
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.secrets import NAMES, check_name, get_secret, set_secret
from desktop_app.services import audit
from desktop_app.services import firm as firm_service
from desktop_app.services.firm import FirmInput, FirmView
from desktop_app.settings import all_values, parse_value, store_value

log = logging.getLogger(__name__)
SECRET_CHANGED = audit.SECRET


@dataclass(frozen=True)
class StoredSettings:
    """What the dialog starts from: every setting, the firm, and which secrets the keyring holds."""

    values: dict[str, Any]
    firm: FirmView | None
    stored_secrets: dict[str, bool]


@dataclass(frozen=True)
class SettingsChanges:
    """One Save: setting keys with their text as typed, the firm's details, new secrets."""

    settings: Mapping[str, str] = field(default_factory=dict)
    firm: FirmInput | None = None
    secrets: Mapping[str, str] = field(default_factory=dict)


class SecretsNotSavedError(InkasoError):
    """The settings and the firm were committed, but the keyring refused some secrets."""

    def __init__(self, message: str, *, saved: tuple[str, ...], failed: tuple[str, ...]) -> None:
        super().__init__(message, field=f"secret.{failed[0]}")
        self.saved = saved
        self.failed = failed


def load_settings(db: Database) -> StoredSettings:
    stored = {name: bool(get_secret(name)) for name in NAMES}
    return StoredSettings(all_values(db), firm_service.get_firm(db), stored)


def save_settings(db: Database, changes: SettingsChanges) -> None:
    """Check everything, write the settings and the firm together, then the secrets.

    Nothing is written when any value is wrong, and a failure while writing leaves every
    setting as it was. Raises :class:`SecretsNotSavedError` when only the keyring failed.
    """
    checked = check_changes(changes)
    if checked.settings or checked.firm is not None:
        with db.write() as session:
            write_changes(session, checked)
    save_secrets(db, changes.secrets)


@dataclass(frozen=True)
class CheckedChanges:
    settings: dict[str, Any]
    firm: FirmInput | None


def check_changes(changes: SettingsChanges) -> CheckedChanges:
    """The settings parsed and the firm normalised, or the first ValidationError; writes nothing."""
    parsed = {key: parse_value(key, text) for key, text in changes.settings.items()}
    firm = firm_service.check_firm(changes.firm) if changes.firm is not None else None
    for name in changes.secrets:
        check_name(name)
    return CheckedChanges(parsed, firm)


def write_changes(session: Session, checked: CheckedChanges) -> None:
    """Store checked settings and firm in the caller's transaction, with their audit entry."""
    if checked.settings:
        before = {key: store_value(session, key, value) for key, value in checked.settings.items()}
        audit.record(
            session,
            kind="settings",
            target="settings",
            action="update",
            before=before,
            after=checked.settings,
        )
    if checked.firm is not None:
        firm_service.write_firm(session, checked.firm)


def save_secrets(db: Database, secrets: Mapping[str, str]) -> None:
    """Passwords and tokens to the keyring, after the database commit.

    A keyring cannot join the database transaction, so the secrets follow its commit: a refused
    secret then leaves a complete database and can be saved again on its own, while a failed
    database write never leaves a new password behind for settings that were lost.
    """
    saved: list[str] = []
    failed: list[tuple[str, InkasoError]] = []
    for name, value in secrets.items():
        try:
            set_secret(name, value)
        except InkasoError as exc:
            failed.append((name, exc))
        else:
            saved.append(name)
    if saved:
        # only the names: a secret's value never leaves the keyring
        with db.write() as session:
            audit.record(
                session,
                kind="settings",
                target="secrets",
                action="update",
                changes={name: SECRET_CHANGED for name in saved},
            )
    if failed:
        log.warning("settings saved, secrets not: %s", ", ".join(n for n, _e in failed))
        raise SecretsNotSavedError(
            _("The settings were saved, but not the password or token: {problem}").format(
                problem=failed[0][1].message
            ),
            saved=tuple(saved),
            failed=tuple(n for n, _e in failed),
        )
