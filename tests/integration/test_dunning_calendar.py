"""Day-by-day dunning through the real CLI, real aiosmtpd and a fake SMSAPI on loopback."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.dunning_env import DunningEnv

D = dt.date


def days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


def test_sms_classic_gives_the_dates_of_seed_003(env: DunningEnv) -> None:
    env.configure("sms-classic")
    env.ok("contractor", "add", "--name", "Kowalski Transport", "--phone", "501 234 567")
    env.ok("contractor", "add", "--name", "Nowak Budownictwo", "--phone", "602 345 678")
    # weekdays, no holidays nearby: issued Mon 2 Mar, due Mon 16 Mar 2026
    env.ok(
        "invoice",
        "add",
        "--contractor",
        "1",
        "--number",
        "FV/1/03/2026",
        "--issued",
        "2026-03-02",
        "--due",
        "2026-03-16",
        "--amount",
        "1230.00",
    )
    # an invoice in two instalments: each due date runs its own course
    env.ok(
        "invoice",
        "add",
        "--contractor",
        "2",
        "--number",
        "FV/2/03/2026",
        "--issued",
        "2026-03-04",
        "--instalment",
        "2026-03-18:500",
        "--instalment",
        "2026-04-15:500",
    )
    for day in days(D(2026, 3, 1), 75):
        if day == D(2026, 3, 30):
            env.ok("payment", "add", "--contractor", "2", "--date", "2026-03-30", "--amount", "500")
        env.run(day)
    to_1 = [d for d, to in env.sent_on("sms") if to == "48501234567"]
    to_2 = [d for d, to in env.sent_on("sms") if to == "48602345678"]
    assert to_1 == [
        D(2026, 3, 2),   # issue day
        D(2026, 3, 14),  # 2 days before the due date
        D(2026, 3, 16),  # due date
        D(2026, 3, 18),  # due + 2
        D(2026, 3, 25),  # due + 9
        D(2026, 4, 1),   # due + 16; due + 21 is the hand-over, no more SMS
    ]  # fmt: skip
    # instalments due 18 Mar and 15 Apr: one issue-day SMS lists both; the first is paid on
    # 30 Mar (thank-you that day), the second then runs its own course to its hand-over
    assert to_2 == [
        D(2026, 3, 4),                                                    # issued (both)
        D(2026, 3, 16), D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 27),  # instalment 1
        D(2026, 3, 30),                                                   # thank-you
        D(2026, 4, 13), D(2026, 4, 15), D(2026, 4, 17), D(2026, 4, 24), D(2026, 5, 1),
    ]  # fmt: skip
    tasks = env.ok("task", "list", "--filter", "all", "--json")
    handovers = sorted((t["due"], t["contractor_id"]) for t in tasks if t["kind"] == "handover")
    assert handovers == [("2026-04-06", 1), ("2026-05-06", 2)]
    assert all("FV/" in t["title"] + (t["body"] or "") for t in tasks if t["kind"] == "handover")
    handed = env.sql("SELECT number, handed_over_on FROM invoice ORDER BY number")
    assert handed == [("FV/1/03/2026", "2026-04-06"), ("FV/2/03/2026", "2026-05-06")]
    texts = [r.form()["message"] for r in env.sms.requests]
    assert sum("za zaplate" in t for t in texts) == 1  # the thank-you (transliterated SMS)


def _sixty_day_setup(env: DunningEnv) -> None:
    env.configure("gentle-email")
    env.ok(
        "contractor",
        "add",
        "--name",
        "Alfa Sp. z o.o.",
        "--nip",
        "5260250274",
        "--email",
        "ksiegowosc@alfa.example.com",
    )
    env.ok(
        "contractor",
        "add",
        "--name",
        "Beta S.A.",
        "--email",
        "biuro@beta.example.com",
        "--phone",
        "+48 603 111 222",
    )
    env.ok("contractor", "add", "--name", "Gamma sp.j.", "--email", "gamma@gamma.example.com")
    env.ok("scenario", "assign", "--contractor", "2", "sms-classic")
    env.ok(
        "invoice",
        "add",
        "--contractor",
        "1",
        "--number",
        "A/1",
        "--issued",
        "2026-03-02",
        "--due",
        "2026-03-16",
        "--amount",
        "1000",
    )
    env.ok(
        "invoice",
        "add",
        "--contractor",
        "1",
        "--number",
        "A/2",
        "--issued",
        "2026-03-04",
        "--due",
        "2026-03-16",
        "--amount",
        "500",
    )
    env.ok(
        "invoice",
        "add",
        "--contractor",
        "2",
        "--number",
        "B/1",
        "--issued",
        "2026-03-03",
        "--due",
        "2026-03-17",
        "--amount",
        "800",
    )
    env.ok(
        "invoice",
        "add",
        "--contractor",
        "3",
        "--number",
        "C/1",
        "--issued",
        "2026-03-09",
        "--due",
        "2026-03-23",
        "--amount",
        "900",
    )


PAYMENTS = {
    D(2026, 3, 20): ("2", "800"),  # Beta pays in full
    D(2026, 3, 24): ("3", "300"),  # Gamma pays a part
    D(2026, 4, 10): ("3", "600"),  # ... and the rest
}

EXPECTED_EMAIL = sorted(
    [(d, "ksiegowosc@alfa.example.com") for d in (
        D(2026, 3, 13), D(2026, 3, 16), D(2026, 3, 19), D(2026, 3, 26), D(2026, 4, 2),
        D(2026, 4, 15))]
    + [(d, "gamma@gamma.example.com") for d in (
        D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 26), D(2026, 4, 2), D(2026, 4, 9),
        D(2026, 4, 10))]
)  # fmt: skip
EXPECTED_SMS = [
    (d, "48603111222")
    for d in (D(2026, 3, 3), D(2026, 3, 15), D(2026, 3, 17), D(2026, 3, 19), D(2026, 3, 20))
]


@pytest.mark.parametrize("runs_per_day", [1, 2])
def test_sixty_days_deliver_exactly_the_expected_messages(
    env: DunningEnv, runs_per_day: int
) -> None:
    _sixty_day_setup(env)
    for day in days(D(2026, 3, 1), 60):
        if day in PAYMENTS:
            cid, amount = PAYMENTS[day]
            env.ok(
                "payment", "add", "--contractor", cid, "--date", day.isoformat(), "--amount", amount
            )
        if runs_per_day == 1:
            env.run(day)
        else:
            for moment in ("09:30", "15:00"):
                before = len(env.log)
                env.run(day, "--now", f"{day.isoformat()}T{moment}")
                assert all(entry[1] == day for entry in env.log[before:])
    assert sorted(env.sent_on("email")) == EXPECTED_EMAIL
    assert env.sent_on("sms") == EXPECTED_SMS
    # one e-mail lists both of Alfa's invoices (one message per contractor and step)
    first_alfa = next(m for m in env.emails() if m["To"] == "ksiegowosc@alfa.example.com")
    body = first_alfa.get_body(("plain",)).get_content()
    assert "A/1" in body and "A/2" in body
    # every message is in the activity log with its full text
    card = env.ok("contractor", "show", "1", "--json")
    messages = [a for a in card["activity"] if a["kind"] == "message"]
    assert len(messages) == 6
    ids = [m["Message-ID"] for m in env.emails()]
    assert len(ids) == len(set(ids))
