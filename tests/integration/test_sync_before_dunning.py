"""Issue 7 item 5: what lands in a watched folder is imported before each dunning run, so a
reminder never goes about an invoice paid yesterday; a failing source never stops the run."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from desktop_app.scheduler import DunningScheduler
from desktop_app.services.sync.everything import import_all
from desktop_app.settings import set_value
from tests.integration.dunning_env import DunningEnv
from tests.integration.ksef_server import fa3_invoice

FIRM_NIP = "7740001454"  # the dunning environment's firm
BUYER_NIP = "5260250274"
D = dt.date


def _dropped(folder: Path, name: str, data: bytes) -> Path:
    """A file copied into the folder a minute ago (the import waits for files to settle)."""
    path = folder / name
    path.write_bytes(data)
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def _paid_in_ksef(paid_on: D) -> bytes:
    return fa3_invoice(
        seller_nip=FIRM_NIP,
        number="FV 1/03/2026",
        issue=D(2026, 3, 2),
        buyer_nip=BUYER_NIP,
        buyer_name="Klient Łódzki sp. z o.o.",
        gross="1000.00",
        due=D(2026, 3, 16),
        paid_on=paid_on,
    )


def _debtor(env: DunningEnv) -> None:
    env.ok("contractor", "add", "--name", "Klient Łódzki sp. z o.o.", "--nip", BUYER_NIP,
           "--email", "ksiegowosc@klient.example.com")  # fmt: skip
    env.ok("invoice", "add", "--contractor", "1", "--number", "FV 1/03/2026",
           "--issued", "2026-03-02", "--due", "2026-03-16", "--amount", "1000")  # fmt: skip


def _planned_on(env: DunningEnv, day: str) -> list[str]:
    plan = env.ok("dunning", "plan", "--today", day, "--days", "1", "--json")
    return [i["invoice"] for a in plan["actions"] for i in a["items"]]


def test_a_paid_invoice_dropped_into_the_ksef_folder_stops_that_days_reminder(
    env: DunningEnv, tmp_path: Path
) -> None:
    env.configure("gentle-email")
    folder = tmp_path / "ksef-in"
    folder.mkdir()
    set_value(env.db, "import.folders", f'{{"ksef": "{folder.as_posix()}"}}')
    _debtor(env)
    env.run("2026-03-16")  # the due-date e-mail
    assert len(env.mail.messages) == 1
    assert _planned_on(env, "2026-03-19") == ["FV 1/03/2026"]  # the overdue reminder is due

    # the accounting program marks it paid yesterday and exports the KSeF invoice again
    _dropped(folder, "FV_1_03_2026.xml", _paid_in_ksef(D(2026, 3, 18)))
    report = env.run("2026-03-19")

    # no reminder about an invoice paid yesterday: the only message is the scenario's thanks
    assert [m["key"].split("/")[1] for m in report["messages"]] == ["thanks"]
    assert report["imported"]["sources"][0]["source"] == "folder:ksef"
    assert report["imported"]["created"] == 1  # the stated payment
    assert env.sql("SELECT open_minor FROM instalment") == [(0,)]
    assert not list(folder.glob("*.xml"))
    assert [p.name for p in (folder / "imported").iterdir()] == ["FV_1_03_2026.xml"]


def test_a_file_is_imported_once_even_when_dropped_again(env: DunningEnv, tmp_path: Path) -> None:
    env.configure("gentle-email")
    folder = tmp_path / "ksef-in"
    folder.mkdir()
    set_value(env.db, "import.folders", f'{{"ksef": "{folder.as_posix()}"}}')
    set_value(env.db, "import.after", "keep")
    _debtor(env)
    _dropped(folder, "a.xml", _paid_in_ksef(D(2026, 3, 18)))
    first = import_all(env.db, today=D(2026, 3, 19))
    assert first.counts()["created"] == 1
    _dropped(folder, "a copy.xml", _paid_in_ksef(D(2026, 3, 18)))
    again = import_all(env.db, today=D(2026, 3, 19))
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 0}
    assert sorted(p.name for p in folder.iterdir()) == ["a copy.xml", "a.xml"]
    assert env.sql("SELECT count(*) FROM imported_file") == [(1,)]


def test_a_file_still_being_written_waits_for_the_next_run(env: DunningEnv, tmp_path: Path) -> None:
    env.configure("gentle-email")
    folder = tmp_path / "ksef-in"
    folder.mkdir()
    set_value(env.db, "import.folders", f'{{"ksef": "{folder.as_posix()}"}}')
    _debtor(env)
    (folder / "fresh.xml").write_bytes(_paid_in_ksef(D(2026, 3, 18)))
    report = import_all(env.db, today=D(2026, 3, 19))
    assert report.counts()["created"] == 0
    assert (folder / "fresh.xml").exists()


def test_a_failing_source_is_shown_and_the_run_still_sends(env: DunningEnv, tmp_path: Path) -> None:
    env.configure("gentle-email")
    broken = tmp_path / "bank-in"
    broken.mkdir()
    folder = tmp_path / "ksef-in"
    folder.mkdir()
    set_value(
        env.db,
        "import.folders",
        f'{{"jpk": "{(tmp_path / "gone").as_posix()}", "ksef": "{folder.as_posix()}"}}',
    )
    set_value(env.db, "ksef.auto", "true")
    set_value(env.db, "ksef.api_url", "http://127.0.0.1:9/v2")  # nothing listens there
    _debtor(env)
    _dropped(folder, "zepsuty.xml", b"<Faktura xmlns='http://crd.gov.pl/wzor/2025/06/25/13775/'>")

    result = env.cli("dunning", "run", "--today", "2026-03-16", "--json")

    assert result.code == 0, result.err
    report = result.json()
    assert report["counts"]["sent"] == 1  # the due-date reminder went all the same
    errors = report["errors"]
    assert any("folder:jpk failed: The watched folder" in e for e in errors), errors
    assert any("folder:ksef: " in e and "zepsuty.xml refused" in e for e in errors), errors
    assert any(e.startswith("Import from ksef-api failed:") for e in errors), errors
    assert [p.name for p in (folder / "refused").iterdir()] == ["zepsuty.xml"]


def test_the_schedulers_import_job_imports_the_watched_folders(
    env: DunningEnv, tmp_path: Path
) -> None:
    env.configure("gentle-email")
    folder = tmp_path / "ksef-in"
    folder.mkdir()
    set_value(env.db, "import.folders", f'{{"ksef": "{folder.as_posix()}"}}')
    _debtor(env)
    _dropped(folder, "FV_1_03_2026.xml", _paid_in_ksef(D(2026, 3, 18)))
    scheduler = DunningScheduler(env.db, clock=lambda: dt.datetime(2026, 3, 19, 9, tzinfo=dt.UTC))
    report = scheduler.import_once()
    assert report is not None and report.counts()["created"] == 1
    assert env.sql("SELECT open_minor FROM instalment") == [(0,)]
    assert not env.mail.messages  # importing sends nothing
