"""An outbox with thousands of messages whose oldest one was written and sent by a real run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import OutboxMessage
from tests.helpers import contractor
from tests.integration.dunning_env import DunningEnv

OLDEST_NAME = "Zakłady Najstarsze Sp. z o.o."
OLDEST_EMAIL = "najstarsze@debtor.example.com"
#: more than the 2,000 newest messages the outbox window used to read
NEWER = 2500


def crowded_outbox(env: DunningEnv, newer: int = NEWER) -> int:
    """The id of the oldest message: a real reminder, followed by ``newer`` later messages.

    The later ones are written straight into the outbox table as a run writes them: making
    thousands through dunning runs would take a minute of every test, and only their number
    and their being newer matter here.
    """
    env.configure("gentle-email")
    env.ok("contractor", "add", "--name", OLDEST_NAME, "--email", OLDEST_EMAIL)
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1/2026",
           "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    env.run("2026-03-16")
    with env.db.read() as session:
        [oldest] = session.scalars(select(OutboxMessage.id)).all()
    other = contractor(env.db, "Hurtownia Inna Sp. z o.o.", emails=["biuro@inna.example.com"])
    day = dt.date(2026, 3, 17)
    with env.db.write() as session:
        session.add_all(
            OutboxMessage(
                key=f"gentle-email/due/c{other}/i{n}/1",
                contractor_id=other,
                scenario="gentle-email",
                step="due",
                channel="sms" if n % 5 == 0 else "email",
                recipients=["+48501000111"] if n % 5 == 0 else ["biuro@inna.example.com"],
                subject=None if n % 5 == 0 else f"Przypomnienie o płatności FZ/{n:05d}/2026",
                body_text=f"Szanowni Państwo, przypominamy o fakturze FZ/{n:05d}/2026.",
                items=[{"number": f"FZ/{n:05d}/2026"}],
                status="failed" if n % 7 == 0 else "sent",
                attempts=1,
                last_error="451 4.3.0 Try again later" if n % 7 == 0 else None,
                planned_for=day + dt.timedelta(days=n // 100),
                finished_at=dt.datetime(2026, 3, 17, 9, 0),
            )
            for n in range(newer)
        )
    return int(oldest)
