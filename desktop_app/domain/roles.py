"""What a person does in the firm; every screen and the CLI name the roles from here."""

from __future__ import annotations

from desktop_app.i18n import N_

OWNER = "owner"
MANAGER = "manager"
ACCOUNT_MANAGER = "account_manager"
BOOKKEEPER = "bookkeeper"

#: stored value → label, in the order pickers offer them
ROLES = {
    OWNER: N_("Owner"),
    MANAGER: N_("Manager"),
    ACCOUNT_MANAGER: N_("Account manager"),
    BOOKKEEPER: N_("Bookkeeper"),
}


def role_of(stored: str | None) -> str:
    """The role a stored value stands for: anything older than roles ("staff", written before
    migration 0014 or by an old demo) manages accounts."""
    return stored if stored in ROLES else ACCOUNT_MANAGER
