"""Finish of the first-run wizard: everything it asked for, saved in one transaction.

The firm is written here and nowhere before, so the setup state (services.setup_state) lets
reminders go out only once the wizard is finished; passwords and tokens follow the commit into
the keyring as in Settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.uow import Database
from desktop_app.domain.identifiers import normalize_email
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.services import settings_store, users
from desktop_app.services.dunning import scenarios
from desktop_app.services.firm import get_firm
from desktop_app.services.settings_store import SettingsChanges


@dataclass(frozen=True)
class FirstRun:
    #: the firm, its account, e-mail and SMS settings, as the settings pages collected them
    settings: SettingsChanges
    #: the owner: the OS login and the name to show
    owner_login: str
    owner_name: str
    owner_email: str | None = None
    #: the scenario contractors follow unless given another (None: keep the shipped default)
    scenario: str | None = None


def finish(db: Database, run: FirstRun) -> int:
    """Save the wizard's answers; returns the owner's user id. Opened again on a database set
    up already, an unchanged firm (``settings.firm`` None) stays as it is."""
    if run.settings.firm is None and get_firm(db) is None:
        raise ValidationError(_("The firm's name is needed."), field="name")
    checked = settings_store.check_changes(run.settings)
    email = normalize_email(run.owner_email) if run.owner_email else None
    with db.write() as session:
        settings_store.write_changes(session, checked)
        if run.scenario:
            scenarios.make_default(session, run.scenario)
        owner = users.add_first_user(session, run.owner_login, run.owner_name, email)
    settings_store.save_secrets(db, run.settings.secrets)
    return owner
