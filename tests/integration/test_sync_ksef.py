"""`inkaso import ksef-api` against a loopback KSeF: sign-in, pages, the HWM, limits, refusals."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from sqlalchemy import select

from db.models import Instalment, Invoice
from db.uow import Database
from desktop_app.logging_setup import log_file
from desktop_app.secrets import SERVICE, set_secret
from desktop_app.services.firm import FirmInput, save_firm
from desktop_app.settings import get_value, set_value
from tests.conftest import Cli
from tests.integration.ksef_server import KsefServer, fa3_invoice, ksef_server

NIP = "7740001454"
TOKEN = "20261201-EC-0A1B2C3D4E-5F60718293-AB|nip-7740001454|8f2e4d6c0b1a"
BUYER = "5260250274"


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)


def _invoice(server: KsefServer, n: int, stored: dt.datetime, **extra: object) -> None:
    issue = stored.date()
    server.add(
        f"FV {n}/11/2026",
        stored,
        fa3_invoice(
            seller_nip=NIP,
            number=f"FV {n}/11/2026",
            issue=issue,
            buyer_nip=BUYER,
            buyer_name="Zakład Usług Łączności „Świt” sp. z o.o.",
            gross=f"{n}23.45",
            due=issue + dt.timedelta(days=14),
            **extra,  # type: ignore[arg-type]
        ),
    )


@pytest.fixture
def server(db: Database) -> Iterator[KsefServer]:
    save_firm(db, FirmInput(name="Hurtownia Pol-Mak", nip=NIP))
    set_secret("ksef.token", TOKEN)
    with ksef_server(nip=NIP, token=TOKEN) as fake:
        set_value(db, "ksef.environment", "test")
        set_value(db, "ksef.api_url", fake.base_url)
        yield fake


def _sync(cli: Cli, *extra: str) -> tuple[int, dict[str, object]]:
    result = cli("import", "ksef-api", "--today", "2026-12-01", "--json", *extra)
    assert result.err == "" or result.code == 3, result.err
    return result.code, result.json()


def _amounts(db: Database) -> dict[str, tuple[int, str | None]]:
    with db.read() as session:
        rows = session.execute(
            select(Invoice.number, Instalment.open_minor, Invoice.ksef_number).join(Instalment)
        ).all()
    return {number: (open_minor, ksef) for number, open_minor, ksef in rows}


def test_pages_of_invoices_are_imported_once_and_the_mark_moves_to_the_hwm(
    db: Database, cli: Cli, server: KsefServer
) -> None:
    for n in range(1, 13):
        _invoice(server, n, _at(2 + n, 9))
    server.max_page = 5  # three pages
    server.hwm = _at(28, 0)
    code, report = _sync(cli, "--since", "2026-11-01")
    assert code == 0
    # 12 invoices and their one buyer
    assert (report["created"], report["updated"], report["unchanged"]) == (13, 0, 0)
    amounts = _amounts(db)
    assert amounts["FV 1/11/2026"] == (12_345, server.invoices[0].ksef_number)
    assert amounts["FV 12/11/2026"][0] == 1_223_45
    assert get_value(db, "ksef.hwm") == {NIP: server.hwm.isoformat()}
    assert len(server.downloads()) == 12

    # the next sync starts at the mark: nothing new, nothing downloaded again
    _invoice(server, 13, _at(29, 9))  # after the HWM: not yet complete in KSeF
    code, report = _sync(cli)
    assert (code, report["created"], report["unchanged"]) == (0, 0, 0)
    assert len(server.downloads()) == 12

    server.hwm = _at(30, 0)
    code, report = _sync(cli)
    assert (code, report["created"]) == (0, 1)
    assert "FV 13/11/2026" in _amounts(db)


def test_an_expired_token_and_a_429_do_not_stop_the_sync(
    db: Database, cli: Cli, server: KsefServer
) -> None:
    for n in range(1, 4):
        _invoice(server, n, _at(10, n))
    server.expire_after = 2
    server.throttled = {server.invoices[2].ksef_number}
    code, report = _sync(cli, "--since", "2026-11-01")
    assert (code, report["created"], report["errors"]) == (0, 4, [])
    assert server.refreshes == 1
    assert len(_amounts(db)) == 3


def test_a_spent_hourly_limit_leaves_the_rest_for_the_next_sync(
    db: Database, cli: Cli, server: KsefServer
) -> None:
    for n in range(1, 5):
        _invoice(server, n, _at(10, n))
    server.hwm = _at(20, 0)
    server.retry_after = 3600  # KSeF's block for the rest of the hour
    server.throttled = {server.invoices[2].ksef_number}
    code, report = _sync(cli, "--since", "2026-11-01")
    assert code == 0
    assert sorted(_amounts(db)) == ["FV 1/11/2026", "FV 2/11/2026"]
    # the mark waits at the first invoice not fetched
    assert get_value(db, "ksef.hwm") == {NIP: server.invoices[2].stored_at.isoformat()}
    code, report = _sync(cli)
    assert (code, report["created"]) == (0, 2)
    assert len(_amounts(db)) == 4
    assert get_value(db, "ksef.hwm") == {NIP: server.hwm.isoformat()}


def test_an_invoice_that_cannot_be_read_is_refused_and_fetched_again_next_time(
    db: Database, cli: Cli, server: KsefServer
) -> None:
    _invoice(server, 1, _at(10, 1))
    server.add("FV 2/11/2026", _at(10, 2), b"<Faktura>nie XML")
    _invoice(server, 3, _at(10, 3))
    server.hwm = _at(20, 0)
    code, report = _sync(cli, "--since", "2026-11-01")
    assert code == 3
    errors = report["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    assert errors[0]["file"] == f"KSeF {server.invoices[1].ksef_number}"
    assert sorted(_amounts(db)) == ["FV 1/11/2026", "FV 3/11/2026"]
    assert get_value(db, "ksef.hwm") == {NIP: server.invoices[1].stored_at.isoformat()}
    # fixed in KSeF's copy (a newer Inkaso reads it): the next sync takes only that one
    server.invoices[1].xml = server.invoices[0].xml.replace(b"FV 1/11/2026", b"FV 2/11/2026")
    code, report = _sync(cli)
    assert (code, report["created"], report["unchanged"]) == (0, 1, 1)
    assert len(server.downloads()) == 4


def test_without_a_token_it_says_how_to_store_one(db: Database, cli: Cli) -> None:
    save_firm(db, FirmInput(name="Hurtownia Pol-Mak", nip=NIP))
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE, "ksef.token")
    result = cli("import", "ksef-api")
    assert result.code == 3
    assert result.err.strip() == (
        "inkaso: Store the firm's KSeF token first: inkaso secret set ksef.token"
    )


def test_a_wrong_token_is_one_line_and_exit_3(db: Database, cli: Cli, server: KsefServer) -> None:
    set_secret("ksef.token", "stary-token")
    result = cli("import", "ksef-api")
    assert result.code == 3
    assert result.err.startswith("inkaso: KSeF refused the sign-in:")
    assert len(result.err.strip().splitlines()) == 1


def test_no_token_reaches_the_log(db: Database, cli: Cli, server: KsefServer) -> None:
    _invoice(server, 1, _at(10, 1))
    server.expire_after = 1  # a refresh too
    start = log_file().stat().st_size if log_file().exists() else 0
    code, _report = _sync(cli, "--since", "2026-11-01")
    assert code == 0
    with log_file().open("rb") as handle:
        handle.seek(start)
        logged = handle.read().decode("utf-8", "replace")
    assert "signed in to KSeF" in logged
    issued = [*server.access, *server.refresh, *server.operations]
    assert [t for t in (TOKEN, *issued) if t in logged] == []
