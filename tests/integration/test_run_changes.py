"""A dunning run's report says which kinds of data it wrote, so every open window can re-read
them; a run that stopped before its work (paused, no firm) says it wrote nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from db.uow import Database
from desktop_app.changes import Change
from desktop_app.services.dunning import windows
from desktop_app.services.dunning.runner import RUN_CHANGES, run_cycle
from desktop_app.settings import Snapshot, set_value
from tests.integration.dunning_env import DunningEnv

NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


def test_a_run_reports_what_it_wrote_and_a_stopped_run_nothing(
    env: DunningEnv, db: Database
) -> None:
    assert run_cycle(db, now=NOW).changes == Change.NONE  # no firm yet: nobody to sign
    env.configure("gentle-email")
    env.ok("contractor", "add", "--name", "Dłużnik Sp. z o.o.", "--email", "d@debtor.example.com")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1/2026",
           "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", "100")  # fmt: skip

    report = run_cycle(db, now=NOW)

    assert report.counts()["sent"] == 1
    # messages, the log, tasks and promises; no invoice was handed over, so the lists of who owes
    # what need not be read again
    assert report.changes == RUN_CHANGES & ~(Change.INVOICES | Change.LETTERS)
    assert report.changes == Change.OUTBOX | Change.TASKS | Change.PROMISES
    set_value(db, "schedule.paused", "true")
    assert run_cycle(db, now=NOW).changes == Change.NONE


def test_a_run_that_hands_invoices_over_reports_the_invoices_too(
    env: DunningEnv, db: Database
) -> None:
    env.configure("escalation")
    env.ok("contractor", "add", "--name", "Nowak", "--email", "n@nowak.example.com")
    # picked up 60 days after its due date: handed over at once
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/2", "--issued", "2025-12-01",
           "--due", "2026-01-16", "--amount", "100")  # fmt: skip

    settings = Snapshot.load(db)
    day = dt.date(2026, 3, 17)
    report = run_cycle(
        db,
        now=windows.day_opening(settings, day),
        open_channels=windows.channels_opening_on(settings, day),
    )  # what `dunning run --today 2026-03-17` does

    assert report.handed_over == 1
    assert report.changes == RUN_CHANGES & ~Change.LETTERS  # no letter step here
    assert Change.INVOICES in report.changes
