"""A firm set up for dunning against real servers on loopback: aiosmtpd and a fake SMSAPI."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from db.uow import Database
from desktop_app.secrets import set_secret
from desktop_app.services.dunning import scenarios
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.integration.http_gateway import FakeGateway, running_gateway, smsapi_ok
from tests.integration.smtp_server import LoopbackController, Recorder, smtp_server


@dataclass
class DunningEnv:
    db: Database
    db_path: Path
    cli: Cli
    smtp: LoopbackController
    mail: Recorder
    sms: FakeGateway
    log: list[tuple[str, dt.date, str]] = field(default_factory=list)

    def configure(self, scenario: str | None = None, **settings: str) -> None:
        values = {
            "smtp.host": "127.0.0.1",
            "smtp.port": str(self.smtp.port),
            "smtp.security": "plain",
            "smtp.from": "windykacja@hurtownia.example.com",
            "smtp.from_name": "Hurtownia Pol-Mak",
            "sms.provider": "smsapi",
            "sms.api_url": self.sms.base_url,
            "sms.sender": "PolMak",
            "voice.provider": "smsapi",
            "voice.api_url": self.sms.base_url,
            "window.sms.business_days": "false",
            "window.voice.business_days": "false",
            # a letter step's compensation asks NBP for euro rates: never the real one in tests
            "rates.fetch": "false",
            **{k.replace("__", "."): v for k, v in settings.items()},
        }
        for key, value in values.items():
            set_value(self.db, key, value)
        save_firm(
            self.db,
            FirmInput(
                name="Hurtownia Pol-Mak",
                nip="7740001454",
                street="ul. Fabryczna 5",
                postal_code="00-001",
                city="Warszawa",
                email="biuro@hurtownia.example.com",
                accounts=[("61 1090 1014 0000 0712 1981 2874", "PLN")],
            ),
        )
        set_secret("sms.token", "token-123")
        set_secret("voice.token", "token-123")
        if scenario:
            scenarios.set_default(self.db, scenario)

    def ok(self, *args: str) -> Any:
        result = self.cli(*args)
        assert result.code == 0, result.err
        return result.json() if "--json" in args else result.out

    def run(self, day: dt.date | str, *extra: str) -> dict[str, Any]:
        """``dunning run --today day``; remembers which message went out on which day.

        The exit code is checked against the report: 3 when messages failed and none was
        sent (so a script notices), else 0."""
        before_mail, before_sms = len(self.mail.messages), len(self.sms.requests)
        when_args = extra if "--now" in extra else ("--today", str(day), *extra)
        result = self.cli("dunning", "run", "--json", *when_args)
        assert result.out, result.err
        report: dict[str, Any] = result.json()
        counts = report["counts"]
        nothing_got_out = counts["failed"] > 0 and counts["sent"] == 0
        assert result.code == (3 if nothing_got_out else 0), (result.code, result.err)
        assert report["errors"] == [], report["errors"]
        when = dt.date.fromisoformat(str(day))
        for received in self.mail.messages[before_mail:]:
            self.log.append(("email", when, ",".join(received.rcpt_tos)))
        for request in self.sms.requests[before_sms:]:
            kind = "sms" if request.path.endswith("sms.do") else "voice"
            self.log.append((kind, when, request.form()["to"]))
        return report

    def sent_on(self, channel: str) -> list[tuple[dt.date, str]]:
        return [(d, to) for ch, d, to in self.log if ch == channel]

    def emails(self) -> list[EmailMessage]:
        return [m.parsed() for m in self.mail.messages]

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.db_path)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()


def message_id_for(key: str) -> str:
    """What the e-mail channel puts in Message-ID for an outbox key (see channels.base)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@contextmanager
def dunning_env(db: Database, db_path: Path, cli: Cli) -> Iterator[DunningEnv]:
    recorder = Recorder()
    with smtp_server(recorder) as smtp, running_gateway(smsapi_ok) as sms:
        yield DunningEnv(db, db_path, cli, smtp, recorder, sms)
