"""JPK_FA(4): a file of the invoices a firm issued in a period, into records.

JPK_FA carries no due dates: every invoice gets the contractor's default terms (instalments
empty). A correction (``RodzajFaktury`` KOREKTA, also written KOR) carries the difference in
``P_15`` and names the corrected invoice in ``NrFaKorygowanej``. Advance invoices (ZAL) document
money already received and are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from desktop_app.i18n import _
from desktop_app.importers import safe_xml
from desktop_app.importers.formats import Format, ParseOptions, register
from desktop_app.importers.records import (
    ContractorRecord,
    ImportFileError,
    InvoiceRecord,
    ParsedFile,
    Skipped,
    Where,
)
from desktop_app.importers.xml_values import Reader

#: JPK_FA(4); JPK_FA(3) has the same invoice fields and is read the same way
NAMESPACES = (
    "http://jpk.mf.gov.pl/wzor/2022/02/17/02171/",
    "http://jpk.mf.gov.pl/wzor/2019/09/27/09271/",
)
SOURCE = "jpk"

_INVOICE_KINDS = {"VAT", "UPR", "ROZ"}
_CORRECTION_KINDS = {"KOREKTA", "KOR", "KOREKTA_ROZ", "KOR_ROZ"}
_ADVANCE_KINDS = {"ZAL", "KOREKTA_ZAL", "KOR_ZAL"}
_POSTAL = re.compile(r"^(?P<street>.*?),?\s*(?P<postal>\d{2}-\d{3})\s+(?P<city>[^,]+?)\s*$")


def sniff(head: bytes) -> bool:
    return safe_xml.looks_like(head, "JPK", NAMESPACES) and b"JPK_FA" in head


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    return parse_bytes(path.read_bytes(), str(path), options)


def parse_bytes(data: bytes, file: str, options: ParseOptions) -> ParsedFile:
    root = safe_xml.parse(data, file)
    code = safe_xml.child(root, "Naglowek", "KodFormularza")
    system = code.get("kodSystemowy", "") if code is not None else ""
    if (
        safe_xml.local(root) != "JPK"
        or etree.QName(root).namespace not in NAMESPACES
        or (system and not system.startswith("JPK_FA"))
    ):
        raise ImportFileError(
            _("The file is not a JPK_FA file: its root is {root} {form}")
            .format(root=safe_xml.local(root), form=system[:30])
            .strip(),
            Where(file, xpath="/" + safe_xml.local(root)),
        )
    r = Reader(file)
    firm = _digits(options.firm_nip or "")
    if not firm:
        raise ImportFileError(
            _(
                "Set the firm's NIP first: a JPK_FA invoice is a receivable only when the firm issued it"
            ),
            Where(file, xpath="/JPK/Podmiot1"),
            field="nip",
        )
    issuer = safe_xml.text(root, "Podmiot1", "IdentyfikatorPodmiotu", "NIP")
    contractors: dict[tuple[str | None, str], ContractorRecord] = {}
    invoices: list[InvoiceRecord] = []
    skipped: list[Skipped] = []
    for faktura in safe_xml.children(root, "Faktura"):
        where = r.where(faktura, "P_2A")
        number = r.required(faktura, "P_2A")
        seller = safe_xml.text(faktura, "P_4B") or issuer or ""
        if _digits(seller) != firm:
            skipped.append(
                Skipped(
                    where,
                    _("purchase invoice {number}: the seller's NIP is {nip}").format(
                        number=number, nip=seller
                    ),
                )
            )
            continue
        kind = r.required(faktura, "RodzajFaktury").upper()
        if kind in _ADVANCE_KINDS:
            skipped.append(
                Skipped(
                    where,
                    _("advance invoice {number}: it documents a payment already received").format(
                        number=number
                    ),
                )
            )
            continue
        if kind not in _INVOICE_KINDS | _CORRECTION_KINDS:
            raise ImportFileError(
                _("Unknown invoice type {kind}").format(kind=kind[:20]),
                r.where(faktura, "RodzajFaktury"),
                field="RodzajFaktury",
            )
        correction = kind in _CORRECTION_KINDS
        currency = r.currency(faktura, "KodWaluty")
        buyer = _buyer(r, faktura)
        buyer = contractors.setdefault((buyer.nip or buyer.tax_id, buyer.name), buyer)
        invoices.append(
            InvoiceRecord(
                where=where,
                source=SOURCE,
                number=number,
                issue_date=r.date(faktura, "P_1"),
                currency=currency,
                gross_minor=r.amount(faktura, currency, "P_15", allow_negative=correction),
                buyer=buyer,
                kind="correction" if correction else "invoice",
                corrects=r.required(faktura, "NrFaKorygowanej") if correction else None,
                sale_date=r.optional_date(faktura, "P_6"),
            )
        )
    if not invoices and not skipped:
        raise ImportFileError(
            _("The file holds no invoices"), Where(file, xpath="/JPK/Faktura"), field="Faktura"
        )
    return ParsedFile(
        file,
        SOURCE,
        contractors=tuple(contractors.values()),
        invoices=tuple(invoices),
        skipped=tuple(skipped),
    )


def _buyer(r: Reader, faktura: etree._Element) -> ContractorRecord:
    name = r.required(faktura, "P_3A")
    prefix = (safe_xml.text(faktura, "P_5A") or "").upper()
    number = safe_xml.text(faktura, "P_5B")
    nip = tax_id = None
    if number is not None:
        if prefix in ("", "PL"):
            nip = number
        else:
            tax_id = prefix + number
    address = safe_xml.text(faktura, "P_3B")
    street = postal = city = None
    if address is not None:
        match = _POSTAL.match(address)
        if match:
            street = match.group("street").strip(" ,") or None
            postal, city = match.group("postal"), match.group("city")
        else:
            street = address
    return ContractorRecord(
        name=name,
        nip=nip,
        tax_id=tax_id,
        street=street,
        postal_code=postal,
        city=city,
        country=prefix if len(prefix) == 2 and prefix.isalpha() else "PL",
    )


def _digits(nip: str) -> str:
    return re.sub(r"\D", "", nip)


FORMAT = register(Format(name="jpk", group="jpk", suffixes=(".xml",), sniff=sniff, parse=parse))
