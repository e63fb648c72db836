"""contractor_list.search: the list's order and totals from one query; numbers typed with spaces."""

from __future__ import annotations

import datetime as dt

import pytest

from db.uow import Database
from desktop_app.domain.receivables import Balance
from desktop_app.services import contractor_list
from tests.conftest import Cli
from tests.helpers import contractor, invoice, pay

D = dt.date
TODAY = D(2026, 11, 22)


def _ledger(db: Database) -> tuple[int, int, int]:
    alfa = contractor(db, "Alfa Sp. z o.o.", "5260250274", phones=["501 234 567"])
    beta = contractor(db, "Beta S.A.", "7740001454", phones=["+48 22 765 43 21"])
    gamma = contractor(db, "Gamma s.c.")
    invoice(db, alfa, "FV/1", D(2026, 9, 1), (D(2026, 9, 15), 100_000))
    pay(db, alfa, D(2026, 10, 1), 40_000)
    invoice(db, beta, "FV/2", D(2026, 9, 1), (D(2026, 10, 1), 500_000))
    invoice(db, gamma, "FV/3", D(2026, 11, 20), (D(2026, 12, 4), 20_000))
    return alfa, beta, gamma


@pytest.mark.parametrize("few", [2000, 1], ids=["few-matches-first", "whole-ledger"])
def test_search_returns_order_and_totals_of_exactly_the_listed_rows(
    db: Database, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # both ways of answering a search (match first, or balances of everyone) agree
    monkeypatch.setattr(contractor_list, "_FEW", few)
    alfa, beta, gamma = _ledger(db)
    everyone = contractor_list.search(
        db, today=TODAY, currency="PLN", sort="overdue", descending=True
    )
    assert everyone.ids == [beta, alfa, gamma]
    assert everyone.totals == (contractor_list.CurrencyTotal("PLN", 580_000, 560_000),)
    overdue = contractor_list.search(db, today=TODAY, currency="PLN", overdue_only=True)
    assert overdue.ids == [alfa, beta]
    one = contractor_list.search(db, today=TODAY, currency="PLN", text="gamma")
    assert (one.ids, one.totals) == ([gamma], (contractor_list.CurrencyTotal("PLN", 20_000, 0),))
    two = contractor_list.search(
        db, today=TODAY, currency="PLN", text="a", sort="open", overdue_only=True
    )
    assert (two.ids, two.totals) == (
        [alfa, beta],
        (contractor_list.CurrencyTotal("PLN", 560_000, 560_000),),
    )
    none = contractor_list.search(db, today=TODAY, currency="PLN", text="zeta")
    assert none == contractor_list.ListResult([], (contractor_list.CurrencyTotal("PLN"),))
    assert contractor_list.search_ids(db, today=TODAY, currency="PLN", text="alfa") == [alfa]


def test_a_phone_or_nip_typed_with_spaces_is_one_number(db: Database) -> None:
    alfa, beta, _gamma = _ledger(db)

    def found(text: str) -> list[int]:
        return contractor_list.search_ids(db, today=TODAY, currency="PLN", text=text)

    assert found("22 765 43 21") == [beta]
    assert found("(22) 765-43-21") == [beta]
    assert found("+48 501 234 567") == [alfa]
    assert found("526 025 02 74") == [alfa]
    assert found("774-000-14-54") == [beta]
    assert found("765 99") == []


def test_the_city_is_searched_like_the_name(db: Database) -> None:
    lodz = contractor(db, "Delta Sp. z o.o.", city="Łódź")
    bielsko = contractor(db, "Epsilon S.A.", city="Bielsko-Biała")
    krakow = contractor(db, "Łódzka Hurtownia", city="KRAKÓW")
    contractor(db, "Zeta s.c.")  # no city at all

    def found(text: str) -> set[int]:
        return set(contractor_list.search_ids(db, today=TODAY, currency="PLN", text=text))

    assert found("łódź") == {lodz, krakow}  # the city of one, the name of the other
    assert found("LODZ delta") == {lodz}  # every word must match somewhere
    assert found("biala") == {bielsko}
    assert found("Bielsko-BIAŁA") == {bielsko}
    assert found("kraków") == {krakow}
    assert found("krakow łódzka") == {krakow}
    assert found("gdańsk") == set()


def _with_euro_debtors(db: Database) -> tuple[int, int, int, int]:
    alfa, beta, gamma = _ledger(db)
    euro = contractor(db, "Euro Trade GmbH")
    invoice(db, euro, "FV/EUR/1", D(2026, 9, 1), (D(2026, 10, 1), 268_92), currency="EUR")
    # Alfa owes in both currencies, and has a euro overpayment on another euro invoice
    invoice(db, alfa, "FV/EUR/2", D(2026, 9, 1), (D(2026, 12, 1), 50_00), currency="EUR")
    pay(db, alfa, D(2026, 11, 1), 60_00, currency="EUR", invoice_number="FV/EUR/2")
    return alfa, beta, gamma, euro


def test_every_currency_shows_in_the_list_its_rows_and_its_totals(db: Database) -> None:
    """Issue 6 item 6: a contractor owing 268,92 EUR overdue is no longer a 0,00 PLN row."""
    alfa, beta, gamma, euro = _with_euro_debtors(db)
    listed = contractor_list.search(db, today=TODAY, currency="PLN", overdue_only=True)
    assert set(listed.ids) == {alfa, beta, euro}
    assert listed.totals == (
        contractor_list.CurrencyTotal("PLN", 560_000, 560_000),
        contractor_list.CurrencyTotal("EUR", 268_92, 268_92),
    )
    rows = {
        r.id: r for r in contractor_list.fetch_rows(db, listed.ids, today=TODAY, currency="PLN")
    }
    assert rows[euro].balances == (Balance("EUR", 268_92, 268_92, 52, 0),)
    assert rows[euro].max_days_overdue == 52
    assert rows[alfa].balances == (
        Balance("PLN", 60_000, 60_000, 68, 0),
        Balance("EUR", 0, 0, 0, 10_00),
    )
    everyone = contractor_list.search(db, today=TODAY, currency="PLN", sort="name")
    assert everyone.ids == [alfa, beta, euro, gamma]
    assert everyone.totals == (
        contractor_list.CurrencyTotal("PLN", 580_000, 560_000),
        contractor_list.CurrencyTotal("EUR", 268_92, 268_92),
    )
    # a search that finds only the euro debtor totals only euros (and no złoty)
    found = contractor_list.search(db, today=TODAY, currency="PLN", text="euro")
    assert found.ids == [euro]
    assert found.totals == (
        contractor_list.CurrencyTotal("PLN", 0, 0),
        contractor_list.CurrencyTotal("EUR", 268_92, 268_92),
    )


@pytest.mark.parametrize("few", [2000, 1], ids=["few-matches-first", "whole-ledger"])
def test_amounts_sort_by_the_home_currency_then_by_the_others(
    db: Database, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contractor_list, "_FEW", few)
    alfa, beta, gamma, euro = _with_euro_debtors(db)
    text = "a"  # every name has an "a": the search path, not only the whole list
    by_overdue = contractor_list.search(
        db, today=TODAY, currency="PLN", text=text, sort="overdue", descending=True
    )
    # złoty first; the euro debtor still ranks above those who owe nothing overdue
    assert by_overdue.ids == [beta, alfa, euro, gamma]
    by_open = contractor_list.search(db, today=TODAY, currency="PLN", text=text, sort="open")
    assert by_open.ids == [euro, gamma, alfa, beta]
    by_days = contractor_list.search(
        db, today=TODAY, currency="PLN", text=text, sort="days", descending=True
    )
    assert by_days.ids == [alfa, beta, euro, gamma]  # beta and euro: 52 days, then by name
    limited = contractor_list.search(
        db, today=TODAY, currency="PLN", sort="overdue", descending=True, limit=3
    )
    assert limited.ids == [beta, alfa, euro]
    assert limited.totals[1] == contractor_list.CurrencyTotal("EUR", 268_92, 268_92)
    euros_first = contractor_list.search(
        db, today=TODAY, currency="EUR", sort="overdue", descending=True
    )
    assert euros_first.ids[:3] == [euro, beta, alfa]


def test_cli_list_and_aging_report_every_currency(cli: Cli, db: Database) -> None:
    alfa, _beta, _gamma, euro = _with_euro_debtors(db)
    listed = cli("contractor", "list", "--overdue", "--today", "2026-11-22", "--json").json()
    rows = {r["id"]: r for r in listed}
    assert {alfa, euro} <= set(rows)
    assert rows[euro]["balances"] == {
        "EUR": {"open": "268.92", "overdue": "268.92", "max_days_overdue": 52, "credit": "0.00"}
    }
    assert rows[euro]["currency"] == "PLN" and rows[euro]["overdue"] == "0.00"
    assert rows[alfa]["balances"]["EUR"]["credit"] == "10.00"
    text = cli("contractor", "list", "--overdue", "--today", "2026-11-22").out
    euro_line = next(line for line in text.splitlines() if "Euro Trade" in line)
    assert "268.92" in euro_line.replace("\u00a0", " ")
    aging = cli("report", "aging", "--as-of", "2026-11-22", "--json").json()
    assert aging["currencies"]["EUR"]["totals"]["overdue"] == "268.92"
    assert [r["id"] for r in aging["currencies"]["EUR"]["contractors"]] == [euro]
