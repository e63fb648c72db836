"""camt.053 bank statements (ISO 20022 XML), any version: elements are read by local name.

Per statement (``Stmt``) our account is ``Acct/Id/IBAN`` (or ``Othr/Id``). Each booked entry
(``Ntry``) with ``CdtDbtInd`` ``CRDT`` and no reversal mark is a credit; an entry that carries
several transactions (``NtryDtls/TxDtls``, a batch) gives one line per transaction. A line's
title is its ``RmtInf/Ustrd`` parts joined, the payer ``Dbtr`` (``Nm``, or ``Pty/Nm`` since
.001.08) and ``DbtrAcct/Id/IBAN``; its reference the bank's ``AcctSvcrRef``, else the payer's
``EndToEndId``. A payment counts from its booking date (``BookgDt``), else its value date.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from desktop_app.domain.money import exponent, normalize_currency
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.importers import safe_xml
from desktop_app.importers.formats import Format, ParseOptions, register
from desktop_app.importers.records import BankLine, ImportFileError, ParsedFile, Skipped, Where

NAME = "camt053"

_CAMT = re.compile(rb"camt\.053\.001\.\d+|<(?:\w+:)?BkToCstmrStmt[\s>]")


def sniff(head: bytes) -> bool:
    return _CAMT.search(head) is not None


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


class _Place:
    def __init__(self, file: str) -> None:
        self.file = file

    def at(self, element: etree._Element, xpath: str) -> Where:
        return Where(self.file, safe_xml.line(element), xpath)


def _amount(element: etree._Element, where: Where) -> tuple[int, str]:
    amount = element.find("Amt")
    text = amount.text.strip() if amount is not None and amount.text else ""
    currency_code = amount.get("Ccy", "") if amount is not None else ""
    try:
        currency = normalize_currency(currency_code)
        places = exponent(currency)
    except InkasoError as exc:
        raise ImportFileError(exc.message, where, field="Ccy") from exc
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ImportFileError(
            _("The amount {amount} is not a valid amount").format(amount=text[:40]),
            where,
            field="Amt",
        ) from exc
    minor = value * (10**places)
    if not value.is_finite() or minor != minor.to_integral_value() or value < 0:
        raise ImportFileError(
            _("The amount {amount} is not a valid amount").format(amount=text[:40]),
            where,
            field="Amt",
        )
    if minor > 10**15:
        raise ImportFileError(
            _("The amount {amount} is too large").format(amount=text[:40]), where, field="Amt"
        )
    return int(minor), currency


def _date(element: etree._Element, where: Where) -> dt.date:
    for path in ("BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm"):
        text = _text(element, path)
        if text:
            try:
                return dt.date.fromisoformat(text[:10])
            except ValueError as exc:
                raise ImportFileError(
                    _("The date {date} is not a valid date").format(date=text[:40]),
                    where,
                    field=path,
                ) from exc
    raise ImportFileError(_("The entry has no booking date"), where, field="BookgDt")


def _party_name(tx: etree._Element) -> str | None:
    return _text(tx, "RltdPties/Dbtr/Nm") or _text(tx, "RltdPties/Dbtr/Pty/Nm")


def _payer_account(tx: etree._Element) -> str | None:
    account = _text(tx, "RltdPties/DbtrAcct/Id/IBAN") or _text(tx, "RltdPties/DbtrAcct/Id/Othr/Id")
    if account is None:
        return None
    compact = account.replace(" ", "").upper()
    return "PL" + compact if compact.isdigit() and len(compact) == 26 else compact


def _title(tx: etree._Element) -> str | None:
    parts = [p.text.strip() for p in tx.findall("RmtInf/Ustrd") if p.text and p.text.strip()]
    return " ".join(" ".join(parts).split()) or None


def _reference(
    entry: etree._Element, tx: etree._Element | None, index: int, count: int
) -> str | None:
    own = _text(tx, "Refs/AcctSvcrRef")
    if own:
        return own
    entry_ref = _text(entry, "AcctSvcrRef")
    if entry_ref:
        return entry_ref if count == 1 else f"{entry_ref}/{index}"
    end_to_end = _text(tx, "Refs/EndToEndId")
    if end_to_end and end_to_end.upper() != "NOTPROVIDED":
        return end_to_end
    return None


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    del options  # XML says its own encoding
    place = _Place(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            _("The file cannot be read: {error}").format(error=exc), Where(str(path))
        ) from exc
    root = safe_xml.parse_local(data, str(path))
    report = root if root.tag == "BkToCstmrStmt" else root.find("BkToCstmrStmt")
    if report is None:
        raise ImportFileError(
            _("This file is not a camt.053 bank statement"), Where(str(path), 1), field="Document"
        )
    lines: list[BankLine] = []
    skipped: list[Skipped] = []
    for s, statement in enumerate(report.findall("Stmt"), start=1):
        stmt_path = f"/Document/BkToCstmrStmt/Stmt[{s}]"
        account = _text(statement, "Acct/Id/IBAN") or _text(statement, "Acct/Id/Othr/Id")
        if account is None:
            raise ImportFileError(
                _("The statement does not name its account"),
                place.at(statement, stmt_path + "/Acct"),
                field="Acct",
            )
        account = account.replace(" ", "").upper()
        for n, entry in enumerate(statement.findall("Ntry"), start=1):
            entry_path = f"{stmt_path}/Ntry[{n}]"
            where = place.at(entry, entry_path)
            indicator = _text(entry, "CdtDbtInd")
            if indicator not in {"CRDT", "DBIT"}:
                raise ImportFileError(
                    _("The entry is neither a credit nor a debit (CdtDbtInd)"),
                    where,
                    field="CdtDbtInd",
                )
            amount, currency = _amount(entry, where)
            day = _date(entry, where)
            if indicator == "DBIT":
                continue
            if (_text(entry, "RvslInd") or "").lower() == "true":
                skipped.append(
                    Skipped(
                        where,
                        _(
                            "A credit of {date} was reversed by the bank; check the payment it "
                            "reverses"
                        ).format(date=day.isoformat()),
                    )
                )
                continue
            status = _text(entry, "Sts") or _text(entry, "Sts/Cd") or "BOOK"
            if status.upper() != "BOOK":
                skipped.append(Skipped(where, _("An expected credit, not yet on the account")))
                continue
            txs = entry.findall("NtryDtls/TxDtls")
            if len(txs) <= 1:
                tx = txs[0] if txs else etree.Element("TxDtls")
                parts = [(tx, amount, currency, where)]
            else:
                parts = []
                for t, tx in enumerate(txs, start=1):
                    tx_where = place.at(tx, f"{entry_path}/NtryDtls/TxDtls[{t}]")
                    if _text(tx, "CdtDbtInd") == "DBIT":
                        continue
                    holder = tx.find("AmtDtls/TxAmt")
                    tx_amount, tx_currency = _amount(holder if holder is not None else tx, tx_where)
                    parts.append((tx, tx_amount, tx_currency, tx_where))
            for index, (tx, tx_amount, tx_currency, tx_where) in enumerate(parts, start=1):
                if tx_amount <= 0:
                    skipped.append(Skipped(tx_where, _("A credit of zero")))
                    continue
                lines.append(
                    BankLine(
                        where=tx_where,
                        account=account,
                        date=day,
                        amount_minor=tx_amount,
                        currency=tx_currency,
                        payer_name=_party_name(tx),
                        payer_account=_payer_account(tx),
                        title=_title(tx),
                        reference=_reference(entry, tx, index, len(parts)),
                    )
                )
    if not report.findall("Stmt"):
        raise ImportFileError(
            _("This file is not a camt.053 bank statement"), Where(str(path), 1), field="Stmt"
        )
    return ParsedFile(path=str(path), format=NAME, bank_lines=tuple(lines), skipped=tuple(skipped))


register(Format(name=NAME, group="bank", suffixes=(".xml",), sniff=sniff, parse=parse))
