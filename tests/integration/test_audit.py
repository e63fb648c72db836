"""Issue 10 item 7: an audit trail of who changed what, with no secret and no message text in it.

Real services on a real SQLite file; the CLI in-process. Each change is made the way a person
makes it (a Save, a CLI command), then the trail is read back through ``audit.list_entries`` or
``inkaso audit --json`` and the raw table is searched for what must never be stored.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry, User
from db.uow import Database
from desktop_app.messaging import MessageTemplate
from desktop_app.services import audit
from desktop_app.services.activity import current_actor
from desktop_app.services.dunning.templates_store import save_template
from desktop_app.services.firm import FirmInput
from desktop_app.services.settings_store import SettingsChanges, save_settings
from tests.conftest import Cli

PASSWORD = "Hasło-SMTP/42!x"
WORDING = "Prosimy pilnie o zapłatę zaległej kwoty na nasze konto."


def _raw(db: Database) -> str:
    with db.read() as session:
        rows = session.scalars(select(AuditEntry)).all()
        return json.dumps(
            [(r.actor, r.kind, r.target, r.action, r.changes) for r in rows], ensure_ascii=False
        )


def _entries(db: Database, **filters: object) -> list[audit.AuditRow]:
    with db.read() as session:
        return audit.list_entries(session, audit.AuditFilter(**filters))  # type: ignore[arg-type]


def test_a_settings_save_records_which_keys_and_secrets_changed_never_a_secret(
    db: Database,
) -> None:
    save_settings(
        db,
        SettingsChanges(
            settings={"smtp.host": "smtp.example.com", "smtp.user": "biuro"},
            firm=FirmInput(name="Hurtownia Pol-Mak", nip="7740001454", city="Warszawa"),
            secrets={"smtp.password": PASSWORD},
        ),
    )
    save_settings(db, SettingsChanges(settings={"smtp.host": "smtp.example.com"}))  # no change

    rows = _entries(db)
    by_target = {(r.kind, r.target): r for r in rows}
    settings = by_target["settings", "settings"]
    assert settings.changes == {
        "smtp.host": [None, "smtp.example.com"],
        "smtp.user": [None, "biuro"],
    }
    assert by_target["settings", "secrets"].changes == {"smtp.password": audit.SECRET}
    firm = by_target["firm", "Hurtownia Pol-Mak"]
    assert firm.action == "create"
    assert firm.changes is not None and firm.changes["nip"] == [None, "7740001454"]
    assert len(rows) == 3  # saving the same value again records nothing
    assert all(r.actor == current_actor() for r in rows)
    assert PASSWORD not in _raw(db)


def test_a_template_change_is_recorded_without_its_wording(db: Database) -> None:
    save_template(
        db,
        MessageTemplate(
            name="my/email_overdue", language="pl", text=WORDING, subject="Zaległość {{ 1 }}"
        ),
    )
    (row,) = _entries(db, kind="template")
    assert row.target == "my/email_overdue (pl)"
    assert row.changes == {"subject": [None, audit.TEXT], "text": [None, audit.TEXT]}
    raw = _raw(db)
    assert WORDING not in raw and "Zaległość" not in raw


def test_who_is_the_inkaso_user_of_the_login_else_the_login(db: Database) -> None:
    save_settings(db, SettingsChanges(settings={"smtp.host": "a.example.com"}))
    with db.write() as session:
        session.add(User(login=current_actor().upper(), full_name="Anna Nowak", role="owner"))
    save_settings(db, SettingsChanges(settings={"smtp.host": "b.example.com"}))
    newest, oldest = _entries(db)
    assert newest.who == "Anna Nowak"
    assert oldest.who == current_actor()  # as it was: no user had that login then


def test_the_cli_lists_the_firms_set_up_and_the_contractors_log_newest_first(
    cli: Cli, tmp_path: Path
) -> None:
    for args in (
        ("config", "set", "smtp.host", "mail.example.com"),
        ("firm", "set", "--name", "Hurtownia Pol-Mak"),
        ("rates", "add", "--kind", "commercial", "--from", "2027-01-01", "--rate", "16.25"),
        ("contractor", "add", "--name", "Dobry Klient"),
        ("scenario", "default", "sms-classic"),
        ("backup", "--to", str(tmp_path / "copies")),
    ):
        assert cli(*args).code == 0, args
    everything = cli("audit", "--json").json()
    assert [e["kind"] for e in everything] == [
        "backup",
        "scenario",
        "contractor",
        "rate",
        "firm",
        "settings",
    ]
    assert everything[2]["target"] == "Dobry Klient"
    assert everything[2]["summary"] and "{" not in everything[2]["summary"]
    assert everything[3]["target"] == "commercial 2027-01-01"
    assert everything[3]["changes"]["rate"] == [None, "16.25"]
    assert [e["kind"] for e in cli("audit", "--kind", "rate", "--json").json()] == ["rate"]
    assert cli("audit", "--user", "nobody-here", "--json").json() == []
    assert len(cli("audit", "--user", current_actor().upper(), "--json").json()) == 6
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert cli("audit", "--since", tomorrow, "--json").json() == []
    shown = cli("audit")
    assert shown.code == 0 and "Hurtownia Pol-Mak" in shown.out and "16.25" in shown.out
    wrong = cli("audit", "--since", "yesterday")
    assert wrong.code != 0 and "Traceback" not in wrong.err


@pytest.fixture
def in_warsaw(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local time is Warsaw's (UTC+1 in November), as on a Polish office PC."""
    monkeypatch.setenv("TZ", "Europe/Warsaw")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_page_is_read_in_sql_newest_first(db: Database, in_warsaw: None) -> None:
    start = dt.datetime(2026, 11, 1, 8, 0)  # UTC, as kept
    with db.write() as session:
        for n in range(25):
            audit.record(
                session,
                kind="rate",
                target=f"eur {n}",
                action="add",
                changes={"rate": str(n)},
                at=start + dt.timedelta(hours=n),
            )
    with db.read() as session:
        flt = audit.AuditFilter(since=dt.date(2026, 11, 1), until=dt.date(2026, 11, 1))
        # the local 1 November ends at 23:00 UTC: 08:00 .. 22:00 UTC
        assert audit.count_entries(session, flt) == 15
        page = audit.list_entries(session, flt, limit=10, offset=10)
    assert [r.target for r in page] == [f"eur {n}" for n in range(4, -1, -1)]


