"""Issue 10 item 7: after a full dunning run, with sends that succeed and sends that fail, the
log file holds no reminder's text and no recipient's address; the outbox and the activity log,
which need them, still do.

A real run against aiosmtpd (one address refused) and the SMSAPI stand-in (one number refused,
echoing the request it got, text and all); the log is read at DEBUG so nothing hides below INFO.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.logging_setup import configure_logging, log_file
from tests.integration.dunning_env import DunningEnv
from tests.integration.http_gateway import Answer, Request, smsapi_ok

REFUSED_EMAIL = "nie@refused.example.com"
REFUSED_PHONE = "502345678"
SCENARIO = {
    "name": "both",
    "title": "E-mail and SMS on the due day",
    "steps": [
        {
            "code": "due",
            "name": "Due today",
            "trigger": {"anchor": "due", "offset": 0},
            "channels": ["email", "sms"],
            "templates": {"email": "escalation/email_overdue", "sms": "escalation/sms_overdue"},
        }
    ],
}


def _gateway(request: Request) -> Answer:
    body = request.body.decode()
    if REFUSED_PHONE not in body:
        return smsapi_ok(request)
    return Answer(400, f"Bad request. You sent:\n{request.path}\n{body}")


@pytest.fixture
def debug_log() -> Iterator[None]:
    configure_logging()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    # the loopback SMTP server runs in this process: its own log is the test's, not Inkaso's
    server = logging.getLogger("mail.log")
    server_level = server.level
    server.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.setLevel(level)
        server.setLevel(server_level)


def _pieces(text: str) -> set[str]:
    """The text's sentences long enough to be its own (not a word any log line may hold)."""
    return {line.strip() for line in text.splitlines() if len(line.strip()) >= 20}


def test_the_log_holds_no_message_texts_nor_addresses_after_a_full_run(
    env: DunningEnv, tmp_path: Path, debug_log: None
) -> None:
    path = log_file()
    start = path.stat().st_size if path.exists() else 0
    env.mail.refuse_rcpt[REFUSED_EMAIL] = "550 5.1.1 No such user"
    env.sms.responder = _gateway
    env.configure()
    scenario = tmp_path / "both.json"
    scenario.write_text(json.dumps(SCENARIO), encoding="utf-8")
    env.ok("scenario", "import", str(scenario))
    env.ok("scenario", "default", "both")
    env.ok("contractor", "add", "--name", "Dobry Klient", "--email", "ok@klient.example.com",
           "--phone", "501234567")  # fmt: skip
    env.ok("contractor", "add", "--name", "Zły Adres", "--email", REFUSED_EMAIL,
           "--phone", REFUSED_PHONE)  # fmt: skip
    for n in (1, 2):
        env.ok("invoice", "add", "--contractor", str(n), "--number", f"FV/{n}/2026",
               "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    env.cli("dunning", "run", "--now", "2026-03-16T10:00")
    env.cli("dunning", "run", "--now", "2026-03-16T10:10")  # the temporary failures again
    env.cli("send-test", "--channel", "sms", "--to", REFUSED_PHONE)
    env.cli("send-test", "--channel", "email", "--to", REFUSED_EMAIL)

    sent = env.sql("SELECT channel, status, recipients, subject, body_text FROM outbox")
    statuses = {(channel, status) for channel, status, *_rest in sent}
    assert {("email", "sent"), ("sms", "sent")} <= statuses
    assert any(status != "sent" for _c, status, *_rest in sent)
    # the activity log keeps what a person needs to see what was sent
    assert env.sql("SELECT count(*) FROM activity WHERE kind = 'message'")[0][0] >= 2

    env.db.dispose()
    logged = path.read_bytes()[start:].decode("utf-8", "replace")
    assert "answered HTTP 400" in logged  # the runs did write to this log, at DEBUG too
    leaks: list[str] = []
    for _channel, _status, recipients, subject, body in sent:
        for piece in _pieces(body) | ({subject} if subject else set()):
            if piece in logged:
                leaks.append(piece)
        for address in json.loads(recipients) if isinstance(recipients, str) else recipients:
            if address in logged or address.lstrip("+48") in logged:
                leaks.append(address)
    assert leaks == []
