"""KSeF structured invoices, FA(2) and FA(3), into records.

The version is told by the namespace (some public samples mislabel ``kodSystemowy``). Only an
invoice our firm issued (``Podmiot1`` NIP = the firm's NIP) is a receivable; any other is a
purchase invoice and is skipped with the reason. Several ``TerminPlatnosci`` are instalments of
equal parts (the schema carries no amount per term), the remainder grosze on the last.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from lxml import etree

from desktop_app.domain.terms import relative_due, split_evenly
from desktop_app.i18n import _
from desktop_app.importers import safe_xml
from desktop_app.importers.formats import Format, ParseOptions, register
from desktop_app.importers.records import (
    ContractorRecord,
    ImportFileError,
    InstalmentRecord,
    InvoiceRecord,
    ParsedFile,
    PaymentRecord,
    Skipped,
    Where,
)
from desktop_app.importers.xml_values import Reader

NAMESPACES = {
    "http://crd.gov.pl/wzor/2023/06/29/12648/": "FA (2)",
    "http://crd.gov.pl/wzor/2025/06/25/13775/": "FA (3)",
}
SOURCE = "ksef"

#: RodzajFaktury values that are receivables, and those that correct one
_INVOICE_KINDS = {"VAT", "UPR", "ROZ"}
_CORRECTION_KINDS = {"KOR", "KOR_ROZ"}
#: advance invoices document money already received: never a receivable to chase
_ADVANCE_KINDS = {"ZAL", "KOR_ZAL"}

_POSTAL = re.compile(r"^\s*(\d{2}-\d{3})\s+(.+?)\s*$")


def sniff(head: bytes) -> bool:
    return safe_xml.looks_like(head, "Faktura", NAMESPACES)


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    return parse_bytes(path.read_bytes(), str(path), options)


def parse_bytes(data: bytes, file: str, options: ParseOptions) -> ParsedFile:
    root = safe_xml.parse(data, file)
    namespace = etree.QName(root).namespace or ""
    if safe_xml.local(root) != "Faktura" or namespace not in NAMESPACES:
        raise ImportFileError(
            _("The file is not a KSeF invoice (FA(2) or FA(3)): its root is {root}").format(
                root=safe_xml.local(root)
            ),
            Where(file, xpath="/" + safe_xml.local(root)),
        )
    return _Invoice(root, file, options, structured_terms=NAMESPACES[namespace] == "FA (3)").read()


class _Invoice:
    def __init__(
        self, root: etree._Element, file: str, options: ParseOptions, *, structured_terms: bool
    ) -> None:
        self.root = root
        self.file = file
        self.options = options
        self.structured_terms = structured_terms
        self.r = Reader(file)

    def read(self) -> ParsedFile:
        root, r = self.root, self.r
        fa = safe_xml.child(root, "Fa")
        if fa is None:
            raise r.missing(root, "Fa")
        seller = safe_xml.text(root, "Podmiot1", "DaneIdentyfikacyjne", "NIP")
        if seller is None:
            raise r.missing(root, "Podmiot1", "DaneIdentyfikacyjne", "NIP")
        number = r.required(fa, "P_2")
        where = Where(self.file, xpath=safe_xml.path_of(fa) + "/P_2")
        firm = _digits(self.options.firm_nip or "")
        if not firm:
            raise ImportFileError(
                _(
                    "Set the firm's NIP first: a KSeF invoice is a receivable only when the firm "
                    "issued it"
                ),
                where,
                field="nip",
            )
        if _digits(seller) != firm:
            reason = _("purchase invoice {number}: the seller's NIP is {nip}").format(
                number=number, nip=seller
            )
            return ParsedFile(self.file, SOURCE, skipped=(Skipped(where, reason),))
        kind = r.required(fa, "RodzajFaktury")
        if kind in _ADVANCE_KINDS:
            reason = _("advance invoice {number}: it documents a payment already received").format(
                number=number
            )
            return ParsedFile(self.file, SOURCE, skipped=(Skipped(where, reason),))
        if kind not in _INVOICE_KINDS | _CORRECTION_KINDS:
            raise ImportFileError(
                _("Unknown invoice type {kind}").format(kind=kind[:20]),
                r.where(fa, "RodzajFaktury"),
                field="RodzajFaktury",
            )
        currency = r.currency(fa, "KodWaluty")
        issued = r.date(fa, "P_1")
        sold = r.optional_date(fa, "P_6")
        correction = kind in _CORRECTION_KINDS
        gross = r.amount(fa, currency, "P_15", allow_negative=correction)
        buyer = self._buyer()
        corrects = self._corrected(fa) if correction else None
        notes: list[str] = []
        instalments: tuple[InstalmentRecord, ...] = ()
        paid: tuple[PaymentRecord, ...] = ()
        payment = safe_xml.child(fa, "Platnosc") if gross > 0 else None
        if payment is not None:
            instalments = self._instalments(payment, issued, sold, gross, notes)
            paid = self._paid(payment, number, currency, gross, buyer)
        invoice = InvoiceRecord(
            where=where,
            source=SOURCE,
            number=number,
            issue_date=issued,
            currency=currency,
            gross_minor=gross,
            buyer=buyer,
            instalments=instalments,
            kind="correction" if correction else "invoice",
            corrects=corrects,
            sale_date=sold,
            paid=paid,
        )
        return ParsedFile(
            self.file, SOURCE, contractors=(buyer,), invoices=(invoice,), notes=tuple(notes)
        )

    def _buyer(self) -> ContractorRecord:
        r = self.r
        podmiot = safe_xml.child(self.root, "Podmiot2")
        if podmiot is None:
            raise r.missing(self.root, "Podmiot2")
        ident = safe_xml.child(podmiot, "DaneIdentyfikacyjne")
        if ident is None:
            raise r.missing(podmiot, "DaneIdentyfikacyjne")
        name = r.required(ident, "Nazwa")
        nip = safe_xml.text(ident, "NIP")
        tax_id = None
        if nip is None:
            eu = safe_xml.text(ident, "NrVatUE")
            other = safe_xml.text(ident, "NrID")
            if eu is not None:
                tax_id = (safe_xml.text(ident, "KodUE") or "") + eu
            elif other is not None:
                tax_id = (safe_xml.text(ident, "KodKraju") or "") + other
        address = safe_xml.child(podmiot, "Adres")
        country = safe_xml.text(address, "KodKraju") or "PL"
        street = safe_xml.text(address, "AdresL1")
        line2 = safe_xml.text(address, "AdresL2")
        postal, city = None, line2
        if line2 is not None and (match := _POSTAL.match(line2)):
            postal, city = match.group(1), match.group(2)
        contacts = list(safe_xml.children(podmiot, "DaneKontaktowe"))
        emails = tuple(
            e for contact in contacts if (e := safe_xml.text(contact, "Email")) is not None
        )
        phones = tuple(
            p for contact in contacts if (p := safe_xml.text(contact, "Telefon")) is not None
        )
        return ContractorRecord(
            name=name,
            nip=nip,
            tax_id=tax_id,
            street=street,
            postal_code=postal,
            city=city,
            country=country.upper()[:2],
            emails=emails,
            phones=phones,
        )

    def _corrected(self, fa: etree._Element) -> str:
        data = safe_xml.child(fa, "DaneFaKorygowanej")
        if data is None:
            raise self.r.missing(fa, "DaneFaKorygowanej")
        return self.r.required(data, "NrFaKorygowanej")

    def _instalments(
        self,
        payment: etree._Element,
        issued: dt.date,
        sold: dt.date | None,
        gross: int,
        notes: list[str],
    ) -> tuple[InstalmentRecord, ...]:
        dues = [
            self._due(term, issued, sold, notes)
            for term in safe_xml.children(payment, "TerminPlatnosci")
        ]
        # a term we cannot date among dated ones adds nothing we could chase: the dated ones
        # share the amount; two terms on one day are one instalment
        known = sorted({d for d in dues if d is not None})
        if not known:
            return ()
        amounts = split_evenly(gross, len(known))
        return tuple(InstalmentRecord(d, a) for d, a in zip(known, amounts, strict=True))

    def _due(
        self, term: etree._Element, issued: dt.date, sold: dt.date | None, notes: list[str]
    ) -> dt.date | None:
        due = self.r.optional_date(term, "Termin")
        opis = safe_xml.child(term, "TerminOpis")
        if due is not None or opis is None or not self.structured_terms:
            return due
        count_text = self.r.required(opis, "Ilosc")
        try:
            count = int(count_text)
        except ValueError:
            raise ImportFileError(
                _("{value} is not a whole number").format(value=count_text[:20]),
                self.r.where(opis, "Ilosc"),
                field="Ilosc",
            ) from None
        unit = self.r.required(opis, "Jednostka")
        event = safe_xml.text(opis, "ZdarzeniePoczatkowe") or ""
        due = relative_due(count, unit, event, issued=issued, sold=sold)
        if due is None:
            notes.append(
                _(
                    "The term {count} {unit} is not one Inkaso can count; the contractor's "
                    "payment terms apply"
                ).format(count=count, unit=unit[:50])
            )
        return due

    def _paid(
        self,
        payment: etree._Element,
        number: str,
        currency: str,
        gross: int,
        buyer: ContractorRecord,
    ) -> tuple[PaymentRecord, ...]:
        r = self.r
        found: list[PaymentRecord] = []
        if safe_xml.text(payment, "Zaplacono") == "1":
            found.append(
                PaymentRecord(
                    where=r.where(payment, "DataZaplaty"),
                    date=r.date(payment, "DataZaplaty"),
                    amount_minor=gross,
                    currency=currency,
                    invoice_number=number,
                    buyer=buyer,
                    title=number,
                    source_ref=f"{number}#paid",
                )
            )
        for i, part in enumerate(safe_xml.children(payment, "ZaplataCzesciowa"), start=1):
            amount = r.amount(part, currency, "KwotaZaplatyCzesciowej")
            if amount <= 0:
                continue
            found.append(
                PaymentRecord(
                    where=r.where(part),
                    date=r.date(part, "DataZaplatyCzesciowej"),
                    amount_minor=amount,
                    currency=currency,
                    invoice_number=number,
                    buyer=buyer,
                    title=number,
                    source_ref=f"{number}#part{i}",
                )
            )
        return tuple(found)


def _digits(nip: str) -> str:
    return re.sub(r"\D", "", nip)


FORMAT = register(Format(name="ksef", group="ksef", suffixes=(".xml",), sniff=sniff, parse=parse))
