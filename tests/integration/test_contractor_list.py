"""contractor_list.search: the list's order and totals from one query; numbers typed with spaces."""

from __future__ import annotations

import datetime as dt

import pytest

from db.uow import Database
from desktop_app.services import contractor_list
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
    assert (everyone.open_minor, everyone.overdue_minor) == (580_000, 560_000)
    overdue = contractor_list.search(db, today=TODAY, currency="PLN", overdue_only=True)
    assert overdue.ids == [alfa, beta]
    one = contractor_list.search(db, today=TODAY, currency="PLN", text="gamma")
    assert (one.ids, one.open_minor, one.overdue_minor) == ([gamma], 20_000, 0)
    two = contractor_list.search(
        db, today=TODAY, currency="PLN", text="a", sort="open", overdue_only=True
    )
    assert (two.ids, two.open_minor, two.overdue_minor) == ([alfa, beta], 560_000, 560_000)
    none = contractor_list.search(db, today=TODAY, currency="PLN", text="zeta")
    assert none == contractor_list.ListResult([], 0, 0)
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
