"""1C's OData read into plain records, against a loopback 1C serving Cyrillic JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from desktop_app.importers.records import ImportFileError
from desktop_app.sources.http import RemoteError, RemoteHttp
from desktop_app.sources.onec import OneCClient, odata_root, read_all
from tests.integration.onec_server import EMPTY, RUB, OneCServer, onec_server


def _client(server: OneCServer, password: str | None = None) -> OneCClient:
    auth = httpx.BasicAuth(server.user, password or server.password)
    return OneCClient(RemoteHttp("1C", odata_root(server.url), auth=auth))


def _firm(server: OneCServer) -> tuple[dict[str, object], dict[str, object]]:
    romashka = server.counterparty("ООО «Ромашка»", "7701234567", email="buh@romashka.example.ru")
    contract = server.add(
        "Catalog_ДоговорыКонтрагентов",
        Description="Договор № 5",
        Owner_Key=romashka["Ref_Key"],
        УстановленСрокОплаты=True,
        СрокОплаты=10,
    )
    return romashka, contract


def test_counterparties_sales_and_payments_become_records() -> None:
    with onec_server() as server:
        romashka, contract = _firm(server)
        sale = server.add(
            "Document_РеализацияТоваровУслуг",
            Number="0000-000123",
            Date="2026-11-03T12:00:00",
            Posted=True,
            Контрагент_Key=romashka["Ref_Key"],
            ДоговорКонтрагента_Key=contract["Ref_Key"],
            ВалютаДокумента_Key=RUB,
            СуммаДокумента=Decimal("15000.10"),
            СрокОплаты="0001-01-01T00:00:00",
        )
        server.add(
            "Document_РеализацияТоваровУслуг",
            Number="0000-000124",
            Date="2026-11-04T00:00:00",
            Posted=False,  # a draft is not a receivable
            Контрагент_Key=romashka["Ref_Key"],
            ВалютаДокумента_Key=RUB,
            СуммаДокумента=100,
        )
        server.add(
            "Document_ПоступлениеНаРасчетныйСчет",
            Number="0000-000045",
            Date="2026-11-10T09:30:00",
            Posted=True,
            ВидОперации="ОплатаПокупателя",
            Контрагент_Key=romashka["Ref_Key"],
            ВалютаДокумента_Key=EMPTY,
            СуммаДокумента=Decimal("5000"),
            НазначениеПлатежа="Оплата по счёту № 123 от 03.11.2026, в т.ч. НДС",
            РасшифровкаПлатежа=[
                {
                    "LineNumber": "1",
                    "Сделка": sale["Ref_Key"],
                    "Сделка_Type": "StandardODATA.Document_РеализацияТоваровУслуг",
                    "СуммаПлатежа": Decimal("5000.00"),
                }
            ],
        )
        parsed = read_all(_client(server), since=None)
    (buyer,) = parsed.contractors
    assert (buyer.name, buyer.tax_id, buyer.emails) == (
        "ООО «Ромашка»",
        "7701234567",
        ("buh@romashka.example.ru",),
    )
    (invoice,) = parsed.invoices
    assert (invoice.number, invoice.issue_date, invoice.currency, invoice.gross_minor) == (
        "0000-000123",
        dt.date(2026, 11, 3),
        "RUB",
        1_500_010,
    )
    assert invoice.instalments[0].due_date == dt.date(2026, 11, 13)  # the contract's 10 days
    assert invoice.source == "1c" and invoice.source_id == sale["Ref_Key"]
    (payment,) = parsed.payments
    assert (payment.amount_minor, payment.currency, payment.invoice_number) == (
        500_000,
        "RUB",
        "0000-000123",
    )
    assert payment.title is not None and payment.title.startswith("Оплата по счёту")


def test_pages_and_the_date_filter_are_used() -> None:
    with onec_server() as server:
        romashka, _contract = _firm(server)
        for n in range(1, 8):
            server.add(
                "Document_РеализацияТоваровУслуг",
                Number=f"0000-{n:06d}",
                Date=f"2026-11-{n:02d}T10:00:00",
                Posted=True,
                Контрагент_Key=romashka["Ref_Key"],
                ВалютаДокумента_Key=RUB,
                СуммаДокумента=1000,
            )
        client = _client(server)
        rows = list(client.entities("Document_РеализацияТоваровУслуг", page=3, order="Date"))
        assert len(rows) == 7
        parsed = read_all(client, since=dt.date(2026, 11, 5))
        assert [i.number for i in parsed.invoices] == ["0000-000005", "0000-000006", "0000-000007"]


def test_a_document_that_cannot_be_read_names_itself_and_the_field() -> None:
    with onec_server() as server:
        romashka, _contract = _firm(server)
        bad = server.add(
            "Document_РеализацияТоваровУслуг",
            Number="0000-000200",
            Date="2026-11-03T00:00:00",
            Posted=True,
            Контрагент_Key=romashka["Ref_Key"],
            ВалютаДокумента_Key=RUB,
            СуммаДокумента=Decimal("10.005"),
        )
        with pytest.raises(ImportFileError) as caught:
            read_all(_client(server), since=None)
    assert caught.value.field == "СуммаДокумента"
    assert caught.value.where.xpath == f"Document_РеализацияТоваровУслуг(guid'{bad['Ref_Key']}')"


def test_a_wrong_password_is_one_sentence() -> None:
    with (
        onec_server() as server,
        pytest.raises(RemoteError, match="1C refused the user name or password"),
    ):
        read_all(_client(server, password="не тот"), since=None)
