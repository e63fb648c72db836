"""The gateway token never reaches the log, the database or an export, whatever a gateway echoes.

Real runs against a loopback gateway whose URL and headers carry the token and which, when it
refuses, answers with the request it got (as some gateways' error pages do); afterwards the log
file, the raw bytes of the database files and every JSON the CLI printed are searched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from desktop_app.logging_setup import log_file
from desktop_app.secrets import set_secret
from tests.integration.dunning_env import DunningEnv
from tests.integration.http_gateway import Answer, Request

#: with characters a URL or a form must encode, so every spelling of it is looked for
TOKEN = "tok/Zq8+sK3=vN1xW7"
SPELLINGS = (TOKEN, quote(TOKEN, safe=""), quote_plus(TOKEN), "Zq8+sK3", "Zq8%2BsK3")

PHONES = {"501234567": 200, "502345678": 400, "503456789": 503}


def _echo(request: Request) -> Answer:
    """Accept the first number; refuse the others, echoing the whole request."""
    body = request.body.decode()
    status = next(
        (code for phone, code in PHONES.items() if phone in body or phone in request.path), 200
    )
    if status == 200:
        return Answer(200, {"count": 1, "list": [{"id": "MSG1", "status": "QUEUE"}], "id": "m-1"})
    query = "&".join(f"{k}={v[0]}" for k, v in request.query.items())
    echo = f"{request.method} {request.path}?{query}\n" + "".join(
        f"{name}: {value}\n" for name, value in request.headers.items()
    )
    return Answer(status, f"Bad request. You sent:\n{echo}\n{body}")


def _configure(env: DunningEnv, provider: str) -> None:
    if provider == "generic":
        env.configure(
            "sms-classic",
            sms__provider="generic",
            sms__api_url=env.sms.base_url + "/api/{token}/send?auth={token}",
            sms__http_headers=json.dumps({"Authorization": "Bearer {token}"}),
            sms__http_body='{"to": "{to}", "text": "{text}"}',
        )
    else:
        env.configure("sms-classic")
    set_secret("sms.token", TOKEN)
    env.sms.responder = _echo
    for n, phone in enumerate(PHONES, start=1):
        env.ok("contractor", "add", "--name", f"Dłużnik {n}", "--phone", phone)
        env.ok("invoice", "add", "--contractor", str(n), "--number", f"FV/{n}", "--issued",
               "2026-03-02", "--due", "2026-03-16", "--amount", "100")  # fmt: skip


#: "Bearer" with anything but the settings' own placeholder
BEARER = re.compile(r"(?i)bearer(?!\s*\{token\})")


def _leaks(text: str) -> list[str]:
    return [s for s in SPELLINGS if s in text] + BEARER.findall(text)


@pytest.mark.parametrize("provider", ["generic", "smsapi"])
def test_the_token_stays_out_of_the_log_the_database_and_exports(
    env: DunningEnv, db_path: Path, provider: str
) -> None:
    path = log_file()
    log_start = path.stat().st_size if path.exists() else 0
    log_inode = path.stat().st_ino if path.exists() else None
    _configure(env, provider)
    printed = [
        env.cli("dunning", "run", "--json", "--now", "2026-03-02T10:00").out,
        env.cli("dunning", "run", "--json", "--now", "2026-03-02T10:06").out,  # the 503 again
        env.cli("send-test", "--channel", "sms", "--to", "502345678", "--json").out,
        env.cli("outbox", "list", "--json").out,
        env.cli("outbox", "list").out,
        *(env.cli("contractor", "show", str(n), "--json").out for n in (1, 2, 3)),
    ]
    # the runs really went through the gateway, with the token, and failed as planned
    assert len(env.sms.requests) == 5
    assert all(TOKEN in r.headers.get("authorization", "") for r in env.sms.requests)
    statuses = {row["to"][0]: row["status"] for row in json.loads(printed[3])}
    assert statuses == {
        "+48501234567": "sent",
        "+48502345678": "failed_permanently",
        "+48503456789": "failed",
    }
    env.db.dispose()
    # log_start counts bytes: earlier tests may have logged letters that take two or more
    log_text = path.read_bytes()[log_start:].decode("utf-8")
    if log_inode is not None and path.stat().st_ino != log_inode:
        # the session's log rotated (2 MB) during the test: its start is in inkaso.log.1
        rotated = path.with_name(path.name + ".1").read_bytes()[log_start:]
        log_text = rotated.decode("utf-8") + path.read_text(encoding="utf-8")
    assert "HTTP" in log_text or "sms" in log_text  # the runs did write to this log
    assert _leaks(log_text) == []
    for suffix in ("", "-wal", "-shm"):
        stored = Path(f"{db_path}{suffix}")
        if stored.exists():
            raw = stored.read_bytes().decode("latin-1")
            assert _leaks(raw) == [], stored.name
    for output in printed:
        assert output and _leaks(output) == [], output[:300]
