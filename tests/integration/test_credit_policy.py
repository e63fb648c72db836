"""Credit limit and suggested terms through the service and the command line."""

from __future__ import annotations

import datetime as dt

from db.uow import Database
from desktop_app.services.credit_policy import credit_outlook
from tests.conftest import Cli

NIP = "5260250274"


def _add(cli: Cli, number: str, issued: str, due: str, amount: str) -> tuple[int, str]:
    args = ("--issued", issued, "--due", due, "--amount", amount)
    result = cli("invoice", "add", "--contractor", NIP, "--number", number, *args)
    return result.code, result.err


def test_invoice_add_warns_on_stderr_past_the_limit_and_still_records(
    cli: Cli, db: Database
) -> None:
    assert cli("contractor", "add", "--name", "Alpha", "--nip", NIP).code == 0
    assert cli("contractor", "edit", NIP, "--credit-limit", "1000").code == 0
    assert _add(cli, "A/1", "2026-11-01", "2026-11-15", "800") == (0, "")
    code, err = _add(cli, "A/2", "2026-11-20", "2026-12-04", "300")
    assert code == 0
    assert err.replace("\xa0", " ") == (
        "Warning: Alpha would owe PLN 1,100.00, PLN 100.00 over its credit limit of PLN 1,000.00\n"
    )
    assert cli("invoice", "edit", "A/2", "--amount", "300").code == 0  # it was recorded
    # an invoice in another currency is not held against a limit in złoty
    args = (
        "--issued",
        "2026-11-21",
        "--due",
        "2026-12-05",
        "--amount",
        "5000",
        "--currency",
        "EUR",
    )
    result = cli("invoice", "add", "--contractor", NIP, "--number", "A/3", *args)
    assert (result.code, result.err) == (0, "")
    # without a limit, nothing is said
    assert cli("contractor", "edit", NIP, "--credit-limit", "").code == 0
    assert _add(cli, "A/4", "2026-11-22", "2026-12-06", "9000") == (0, "")


def test_suggested_terms_from_the_rating(cli: Cli, db: Database) -> None:
    assert cli("contractor", "add", "--name", "Alpha", "--nip", NIP, "--terms", "21").code == 0
    fresh = credit_outlook(db, NIP, dt.date(2026, 1, 10))
    assert fresh.terms.prepayment and fresh.terms.days == 0
    assert fresh.terms.reason == "prepayment: a new contractor, with no payment history yet"
    # three invoices each paid about two months late: one star, prepayment
    for n, month in enumerate((2, 3, 4), start=1):
        assert _add(cli, f"A/{n}", f"2026-{month:02}-01", f"2026-{month:02}-15", "100")[0] == 0
        args = ("--date", f"2026-{month + 2:02}-20", "--amount", "100")
        assert cli("payment", "add", "--contractor", NIP, *args).code == 0
    late = credit_outlook(db, NIP, dt.date(2026, 7, 1))
    assert late.terms.prepayment
    assert late.terms.reason == "prepayment: rated 1 star, it pays late"
    # only one invoice fallen due: not rated, the usual terms
    early = credit_outlook(db, NIP, dt.date(2026, 3, 1))
    assert (early.terms.prepayment, early.terms.days) == (False, 21)
