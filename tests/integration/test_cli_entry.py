"""contractor edit|delete, invoice edit|delete, payment delete: what a script sees."""

from __future__ import annotations

from tests.conftest import Cli


def _setup(cli: Cli) -> None:
    assert cli("contractor", "add", "--name", "Alfa", "--nip", "5260250274").code == 0
    assert (
        cli(
            "invoice", "add", "--contractor", "5260250274", "--number", "FV/1",
            "--issued", "2026-09-01", "--due", "2026-09-15", "--amount", "1000,00",
        ).code
        == 0
    )  # fmt: skip
    assert (
        cli(
            "payment", "add", "--contractor", "1", "--date", "2026-09-20", "--amount", "400",
        ).code
        == 0
    )  # fmt: skip


def test_contractor_edit_changes_only_what_is_given(cli: Cli) -> None:
    _setup(cli)
    result = cli(
        "contractor", "edit", "526-025-02-74", "--name", "Alfa Sp. z o.o.",
        "--email", "a@alfa.pl", "--email", "b@alfa.pl", "--terms", "30", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["name"] == "Alfa Sp. z o.o."
    assert data["nip"] == "5260250274"
    assert data["emails"] == ["a@alfa.pl", "b@alfa.pl"]
    assert data["terms_days"] == 30
    bad = cli("contractor", "edit", "1", "--nip", "5260250275")
    assert bad.code == 3
    assert bad.err.count("\n") == 1
    unknown = cli("contractor", "edit", "1", "--manager", "nobody")
    assert unknown.code == 3
    assert "nobody" in unknown.err


def test_invoice_edit_and_delete(cli: Cli) -> None:
    _setup(cli)
    edited = cli(
        "invoice", "edit", "FV/1", "--number", "FV/1/2026", "--due", "2026-09-30",
        "--amount", "1200", "--json",
    )  # fmt: skip
    assert edited.code == 0, edited.err
    data = edited.json()
    assert data["number"] == "FV/1/2026"
    assert data["instalments"][0]["due_date"] == "2026-09-30"
    assert data["gross"] == "1200.00"
    too_low = cli("invoice", "edit", "FV/1/2026", "--amount", "300")  # 400 is paid
    assert too_low.code == 3
    assert "already paid" in too_low.err
    deleted = cli("invoice", "delete", "FV/1/2026", "--json")
    assert deleted.code == 0, deleted.err
    assert deleted.json() == {"deleted": "invoice", "number": "FV/1/2026"}
    assert cli("invoice", "delete", "FV/1/2026").code == 3
    shown = cli("contractor", "show", "1", "--today", "2026-11-22", "--json").json()
    assert shown["invoices"] == []
    assert shown["balances"]["PLN"]["credit"] == "400.00"


def test_payment_delete_and_contractor_delete(cli: Cli) -> None:
    _setup(cli)
    assert cli("contractor", "delete", "1").code == 3  # it has an invoice and a payment
    result = cli("payment", "delete", "1")
    assert result.code == 0, result.err
    assert "deleted" in result.out
    assert cli("payment", "delete", "1", "--json").code == 3
    shown = cli("contractor", "show", "1", "--today", "2026-11-22", "--json").json()
    assert shown["invoices"][0]["instalments"][0]["open"] == "1000.00"
    assert cli("invoice", "delete", "FV/1").code == 0
    gone = cli("contractor", "delete", "1", "--json")
    assert gone.code == 0, gone.err
    assert gone.json() == {"deleted": "contractor", "id": 1, "name": "Alfa"}
    assert cli("contractor", "show", "1").code == 3
