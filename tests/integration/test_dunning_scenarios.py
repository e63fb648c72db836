"""Scenarios as data through the CLI: export, edit, import, assign; attachments a step asks for."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import yaml

from desktop_app.messaging import MessageTemplate
from desktop_app.services.dunning import templates_store
from tests.integration.dunning_env import DunningEnv


def test_export_import_round_trip_and_custom_scenario_with_attachment(
    env: DunningEnv, tmp_path: Path
) -> None:
    env.configure()
    exported = env.ok("scenario", "export", "gentle-email", "--format", "yaml")
    data = yaml.safe_load(exported)
    assert [s["code"] for s in data["steps"]] == ["before-due", "due", "overdue", "final"]
    data["name"] = "with-statement"
    data["title"] = "Overdue with a statement"
    data["steps"] = [
        {
            "code": "overdue",
            "name": "Overdue, statement attached",
            "trigger": {"anchor": "due", "offset": 1},
            "channels": ["email"],
            "templates": {"email": "gentle-email/email_overdue"},
            "attach_invoice_list": True,
        }
    ]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env.ok("scenario", "import", str(path))
    shown = env.ok("scenario", "show", "with-statement", "--json")
    assert shown["steps"][0]["attach_invoice_list"] is True
    env.ok("contractor", "add", "--name", "Kowalski", "--email", "k@kowalski.example.com",
           "--lang", "en")  # fmt: skip
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/9", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "1234,50")  # fmt: skip
    env.ok("scenario", "assign", "--contractor", "1", "with-statement")
    env.run("2026-03-17")
    [message] = env.emails()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_filename().endswith("2026-03-17.csv")
    assert attachment.get_content_charset() == "utf-8"
    header, row = attachment.get_content().lstrip("\ufeff").splitlines()
    assert header.startswith("Invoice;")  # in the contractor's language
    assert row.split(";") == ["FV/9", "2026-03-02", "2026-03-16", "1234.50", "1234.50", "PLN", "1"]


def test_bad_scenario_file_names_file_and_line(env: DunningEnv, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nsteps: [\n  - code: a\n", encoding="utf-8")
    result = env.cli("scenario", "import", str(broken))
    assert result.code == 3
    assert "broken.yaml" in result.err and "line" in result.err
    invalid = tmp_path / "invalid.json"
    invalid.write_text(
        '{"name": "Bad Name", "title": "t", "steps": [{"code": "s1", "channels": ["fax"]}]}',
        encoding="utf-8",
    )
    result = env.cli("scenario", "import", str(invalid))
    assert result.code == 3
    assert "invalid.json" in result.err and "fax" in result.err
    assert len(result.err.strip().splitlines()) == 1
    names = [s["name"] for s in env.ok("scenario", "list", "--json")]
    assert "Bad Name" not in names


def test_default_and_reset(env: DunningEnv) -> None:
    env.ok("scenario", "default", "sms-classic")
    assert [s["name"] for s in env.ok("scenario", "list", "--json") if s["default"]] == [
        "sms-classic"
    ]
    data = env.ok("scenario", "show", "sms-classic", "--json")
    assert data["handover"]["after_days"] == 21
    env.ok("scenario", "reset", "sms-classic")
    result = env.cli("scenario", "default", "no-such")
    assert result.code == 3 and "no-such" in result.err


def test_tasks_quote_the_reminders_that_really_went_out(env: DunningEnv) -> None:
    """A task must not claim "reminded by e-mail, SMS and a call" when nothing was sent."""
    env.configure(scenario="escalation")
    env.ok("contractor", "add", "--name", "Kowalski", "--email", "k@kowalski.example.com",
           "--phone", "501234567", "--lang", "en")  # fmt: skip
    env.ok("contractor", "add", "--name", "Nowak", "--email", "n@nowak.example.com",
           "--lang", "en")  # fmt: skip
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    # picked up 61 days after its due date: handed over at once, nothing was ever sent
    env.ok("invoice", "add", "--contractor", "2", "--number", "FV/2", "--issued", "2025-12-01",
           "--due", "2026-01-16", "--amount", "100")  # fmt: skip
    for day in range(17, 29):
        env.run(f"2026-03-{day:02d}")
    assert [ch for ch, _day, _to in env.log] == ["email", "sms", "voice"]
    tasks = {t["kind"]: t for t in env.ok("task", "list", "--json", "--today", "2026-03-28")}
    assert (
        "Reminders sent so far: e-mail 17/03/2026, SMS 20/03/2026, voice call 24/03/2026."
        in (tasks["followup"]["body"])
    )
    assert "No reminder has been sent about these invoices yet." in tasks["handover"]["body"]
    assert "SMS reminders" not in tasks["handover"]["body"]


def test_generic_http_gateway_from_the_settings_sends_sms(env: DunningEnv) -> None:
    """The provider the settings call "generic" is the templated-request adapter."""
    env.configure(
        "sms-classic",
        sms__provider="generic",
        sms__api_url=env.sms.base_url + "/sms.do",
        sms__http_format="form",
        sms__http_body="to={to}&message={text}&from={sender}",
    )
    env.ok("contractor", "add", "--name", "Kowalski", "--phone", "501234567")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    report = env.run("2026-03-02")
    assert [m["status"] for m in report["messages"]] == ["sent"]
    assert env.sent_on("sms") == [(dt.date(2026, 3, 2), "+48501234567")]


def test_a_template_name_is_an_identifier_never_a_path(env: DunningEnv, tmp_path: Path) -> None:
    """A scenario naming ``x//tmp/evil/steal`` must not mail /tmp/evil/steal.pl.txt to a debtor."""
    env.configure()
    stolen = tmp_path / "evil" / "steal.pl.txt"
    stolen.parent.mkdir()
    stolen.write_text("SECRET of the firm\n", encoding="utf-8")
    data = yaml.safe_load(env.ok("scenario", "export", "gentle-email", "--format", "yaml"))
    data["name"] = "stealing"

    def imported(template: str) -> Any:
        data["steps"][2]["templates"]["email"] = template
        path = tmp_path / "scenario.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return env.cli("scenario", "import", str(path))

    for bad in (f"x/{stolen.parent / 'steal'}", "gentle-email/../evil", "gentle-email/no_such"):
        result = imported(bad)
        assert result.code == 3, bad
        assert bad in result.err and "overdue" in result.err  # names the template and its step
        assert len(result.err.strip().splitlines()) == 1
    assert "stealing" not in [s["name"] for s in env.ok("scenario", "list", "--json")]

    # the firm's own templates are known names as well as the shipped ones
    templates_store.save_template(
        env.db, MessageTemplate("mine/email_overdue", "pl", "Dzień dobry, {{ contractor.name }}")
    )
    assert imported("mine/email_overdue").code == 0
    shown = env.ok("scenario", "show", "stealing", "--json")
    assert shown["steps"][2]["templates"]["email"] == "mine/email_overdue"


