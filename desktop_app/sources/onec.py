"""1C:Enterprise 8.3 through its standard OData v3 interface (JSON), read into plain records.

What is read (1C:Бухгалтерия 3.0 names; other configurations publish the same objects when
they have them, DOMAIN.md §6): counterparties ``Catalog_Контрагенты`` → contractors (the INN as
tax id, ``Ref_Key`` as external id, e-mails and phones from ``КонтактнаяИнформация``); posted
sales ``Document_РеализацияТоваровУслуг`` → invoices (due date: the document's
``СрокОплаты``, else the contract's days ``Catalog_ДоговорыКонтрагентов.СрокОплаты``, else the
contractor's terms in Inkaso); posted receipts (``Document_ПоступлениеНаРасчетныйСчет``,
``Document_ПриходныйКассовыйОрдер``) → payments, one per line of ``РасшифровкаПлатежа``, set
against the sale it names (``Сделка``). Currencies come from ``Catalog_Валюты`` by their ISO
numeric code. Paging by ``$top``/``$skip`` in a fixed order; incremental by ``$filter`` on
``Date``. Amounts are read as decimals (never floats) and kept as minor units.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from desktop_app.domain.money import parse_amount
from desktop_app.errors import ValidationError
from desktop_app.i18n import _
from desktop_app.importers.records import (
    ContractorRecord,
    ImportFileError,
    InstalmentRecord,
    InvoiceRecord,
    ParsedFile,
    PaymentRecord,
    Where,
)
from desktop_app.sources.http import RemoteError, RemoteHttp

log = logging.getLogger(__name__)

SERVICE = "1C"
SOURCE = "1c"
EMPTY_KEY = "00000000-0000-0000-0000-000000000000"
COUNTERPARTIES = "Catalog_Контрагенты"
CONTRACTS = "Catalog_ДоговорыКонтрагентов"
CURRENCIES = "Catalog_Валюты"
SALES = "Document_РеализацияТоваровУслуг"
PAYMENT_DOCUMENTS = ("Document_ПоступлениеНаРасчетныйСчет", "Document_ПриходныйКассовыйОрдер")
PAGE = 500
#: ISO 4217 numeric codes (1C's Catalog_Валюты.Code) of the currencies its users invoice in
ISO_NUMERIC = {
    "643": "RUB",
    "978": "EUR",
    "840": "USD",
    "985": "PLN",
    "933": "BYN",
    "398": "KZT",
    "980": "UAH",
    "156": "CNY",
    "826": "GBP",
    "756": "CHF",
    "949": "TRY",
    "051": "AMD",
    "417": "KGS",
    "860": "UZS",
}


def odata_root(url: str) -> str:
    """The standard interface's root from what a user pastes: the base's address or the root."""
    base = url.strip().rstrip("/")
    return base if base.endswith("/odata/standard.odata") else base + "/odata/standard.odata"


class OneCClient:
    def __init__(self, http: RemoteHttp) -> None:
        self.http = http

    def entities(
        self,
        entity: str,
        *,
        filter_: str | None = None,
        order: str = "Ref_Key",
        page: int = PAGE,
    ) -> Iterator[dict[str, Any]]:
        """Every entry of a set, page by page (``$top``/``$skip`` in a fixed order)."""
        skip = 0
        while True:
            params = {"$format": "json", "$top": str(page), "$skip": str(skip), "$orderby": order}
            if filter_:
                params["$filter"] = filter_
            rows = self._get(entity, params).get("value")
            if not isinstance(rows, list):
                raise RemoteError(
                    _("1C sent an answer Inkaso cannot read ({what})").format(what=entity)
                )
            yield from (r for r in rows if isinstance(r, dict))
            if len(rows) < page:
                return
            skip += page

    def entity(self, entity: str, key: str) -> dict[str, Any] | None:
        answer = self.http.request(
            "GET", f"/{quote(entity)}(guid'{key}')", params={"$format": "json"}
        )
        if answer.status_code == 404:
            return None
        return self._read(answer, entity)

    def _get(self, entity: str, params: Mapping[str, str]) -> dict[str, Any]:
        return self._read(self.http.request("GET", "/" + quote(entity), params=params), entity)

    @staticmethod
    def _read(answer: Any, entity: str) -> dict[str, Any]:
        if answer.status_code in (401, 403):
            raise RemoteError(
                _("1C refused the user name or password (HTTP {status})").format(
                    status=answer.status_code
                )
            )
        if answer.status_code == 404:
            raise RemoteError(
                _(
                    "1C does not publish {entity}: add it to the OData content in 1C "
                    "(Administration, Integration with other programs)"
                ).format(entity=entity)
            )
        if answer.status_code != 200:
            raise RemoteError(
                _("1C answered HTTP {status} to {entity}").format(
                    status=answer.status_code, entity=entity
                )
            )
        try:
            # amounts as decimals: a float would turn 0.1 + 0.2 kopecks into a rounding error
            body = json.loads(answer.content, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise RemoteError(
                _("1C sent an answer Inkaso cannot read ({what})").format(what=entity)
            ) from exc
        if not isinstance(body, dict):
            raise RemoteError(
                _("1C sent an answer Inkaso cannot read ({what})").format(what=entity)
            )
        return body


def date_filter(since: dt.date | None) -> str:
    posted = "Posted eq true and DeletionMark eq false"
    if since is None:
        return posted
    return f"{posted} and Date ge datetime'{since.isoformat()}T00:00:00'"


@dataclass
class _Reader:
    client: OneCClient
    default_currency: str
    currencies: dict[str, str]
    contractors: dict[str, ContractorRecord]
    contract_days: dict[str, int | None]
    sale_numbers: dict[str, str]

    def where(self, entity: str, row: Mapping[str, Any]) -> Where:
        return Where(file=f"1C {entity}", xpath=f"{entity}(guid'{row.get('Ref_Key', '')}')")

    def currency(self, key: Any, where: Where) -> str:
        if not key or key == EMPTY_KEY:
            return self.default_currency
        code = self.currencies.get(str(key))
        if code is None:
            raise ImportFileError(
                _("The currency of this document is not one Inkaso knows"),
                where,
                field="ВалютаДокумента_Key",
            )
        return code

    def amount(self, value: Any, currency: str, where: Where, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise ImportFileError(
                _("{field} is not an amount").format(field=field), where, field=field
            )
        try:
            return parse_amount(format(Decimal(value), "f"), currency)
        except ValidationError as exc:
            raise ImportFileError(exc.message, where, field=field) from exc

    def contractor(self, key: Any, where: Where) -> ContractorRecord:
        found = self.contractors.get(str(key))
        if found is None:
            raise ImportFileError(
                _("The counterparty of this document is not among 1C's counterparties"),
                where,
                field="Контрагент_Key",
            )
        return found

    def contract_terms(self, key: Any) -> int | None:
        if not key or key == EMPTY_KEY:
            return None
        if key not in self.contract_days:
            row = self.client.entity(CONTRACTS, str(key))
            days = row.get("СрокОплаты") if row else None
            fixed = row.get("УстановленСрокОплаты", True) if row else False
            self.contract_days[key] = (
                int(days)
                if fixed and isinstance(days, int | Decimal) and 0 < days <= 3650
                else None
            )
        return self.contract_days[key]

    def sale_number(self, key: Any) -> str | None:
        if not key or key == EMPTY_KEY:
            return None
        key = str(key)
        if key not in self.sale_numbers:
            row = self.client.entity(SALES, key)
            self.sale_numbers[key] = str(row.get("Number", "")).strip() if row else ""
        return self.sale_numbers[key] or None


def _moment(value: Any, where: Where, field: str) -> dt.date | None:
    """1C writes dates as "2026-11-03T00:00:00"; the empty date is year 1."""
    try:
        day = dt.datetime.fromisoformat(str(value)).date()
    except ValueError as exc:
        raise ImportFileError(
            _("{field} is not a date: {value}").format(field=field, value=value), where, field=field
        ) from exc
    return None if day.year <= 1 else day


def _counterparty(row: Mapping[str, Any]) -> ContractorRecord:
    emails: list[str] = []
    phones: list[str] = []
    for line in row.get("КонтактнаяИнформация") or ():
        if not isinstance(line, dict):
            continue
        kind = str(line.get("Тип", ""))
        shown = str(
            line.get("АдресЭП") or line.get("НомерТелефона") or line.get("Представление") or ""
        )
        shown = shown.strip()
        if kind == "АдресЭлектроннойПочты" and shown:
            emails.append(shown)
        elif kind == "Телефон" and shown:
            phones.append(shown)
    inn = str(row.get("ИНН") or "").strip()
    name = str(row.get("Description") or row.get("НаименованиеПолное") or "").strip()
    return ContractorRecord(
        name=name,
        tax_id=inn or None,
        country="RU",
        emails=tuple(emails),
        phones=tuple(phones),
        external_id=str(row["Ref_Key"]),
    )


def read_all(
    client: OneCClient, *, since: dt.date | None, default_currency: str = "RUB"
) -> ParsedFile:
    """Counterparties, sales and payments since ``since`` (None: all), as one source's records.

    Raises :class:`ImportFileError` naming the document and the field when one cannot be read,
    so nothing of this sync is written (all or nothing, as for a file)."""
    currencies: dict[str, str] = {}
    for row in client.entities(CURRENCIES):
        code = ISO_NUMERIC.get(str(row.get("Code", "")).strip().zfill(3))
        if code:
            currencies[str(row["Ref_Key"])] = code
    contractors = {
        str(row["Ref_Key"]): _counterparty(row)
        for row in client.entities(COUNTERPARTIES, filter_="IsFolder eq false")
        if row.get("Ref_Key")
    }
    reader = _Reader(client, default_currency, currencies, contractors, {}, {})
    invoices: list[InvoiceRecord] = []
    for row in client.entities(SALES, filter_=date_filter(since), order="Date"):
        where = reader.where(SALES, row)
        number = str(row.get("Number", "")).strip()
        if not number:
            raise ImportFileError(_("The document has no number"), where, field="Number")
        reader.sale_numbers[str(row["Ref_Key"])] = number
        issue = _moment(row.get("Date"), where, "Date")
        if issue is None:
            raise ImportFileError(_("The document has no date"), where, field="Date")
        currency = reader.currency(row.get("ВалютаДокумента_Key"), where)
        gross = reader.amount(row.get("СуммаДокумента"), currency, where, "СуммаДокумента")
        buyer = reader.contractor(row.get("Контрагент_Key"), where)
        due = _moment(row["СрокОплаты"], where, "СрокОплаты") if row.get("СрокОплаты") else None
        if due is None:
            days = reader.contract_terms(row.get("ДоговорКонтрагента_Key"))
            due = issue + dt.timedelta(days=days) if days is not None else None
        invoices.append(
            InvoiceRecord(
                where=where,
                source=SOURCE,
                number=number,
                issue_date=issue,
                currency=currency,
                gross_minor=gross,
                buyer=buyer,
                instalments=(InstalmentRecord(due, gross),) if due is not None else (),
                source_id=str(row["Ref_Key"]),
            )
        )
    payments: list[PaymentRecord] = []
    for entity in PAYMENT_DOCUMENTS:
        try:
            rows = list(client.entities(entity, filter_=date_filter(since), order="Date"))
        except RemoteError as exc:
            # a firm without a cash desk may not publish cash receipts: the bank is enough
            if entity == PAYMENT_DOCUMENTS[0]:
                raise
            log.info("1C: %s not read: %s", entity, exc)
            continue
        for row in rows:
            payments.extend(_payments(reader, entity, row))
    return ParsedFile(
        path="1C",
        format=SOURCE,
        contractors=tuple(contractors.values()),
        invoices=tuple(invoices),
        payments=tuple(payments),
    )


def _payments(reader: _Reader, entity: str, row: Mapping[str, Any]) -> list[PaymentRecord]:
    kind = str(row.get("ВидОперации") or "ОплатаПокупателя")
    if kind != "ОплатаПокупателя":
        return []  # a loan, a refund from a supplier…: not a customer's payment
    where = reader.where(entity, row)
    day = _moment(row.get("Date"), where, "Date")
    if day is None:
        raise ImportFileError(_("The document has no date"), where, field="Date")
    currency = reader.currency(row.get("ВалютаДокумента_Key"), where)
    buyer = reader.contractor(row.get("Контрагент_Key"), where)
    title = str(row.get("НазначениеПлатежа") or "").strip() or None
    ref = str(row["Ref_Key"])
    lines = [line for line in row.get("РасшифровкаПлатежа") or () if isinstance(line, dict)]
    if not lines:
        total = reader.amount(row.get("СуммаДокумента"), currency, where, "СуммаДокумента")
        return [PaymentRecord(where, day, total, currency, None, buyer, title, ref)]
    result: list[PaymentRecord] = []
    for line in lines:
        amount = reader.amount(line.get("СуммаПлатежа"), currency, where, "СуммаПлатежа")
        if amount <= 0:
            continue
        deal = (
            line.get("Сделка")
            if "РеализацияТоваровУслуг" in str(line.get("Сделка_Type", ""))
            else None
        )
        result.append(
            PaymentRecord(
                where,
                day,
                amount,
                currency,
                reader.sale_number(deal),
                buyer,
                title,
                f"{ref}/{line.get('LineNumber', len(result) + 1)}",
            )
        )
    return result
