"""Whether this database is set up to work the debt, and what is still missing.

One function decides it for every place that asks: the launcher (show the first-run wizard?),
the dunning runner (may reminders go out?), and the status bar and the tray (what to say).
Only the firm's details block sending, as they always did: a reminder signed by nobody helps no
one. The rest is listed so the user knows what the wizard (or Settings) would still add. The
wizard writes the firm last, when Finish is pressed, so nothing is sent before then.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from db.models import Firm, FirmBankAccount, User
from db.uow import Database
from desktop_app.i18n import N_, _
from desktop_app.services.dunning.channel_setup import ConfiguredChannels
from desktop_app.settings import Snapshot

#: what may be missing, in the order the wizard asks for it
LABELS = {
    "firm": N_("your firm's details"),
    "account": N_("a bank account"),
    "channel": N_("e-mail or SMS sending"),
    "owner": N_("the first user"),
}
#: what stops every reminder until it is there
BLOCKING = frozenset({"firm"})


@dataclass(frozen=True)
class SetupState:
    #: keys of LABELS, in its order
    missing: tuple[str, ...]

    @property
    def may_send(self) -> bool:
        return not BLOCKING.intersection(self.missing)

    @property
    def needs_wizard(self) -> bool:
        """No firm set up yet: the first-run wizard opens at start."""
        return "firm" in self.missing

    def missing_text(self) -> str:
        return ", ".join(_(LABELS[key]) for key in self.missing)


def setup_state(db: Database) -> SetupState:
    settings = Snapshot.load(db)
    with db.read() as session:
        has = {
            "firm": session.scalar(select(exists().where(Firm.name != ""))),
            "account": session.scalar(select(exists().select_from(FirmBankAccount))),
            "owner": session.scalar(select(exists().where(User.active.is_(True)))),
        }
    # whether a channel is set up needs no secret, only the settings
    has["channel"] = bool(ConfiguredChannels(settings, lambda _name: None).configured())
    return SetupState(tuple(key for key in LABELS if not has[key]))
