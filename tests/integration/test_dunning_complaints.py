"""DOMAIN.md §8: what users of other dunning tools complain about, each proven absent here.

(§8.1 repeated sends when run twice a day and §8.3's catch-up are also covered day by day in
test_dunning_calendar.py; concurrency and crashes in test_dunning_reliability.py.)
"""

from __future__ import annotations

import datetime as dt
import time

from desktop_app.scheduler import DunningScheduler
from desktop_app.services.dunning import actions
from tests.integration.dunning_env import DunningEnv

D = dt.date


def _debtor(
    env: DunningEnv, n: int = 1, *, due: str = "2026-03-16", number: str | None = None
) -> None:
    env.ok("contractor", "add", "--name", f"Klient {n}", "--email", f"k{n}@klient.example.com",
           "--phone", f"+48 50{n} 000 111")  # fmt: skip
    env.ok("invoice", "add", "--contractor", str(n), "--number", number or f"FV/{n}",
           "--issued", "2026-03-02", "--due", due, "--amount", "1000")  # fmt: skip


def test_1_no_repeated_sends_when_run_hourly_and_no_fees_added(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _debtor(env)
    for hour in range(8, 18):
        env.run("2026-03-19", "--now", f"2026-03-19T{hour:02d}:15")
    assert len(env.mail.messages) == 1
    # reminding never changes what is owed: no fee or interest is ever added by a run
    card = env.ok("contractor", "show", "1", "--today", "2026-03-19", "--json")
    assert card["balances"]["PLN"]["open"] == "1000.00"


def test_2_manual_send_is_not_followed_by_an_automatic_one_next_day(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _debtor(env)
    env.run("2026-03-16")  # the due-date e-mail
    # a person sends a reminder by hand on the 18th; the scheduled one of the 19th must not follow
    result = actions.send_reminder_now(
        env.db, 1, "email", now=dt.datetime(2026, 3, 18, 11, 0, tzinfo=dt.UTC)
    )
    assert result.report.rows[0].status == "sent"
    env.run("2026-03-19")
    env.run("2026-03-20")
    assert len(env.mail.messages) == 2
    skipped = env.sql("SELECT step, reason FROM dunning_log WHERE status = 'skipped'")
    assert ("overdue", "the contractor was reminded on {date}") in skipped
    env.run("2026-03-26")  # the next weekly one goes as planned
    assert len(env.mail.messages) == 3


def test_3_catch_up_after_downtime_sends_one_fitting_step_and_logs_the_rest(
    env: DunningEnv,
) -> None:
    env.configure("gentle-email")
    _debtor(env)
    env.run("2026-03-27")  # the PC was off from the 1st: before-due, due and overdue#0 missed
    assert len(env.mail.messages) == 1
    body = env.emails()[0].get_body(("plain",)).get_content()
    assert "FV/1" in body
    skipped = {row[0] for row in env.sql("SELECT step FROM dunning_log WHERE status = 'skipped'")}
    assert skipped == {"before-due", "due", "overdue"}
    assert env.sql("SELECT step, occurrence FROM dunning_log WHERE status = 'sent'") == [
        ("overdue", 1)
    ]


def test_4_time_zone_and_send_time(env: DunningEnv) -> None:
    env.configure("gentle-email")  # e-mail window 08:00-18:00 Europe/Warsaw
    _debtor(env)
    # 06:30 UTC = 07:30 in Warsaw (CET): closed
    env.run("2026-03-19", "--now", "2026-03-19T06:30+00:00")
    assert not env.mail.messages
    # 07:30 UTC = 08:30 in Warsaw: open
    env.run("2026-03-19", "--now", "2026-03-19T07:30+00:00")
    assert len(env.mail.messages) == 1
    # 23:30 UTC on the 25th is already the 26th in Warsaw: the day's step is the 26th's
    env.run("2026-03-26", "--now", "2026-03-25T23:30+00:00")
    assert len(env.mail.messages) == 1  # night: nothing
    planned = env.sql("SELECT planned_for FROM outbox ORDER BY id")
    assert planned == [("2026-03-19",)]
    env.run("2026-03-26", "--now", "2026-03-26T08:00+00:00")
    assert env.sql("SELECT planned_for FROM outbox ORDER BY id")[-1] == ("2026-03-26",)


def test_5_business_hours_weekdays_and_holidays(env: DunningEnv) -> None:
    env.configure("sms-classic", window__sms__business_days="true")
    # due Thursday 24 Dec 2026 (a public holiday since 2025): due-date SMS is not sent that day
    _debtor(env, due="2026-12-24")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1b", "--issued", "2026-12-01",
           "--due", "2026-12-24", "--amount", "5")  # fmt: skip
    env.run("2026-12-24")
    env.run("2026-12-26")  # Saturday, and a holiday
    env.run("2026-12-27")  # Sunday
    assert env.sms.requests == []
    # at night nothing goes, even on a working day
    env.run("2026-12-28", "--now", "2026-12-28T22:30")
    assert env.sms.requests == []
    env.run("2026-12-28", "--now", "2026-12-28T10:00")
    # one SMS, the one that fits: under Art. 115 KC the deadline moved to Monday the 28th, so
    # "the due date is today" is true that day; both invoices are in it
    [sms] = env.sms.requests
    assert "FV/1" in sms.form()["message"] and "FV/1b" in sms.form()["message"]


def test_6_pause_per_invoice_and_per_client(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _debtor(env, 1)
    _debtor(env, 2)
    env.ok("invoice", "add", "--contractor", "2", "--number", "FV/2b", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "50")  # fmt: skip
    env.ok("contractor", "pause", "1", "--until", "2026-03-22", "--reason", "negotiating")
    env.ok("invoice", "pause", "FV/2b", "--until", "2026-04-30", "--reason", "goods returned")
    env.ok("invoice", "dispute", "FV/2", "--reason", "wrong quantity")
    env.run("2026-03-19")
    assert not env.mail.messages
    env.run("2026-03-26")  # client 1's pause is over; client 2's invoices still held
    assert [m["To"] for m in env.emails()] == ["k1@klient.example.com"]
    env.ok("invoice", "undispute", "FV/2")
    env.run("2026-04-02")
    to_2 = [m for m in env.emails() if m["To"] == "k2@klient.example.com"]
    assert len(to_2) == 1
    body = to_2[0].get_body(("plain",)).get_content()
    assert "FV/2" in body and "FV/2b" not in body


def test_7_one_message_per_customer(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _debtor(env)
    for n in (2, 3):
        env.ok("invoice", "add", "--contractor", "1", "--number", f"FV/1-{n}", "--issued",
               "2026-03-03", "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    env.run("2026-03-19")
    assert len(env.mail.messages) == 1
    body = env.emails()[0].get_body(("plain",)).get_content()
    assert all(number in body for number in ("FV/1", "FV/1-2", "FV/1-3"))


def test_8_no_fee_or_interest_is_invented_and_partial_payments_count(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _debtor(env)
    env.ok("payment", "add", "--contractor", "1", "--date", "2026-03-18", "--amount", "400")
    env.run("2026-03-19")
    body = env.emails()[0].get_body(("plain",)).get_content()
    # the reminder asks for what is still open after the partial payment, nothing more
    assert "600,00" in body and "1 000,00" not in body.replace("\xa0", " ")


def test_9_paid_invoices_and_wrong_recipients(env: DunningEnv) -> None:
    env.configure("gentle-email")
    _debtor(env, 1)
    _debtor(env, 2)
    env.ok("payment", "add", "--contractor", "1", "--date", "2026-03-15", "--amount", "1000")
    env.run("2026-03-19")
    assert [m["To"] for m in env.emails()] == ["k2@klient.example.com"]
    assert "FV/2" in env.emails()[0].get_body(("plain",)).get_content()
    # paid between planning and sending: the queued message is cancelled, not sent
    env.mail.data_reply = "451 4.3.0 later"
    env.run("2026-03-26", "--now", "2026-03-26T09:00")
    env.mail.data_reply = None
    env.ok("payment", "add", "--contractor", "2", "--date", "2026-03-26", "--amount", "1000")
    env.run("2026-03-26", "--now", "2026-03-26T09:30")
    [(status, error)] = env.sql(
        "SELECT status, last_error FROM outbox WHERE planned_for = '2026-03-26' AND step = 'overdue'"
    )
    assert status == "cancelled" and "paid" in error
    # what did go out that morning is the thank-you, to the right client
    assert [m["To"] for m in env.emails()] == ["k2@klient.example.com"] * 2
    assert "FV/2" in env.emails()[1].get_body(("plain",)).get_content()


def test_10_works_out_of_the_box_and_schedules_itself(env: DunningEnv) -> None:
    env.configure()  # no scenario chosen: the default preset applies
    scenarios = env.ok("scenario", "list", "--json")
    assert [s["name"] for s in scenarios if s["default"]] == ["gentle-email"]
    _debtor(env)
    reports = []
    clock = lambda: dt.datetime(2026, 3, 19, 9, 0, tzinfo=dt.UTC)  # noqa: E731
    scheduler = DunningScheduler(env.db, listener=lambda r, e: reports.append((r, e)), clock=clock)
    scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while not reports and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown()
    assert reports and reports[0][1] is None
    assert reports[0][0].counts()["sent"] == 1
    assert len(env.mail.messages) == 1
