"""Being set up: one rule for the launcher, the runner and the status bar; the wizard's Finish."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from db.uow import Database
from desktop_app.errors import ValidationError
from desktop_app.scheduler import DunningScheduler
from desktop_app.services import first_run, users
from desktop_app.services.dunning import outbox, scenarios
from desktop_app.services.dunning.runner import run_cycle
from desktop_app.services.firm import FirmInput, get_firm, save_firm
from desktop_app.services.settings_store import SettingsChanges
from desktop_app.services.setup_state import setup_state
from desktop_app.settings import get_value, set_value
from tests.integration.dunning_env import DunningEnv

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def test_an_empty_database_lacks_everything_and_sends_nothing(db: Database) -> None:
    state = setup_state(db)
    assert state.missing == ("firm", "account", "channel", "owner")
    assert state.needs_wizard and not state.may_send
    assert state.missing_text() == (
        "your firm's details, a bank account, e-mail or SMS sending, the first user"
    )
    report = run_cycle(db, now=NOW, secret=lambda _name: None)
    assert report.errors == [
        "Finish setting Inkaso up before reminders can go out (missing: your firm's details, "
        "a bank account, e-mail or SMS sending, the first user); use the setup wizard, "
        "Settings, or inkaso firm set"
    ]
    assert sum(outbox.counts(db).values()) == 0


def test_finish_saves_firm_account_settings_scenario_and_owner_in_one_go(db: Database) -> None:
    other = next(s.name for s in scenarios.list_scenarios(db) if not s.is_default)
    changes = SettingsChanges(
        settings={"smtp.host": "smtp.example.com", "smtp.from": "windykacja@alfa.example.com"},
        firm=FirmInput(
            name="ALFA SPÓŁKA Z O.O.",
            nip="526-025-02-74",
            accounts=[("PL61 1090 1014 0000 0712 1981 2874", "PLN")],
        ),
    )
    owner = first_run.finish(
        db,
        first_run.FirstRun(changes, owner_login="anna", owner_name="Anna Nowak", scenario=other),
    )
    firm = get_firm(db)
    assert firm is not None and firm.nip == "5260250274"
    assert firm.accounts == ("PL61109010140000071219812874",)
    assert get_value(db, "smtp.host") == "smtp.example.com"
    assert next(s.name for s in scenarios.list_scenarios(db) if s.is_default) == other
    anna = users.current_user(db, "ANNA")
    assert anna is not None and anna.id == owner and anna.full_name == "Anna Nowak"
    assert setup_state(db).missing == ()
    assert setup_state(db).may_send and not setup_state(db).needs_wizard


def test_a_wrong_value_at_finish_writes_nothing(db: Database) -> None:
    changes = SettingsChanges(
        settings={"smtp.host": "smtp.example.com"},
        firm=FirmInput(name="ALFA", accounts=[("PL62 1090 1014 0000 0712 1981 2874", "PLN")]),
    )
    with pytest.raises(ValidationError):
        first_run.finish(db, first_run.FirstRun(changes, owner_login="anna", owner_name="Anna"))
    assert get_firm(db) is None
    assert get_value(db, "smtp.host") == ""
    assert users.list_users(db) == []


def test_the_first_user_is_made_once_whatever_the_case_of_the_login(db: Database) -> None:
    first = users.ensure_first_user(db, "anna", "Anna Nowak")
    # every start calls it with the login for a name: the name on the users screen stays
    again = users.ensure_first_user(db, "Anna", "anna")
    assert first == again
    assert [(u.login, u.full_name) for u in users.list_users(db)] == [("anna", "Anna Nowak")]


def test_no_morning_digest_goes_out_before_setting_up_is_finished(env: DunningEnv) -> None:
    """The e-mail page of the wizard (a test message saves it) may hold the owner's address
    while the wizard is cancelled: the digest waits for the firm like every reminder."""
    for key, value in {
        "smtp.host": "127.0.0.1",
        "smtp.port": str(env.smtp.port),
        "smtp.security": "plain",
        "smtp.from": "windykacja@alfa.example.com",
        "notice.recipients": "szef@alfa.example.com",
    }.items():
        set_value(env.db, key, value)
    seven = dt.datetime(2026, 12, 2, 7, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    scheduler = DunningScheduler(env.db, clock=lambda: seven)
    assert scheduler.digest_once() == []
    assert env.mail.messages == []
    save_firm(env.db, FirmInput("ALFA SPÓŁKA Z O.O."))
    assert len(scheduler.digest_once()) == 1
    assert [m.rcpt_tos for m in env.mail.messages] == [["szef@alfa.example.com"]]


def test_the_wizard_run_again_keeps_the_firm_and_the_owners_name(db: Database) -> None:
    firm = FirmInput(name="ALFA SPÓŁKA Z O.O.", nip="5260250274")
    first_run.finish(
        db,
        first_run.FirstRun(SettingsChanges(firm=firm), owner_login="anna", owner_name="Anna Nowak"),
    )
    # again from the menu: nothing typed on the firm's page, the name left as shown
    first_run.finish(
        db,
        first_run.FirstRun(
            SettingsChanges(settings={"smtp.host": "smtp.example.com"}),
            owner_login="anna",
            owner_name="",
        ),
    )
    found = get_firm(db)
    assert found is not None and found.name == "ALFA SPÓŁKA Z O.O."
    assert [(u.login, u.full_name) for u in users.list_users(db)] == [("anna", "Anna Nowak")]
    assert get_value(db, "smtp.host") == "smtp.example.com"
