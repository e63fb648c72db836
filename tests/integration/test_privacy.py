"""Data protection on a real dunning history: export everything held about a contractor (JSON
and its letters' PDFs), and anonymise it (personal data gone from the database file, amounts and
invoice numbers kept, no further reminders)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.uow import Database
from tests.conftest import Cli
from tests.integration.dunning_env import DunningEnv, dunning_env
from tests.integration.letter_step import LETTER_SCENARIO, with_letter_step

NAME = "Gęśla Jaźń Sp. j."
NIP = "5252248481"
EMAIL = "jazn@gesla.example.com"
PHONE = "501234567"
#: the letter step, and an e-mail and an SMS on the due day, so messages were sent too
SCENARIO = {
    **LETTER_SCENARIO,
    "steps": [
        {
            "code": "due",
            "name": "Due today",
            "trigger": {"anchor": "due", "offset": 0},
            "channels": ["email", "sms"],
            "templates": {"email": "escalation/email_overdue", "sms": "escalation/sms_overdue"},
        },
        *LETTER_SCENARIO["steps"],  # type: ignore[misc]
    ],
}


@pytest.fixture
def env(db: Database, db_path: Path, cli: Cli, tmp_path: Path) -> Iterator[DunningEnv]:
    with dunning_env(db, db_path, cli) as environment:
        with_letter_step(environment, tmp_path, SCENARIO)
        environment.ok("contractor", "edit", "1", "--email", EMAIL, "--phone", PHONE)
        environment.run("2024-03-01")
        environment.ok("payment", "add", "--contractor", "1", "--date", "2024-03-05",
                       "--amount", "100", "--title", f"FV/7/2024 {NAME}", "--ref", "R1")  # fmt: skip
        environment.run("2024-03-11")
        environment.ok("contractor", "promise", "1", "--date", "2024-03-20", "--amount", "200",
                       "--note", f"{NAME} promised on the phone", "--today", "2024-03-12")  # fmt: skip
        yield environment


def test_export_holds_everything_about_the_contractor_and_its_letters(
    env: DunningEnv, tmp_path: Path
) -> None:
    out = env.ok("contractor", "export", "1", "--to", str(tmp_path / "out"), "--json")
    document = json.loads(Path(out["document"]).read_text(encoding="utf-8"))
    assert document["format"] == "inkaso-contractor-export/1"
    assert document["contractor"]["name"] == NAME and document["contractor"]["nip"] == NIP
    assert document["emails"] == [EMAIL] and document["phones"] == ["+48501234567"]
    assert [i["number"] for i in document["invoices"]] == ["FV/7/2024"]
    assert document["instalments"][0]["amount_minor"] == 123450
    assert [p["amount_minor"] for p in document["payments"]] == [10000]
    assert document["allocations"] and document["promises"][0]["amount_minor"] == 20000
    channels = sorted(m["channel"] for m in document["messages"])
    assert channels == ["email", "sms"]
    assert all(m["status"] == "sent" for m in document["messages"])
    assert document["activity"] and document["dunning_log"]
    [letter] = document["letters"]
    pdf = Path(out["folder"]) / letter["file"]
    assert pdf.read_bytes().startswith(b"%PDF") and [str(pdf)] == out["letters"]
    text = Path(out["document"]).read_text(encoding="utf-8")
    assert "token-123" not in text  # the SMS token never reaches an export


def test_anonymise_needs_yes_and_then_removes_the_personal_data_for_good(
    env: DunningEnv, cli: Cli
) -> None:
    # what the last import said is personal data too (kept to notice a person's edits)
    con = sqlite3.connect(env.db_path)
    with con:
        con.execute(
            "UPDATE contractor SET imported = ? WHERE id = 1", (json.dumps({"name": NAME}),)
        )
    con.close()
    refused = cli("contractor", "anonymise", "1")
    assert refused.code == 3 and "--yes" in refused.err
    assert cli("contractor", "show", "1", "--json").json()["name"] == NAME

    done = env.ok("contractor", "anonymise", "1", "--yes", "--json")
    assert done == {"anonymised": 1, "name": "Anonymised contractor 1"}
    card = env.ok("contractor", "show", "1", "--json")
    assert card["name"] == "Anonymised contractor 1" and card["nip"] is None
    assert card["emails"] == [] and card["phones"] == []
    # accounting stays: the invoice, its amount, the payment and what it paid
    assert env.sql("SELECT number, gross_minor FROM invoice") == [("FV/7/2024", 123450)]
    assert env.sql("SELECT amount_minor, payer_name FROM payment") == [(10000, None)]
    assert env.sql("SELECT count(*) FROM allocation") == [(1,)]
    assert env.sql("SELECT count(*) FROM letter_queue") == [(0,)]
    # no further reminders, whatever the day
    before = len(env.mail.messages), len(env.sms.requests)
    report = env.run("2024-04-30")
    assert report["counts"]["sent"] == 0
    assert (len(env.mail.messages), len(env.sms.requests)) == before

    env.db.dispose()  # every connection closed: the write-ahead log folded into the file
    raw = env.db_path.read_bytes()
    for wal in env.db_path.parent.glob(env.db_path.name + "-wal"):
        raw += wal.read_bytes()
    for secret in (NAME, "Gęśla", NIP, EMAIL, PHONE, "501 234 567"):
        assert secret.encode("utf-8") not in raw, secret
