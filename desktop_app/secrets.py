"""Passwords and API tokens live only in the system keyring, never in the database or files.

Every value read or stored here is handed to :mod:`desktop_app.redaction`, so the log, the
outbox's errors and the exports hide it wherever a request or a server's answer repeats it.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError

from desktop_app import redaction
from desktop_app.errors import InkasoError
from desktop_app.i18n import _

SERVICE = "inkaso"
NAMES = ("smtp.password", "sms.token", "voice.token", "ksef.token", "1c.password")
log = logging.getLogger(__name__)


def check_name(name: str) -> None:
    """Refuse a name that is not one of the secrets Inkaso knows."""
    if name not in NAMES:
        raise InkasoError(
            _("Unknown secret {name}; use one of: {names}").format(
                name=name, names=", ".join(NAMES)
            )
        )


def set_secret(name: str, value: str) -> None:
    check_name(name)
    redaction.remember(value)
    try:
        keyring.set_password(SERVICE, name, value)
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        log.warning("keyring refused to store %s: %s", name, exc)
        raise InkasoError(
            _(
                "The system keyring is not available, so the secret was not saved. "
                "Install a keyring service (GNOME Keyring, KWallet, Windows Credential Manager)."
            )
        ) from exc


def get_secret(name: str) -> str | None:
    check_name(name)
    try:
        value = keyring.get_password(SERVICE, name)
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        log.warning("keyring unavailable reading %s: %s", name, exc)
        return None
    redaction.remember(value)
    return value
