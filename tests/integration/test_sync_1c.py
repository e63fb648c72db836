"""`inkaso import 1c` against a loopback 1C: Cyrillic names, decimals, twice = once, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Contractor, Instalment, Invoice, Payment
from db.uow import Database
from desktop_app.secrets import set_secret
from desktop_app.settings import get_value, set_value
from tests.conftest import Cli
from tests.integration.onec_server import RUB, OneCServer, onec_server


@pytest.fixture
def server(db: Database) -> Iterator[OneCServer]:
    with onec_server() as fake:
        set_value(db, "1c.url", fake.url)
        set_value(db, "1c.user", fake.user)
        set_secret("1c.password", fake.password)
        yield fake


def _sale(server: OneCServer, buyer: dict[str, Any], number: str, day: str, amount: str) -> Any:
    return server.add(
        "Document_РеализацияТоваровУслуг",
        Number=number,
        Date=f"{day}T11:00:00",
        Posted=True,
        Контрагент_Key=buyer["Ref_Key"],
        ВалютаДокумента_Key=RUB,
        СуммаДокумента=Decimal(amount),
        СрокОплаты=f"{day[:8]}28T00:00:00",
    )


def _state(db: Database) -> tuple[list[Any], list[Any], list[Any]]:
    with db.read() as session:
        contractors = session.execute(
            select(Contractor.name, Contractor.tax_id, Contractor.external_id)
        ).all()
        invoices = session.execute(
            select(Invoice.number, Invoice.currency, Instalment.due_date, Instalment.open_minor)
            .join(Instalment)
            .order_by(Invoice.number)
        ).all()
        payments = session.execute(
            select(Payment.amount_minor, Payment.source, Payment.title)
        ).all()
    return contractors, invoices, payments


def test_sales_and_payments_come_in_once_and_pay_what_they_name(
    db: Database, cli: Cli, server: OneCServer
) -> None:
    romashka = server.counterparty("ООО «Ромашка»", "7701234567", email="buh@romashka.example.ru")
    first = _sale(server, romashka, "0000-000123", "2026-11-03", "15000.10")
    _sale(server, romashka, "0000-000124", "2026-11-05", "2500")
    server.add(
        "Document_ПоступлениеНаРасчетныйСчет",
        Number="0000-000045",
        Date="2026-11-10T09:30:00",
        Posted=True,
        ВидОперации="ОплатаПокупателя",
        Контрагент_Key=romashka["Ref_Key"],
        ВалютаДокумента_Key=RUB,
        СуммаДокумента=Decimal("5000"),
        НазначениеПлатежа="Оплата по счёту № 123",
        РасшифровкаПлатежа=[
            {
                "LineNumber": "1",
                "Сделка": first["Ref_Key"],
                "Сделка_Type": "StandardODATA.Document_РеализацияТоваровУслуг",
                "СуммаПлатежа": Decimal("5000.00"),
            }
        ],
    )
    result = cli("import", "1c", "--today", "2026-12-01", "--json")
    assert result.code == 0, result.err
    # one contractor, two invoices, one payment
    assert result.json()["created"] == 4
    contractors, invoices, payments = _state(db)
    assert contractors == [("ООО «Ромашка»", "7701234567", romashka["Ref_Key"])]
    assert [(n, c, d.isoformat(), o) for n, c, d, o in invoices] == [
        ("0000-000123", "RUB", "2026-11-28", 1_000_010),
        ("0000-000124", "RUB", "2026-11-28", 250_000),
    ]
    assert payments == [(500_000, "1c", "Оплата по счёту № 123")]
    assert get_value(db, "1c.synced_to") == "2026-12-01"

    again = cli("import", "1c", "--today", "2026-12-02", "--json")
    assert again.code == 0, again.err
    assert (again.json()["created"], again.json()["updated"]) == (0, 0)
    assert _state(db) == (contractors, invoices, payments)


def test_a_document_that_cannot_be_read_leaves_the_database_unchanged(
    db: Database, cli: Cli, server: OneCServer
) -> None:
    romashka = server.counterparty("ООО «Ромашка»", "7701234567")
    _sale(server, romashka, "0000-000123", "2026-11-03", "100")
    _sale(server, romashka, "0000-000124", "2026-11-04", "0.001")
    result = cli("import", "1c", "--json")
    assert result.code == 3
    (error,) = result.json()["errors"]
    assert error["file"] == "1C Document_РеализацияТоваровУслуг"
    assert error["field"] == "СуммаДокумента"
    assert _state(db) == ([], [], [])
    assert get_value(db, "1c.synced_to") == ""


def test_a_wrong_password_is_one_line(db: Database, cli: Cli, server: OneCServer) -> None:
    set_secret("1c.password", "не тот пароль")
    result = cli("import", "1c")
    assert result.code == 3
    assert result.err == "inkaso: 1C refused the user name or password (HTTP 401)\n"


def test_a_payment_for_a_sale_before_the_first_sync_pays_the_oldest_open_invoice(
    db: Database, cli: Cli, server: OneCServer
) -> None:
    romashka = server.counterparty("ООО «Ромашка»", "7701234567")
    old = _sale(server, romashka, "0000-000001", "2026-08-03", "700")
    _sale(server, romashka, "0000-000123", "2026-11-03", "1000")
    server.add(
        "Document_ПоступлениеНаРасчетныйСчет",
        Number="0000-000046",
        Date="2026-11-12T10:00:00",
        Posted=True,
        ВидОперации="ОплатаПокупателя",
        Контрагент_Key=romashka["Ref_Key"],
        ВалютаДокумента_Key=RUB,
        СуммаДокумента=Decimal("300"),
        РасшифровкаПлатежа=[
            {
                "LineNumber": "1",
                "Сделка": old["Ref_Key"],
                "Сделка_Type": "StandardODATA.Document_РеализацияТоваровУслуг",
                "СуммаПлатежа": Decimal("300"),
            }
        ],
    )
    result = cli("import", "1c", "--since", "2026-11-01", "--json")
    assert result.code == 0, result.err
    _contractors, invoices, payments = _state(db)
    assert [(n, o) for n, _c, _d, o in invoices] == [("0000-000123", 70_000)]
    assert [amount for amount, _s, _t in payments] == [30_000]
