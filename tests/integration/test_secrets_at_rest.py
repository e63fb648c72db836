"""Issue 10 item 7: after a full dunning run, with sends that succeed and sends that fail, the
SMTP password, the SMS token and the KSeF token are nowhere in the database file or the log.

Everything is real: an SMTP server on loopback that demands STARTTLS and a login (its CA
trusted through SSL_CERT_FILE, as a firm's own CA would be), an SMSAPI stand-in that refuses one
number echoing the request it got, a KSeF API stand-in that signs in with the token and serves
one invoice; the run imports from KSeF first (``ksef.auto``), then sends.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import trustme

from db.uow import Database
from desktop_app.logging_setup import log_file
from desktop_app.secrets import set_secret
from desktop_app.settings import set_value
from tests.conftest import Cli
from tests.integration.dunning_env import DunningEnv
from tests.integration.http_gateway import Answer, Request, running_gateway, smsapi_ok
from tests.integration.ksef_server import fa3_invoice, ksef_server
from tests.integration.smtp_server import Credentials, Recorder, server_context, smtp_server

FIRM_NIP = "7740001454"
SMTP_PASSWORD = "hasło/SMTP+9=Qw"
SMS_TOKEN = "sms/Tk8+zX3=pL"
KSEF_TOKEN = "20261201-EC-0A1B2C3D4E-5F60718293-AB|nip-7740001454|9c1e5a7b3d2f"
REFUSED_PHONE = "502345678"
REFUSED_EMAIL = "nie@refused.example.com"

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


def spellings(secret: str) -> set[str]:
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        secret.encode("utf-8").decode("latin-1"),
    }


SECRETS = {name: spellings(s) for name, s in
           (("smtp", SMTP_PASSWORD), ("sms", SMS_TOKEN), ("ksef", KSEF_TOKEN))}  # fmt: skip


def leaks(text: str) -> list[str]:
    return [name for name, forms in SECRETS.items() if any(f in text for f in forms)]


def _gateway(request: Request) -> Answer:
    """Accept every number but one; refuse that one echoing the whole request back."""
    body = request.body.decode()
    if REFUSED_PHONE not in body:
        return smsapi_ok(request)
    headers = "".join(f"{k}: {v}\n" for k, v in request.headers.items())
    return Answer(400, f"Bad request. You sent:\n{request.path}\n{headers}\n{body}")


def test_secrets_are_in_neither_the_database_nor_the_log_after_a_full_run(
    db: Database, db_path: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = trustme.CA()
    trusted = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(trusted))
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))
    log = log_file()
    log_start = log.stat().st_size if log.exists() else 0
    log_inode = log.stat().st_ino if log.exists() else None

    recorder = Recorder(refuse_rcpt={REFUSED_EMAIL: "550 5.1.1 No such user"})
    credentials = Credentials("biuro", SMTP_PASSWORD)
    tls: ssl.SSLContext = server_context(ca.issue_cert("127.0.0.1", "localhost"))
    with (
        smtp_server(
            recorder,
            tls_context=tls,
            require_starttls=True,
            authenticator=credentials,
            auth_required=True,
            auth_require_tls=True,
        ) as smtp,
        running_gateway(_gateway) as sms,
        ksef_server(nip=FIRM_NIP, token=KSEF_TOKEN) as ksef,
    ):
        env = DunningEnv(db, db_path, cli, smtp, recorder, sms)
        env.configure(smtp__security="starttls", smtp__user="biuro")
        set_secret("smtp.password", SMTP_PASSWORD)
        set_secret("sms.token", SMS_TOKEN)
        set_secret("ksef.token", KSEF_TOKEN)
        for key, value in {
            "ksef.environment": "test",
            "ksef.api_url": ksef.base_url,
            "ksef.auto": "true",
        }.items():
            set_value(db, key, value)
        scenario = tmp_path / "both.yaml"
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
        stored_at = dt.datetime(2026, 3, 13, 9, 0, tzinfo=dt.UTC)
        ksef.add(
            "FV 9/03/2026",
            stored_at,
            fa3_invoice(
                seller_nip=FIRM_NIP,
                number="FV 9/03/2026",
                issue=stored_at.date(),
                buyer_nip="5260250274",
                buyer_name="Klient z KSeF sp. z o.o.",
                gross="250.00",
                due=dt.date(2026, 3, 27),
            ),
        )
        report = env.run("2026-03-16")
        printed = [
            cli("outbox", "list", "--json").out,
            cli("config", "list").out,
            cli("contractor", "show", "2", "--json").out,
        ]

    # the run really used all three: signed in to SMTP and KSeF, sent and failed as planned
    assert credentials.mechanisms, "the SMTP login was never made"
    assert [m.rcpt_tos for m in recorder.messages] == [["ok@klient.example.com"]]
    assert report["imported"]["created"] >= 1
    statuses = sorted((row["channel"], row["status"]) for row in json.loads(printed[0]))
    assert statuses == [
        ("email", "failed_permanently"),
        ("email", "sent"),
        ("sms", "failed_permanently"),
        ("sms", "sent"),
    ]
    assert any(SMS_TOKEN in str(r.headers) or quote_plus(SMS_TOKEN) in r.body.decode()
               for r in sms.requests)  # fmt: skip

    db.dispose()
    found: dict[str, list[str]] = {}
    for suffix in ("", "-wal", "-shm"):
        stored = Path(f"{db_path}{suffix}")
        if stored.exists():
            found[stored.name] = leaks(stored.read_bytes().decode("latin-1"))
    log_text = log.read_bytes()[log_start:].decode("utf-8", "replace")
    if log_inode is not None and log.stat().st_ino != log_inode:  # rotated meanwhile
        log_text = log.with_name(log.name + ".1").read_bytes()[log_start:].decode(
            "utf-8", "replace"
        ) + log.read_text(encoding="utf-8", errors="replace")
    assert "signed in to KSeF" in log_text  # the run wrote to this log
    found["log"] = leaks(log_text)
    for n, output in enumerate(printed):
        found[f"output {n}"] = leaks(output)
    assert {k: v for k, v in found.items() if v} == {}