def test_a_stored_path_like_template_name_reads_no_file(env: DunningEnv, tmp_path: Path) -> None:
    """Defence in depth: a definition written into the database by hand still reads nothing."""
    env.configure()
    stolen = tmp_path / "evil" / "steal.pl.txt"
    stolen.parent.mkdir()
    stolen.write_text("SECRET of the firm\n", encoding="utf-8")
    data = yaml.safe_load(env.ok("scenario", "export", "gentle-email", "--format", "json"))
    for step in data["steps"]:
        step["templates"]["email"] = f"x/{stolen.parent / 'steal'}"
    with sqlite3.connect(env.db_path) as con:
        con.execute(
            "UPDATE scenario SET definition = ? WHERE name = 'gentle-email'", (json.dumps(data),)
        )
    env.ok("contractor", "add", "--name", "Kowalski", "--email", "k@kowalski.example.com")
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV/1", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    # another contractor on an intact scenario is reminded as ever
    env.ok("contractor", "add", "--name", "Nowak", "--email", "n@nowak.example.com")
    env.ok("invoice", "add", "--contractor", "2", "--number", "FV/2", "--issued", "2026-03-02",
           "--due", "2026-03-16", "--amount", "100")  # fmt: skip
    env.ok("scenario", "assign", "escalation", "--contractor", "2")
    result = env.cli("dunning", "run", "--today", "2026-03-17")
    assert result.code == 0, result.err
    problem = next(line for line in result.out.splitlines() if line.startswith("! "))
    assert "gentle-email" in problem and "is not a template name" in problem
    assert [m.rcpt_tos for m in env.mail.messages] == [["n@nowak.example.com"]]
    assert "SECRET" not in env.mail.messages[0].parsed().as_string()