@pytest.mark.parametrize(
    ("field", "value", "kept"),
    [
        ("smtp.password", "abc12345", audit.SECRET),
        ("ksef.token", None, None),
        ("body", "Dzień dobry", audit.TEXT),
        ("signature", "Jan Kowalski\nprezes", audit.TEXT),
        ("city", "Warszawa", "Warszawa"),
        ("api_url", "https://user:pa55word@example.com/x", "https://user:[hidden]@example.com/x"),
        ("logo", b"\x89PNG", "(file)"),
    ],
)
def test_values_are_kept_the_way_the_log_writes_them(
    field: str, value: object, kept: object
) -> None:
    assert audit.safe_value(field, value) == kept


def test_the_trail_reads_the_same_on_postgresql(cli: Cli, pg_url: str) -> None:
    for args in (
        ("config", "set", "smtp.host", "mail.example.com"),
        ("contractor", "add", "--name", "Dobry Klient"),
    ):
        assert cli(*args, db=pg_url).code == 0, args
    shown = cli("audit", "--json", "--user", current_actor(), db=pg_url).json()
    assert [(e["kind"], e["target"]) for e in shown] == [
        ("contractor", "Dobry Klient"),
        ("settings", "smtp.host"),
    ]
    assert shown[0]["summary"] == "Contractor Dobry Klient created"
    assert shown[1]["changes"] == {"smtp.host": [None, "mail.example.com"]}
