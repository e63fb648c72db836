"""MT940 bank statements as Polish banks write them.

- ``:86:`` starts with a 3-digit operation code, then subfields ``~NN`` (some banks ``<NN``, the
  German layout ``?NN``): ``~20``–``~25`` the title, cut by the bank at a fixed width, so the parts
  are joined back as they are (a word cut in two is one word again); ``~32``–``~33`` the payer's
  name, joined the same way; ``~38`` the payer's IBAN (else ``~30`` sort code + ``~31`` account).
- An empty subfield may be the byte 0xFF; files are often windows-1250 (UTF-8 is read when the
  file is valid UTF-8).
- ``:25:`` names our account, often as ``/PL…`` or ``BIC/account``; a file may hold several
  statements, each from ``:20:`` to ``-``.
- ``:61:`` is value date, optional entry date (MMDD), the mark ``C``/``D``/``RC``/``RD``, the
  amount with a decimal comma, the transaction type, our reference and ``//`` the bank's. A payment
  counts from its entry (booking) date, the day the money was on the account.

Only credits become bank lines. Debits are dropped; a reversal is never a customer's payment: a
reversed credit (``RC``) takes money back and a reversed debit (``RD``) returns our own transfer,
so both are listed as skipped, the first with a request to check the payment it reverses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.domain.money import exponent
from desktop_app.errors import InkasoError
from desktop_app.i18n import _
from desktop_app.importers.formats import Format, ParseOptions, register
from desktop_app.importers.records import BankLine, ImportFileError, ParsedFile, Skipped, Where

NAME = "mt940"

_TAG = re.compile(r"^:(\d{2}[A-Z]?):(.*)$")
_LINE61 = re.compile(
    r"^(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|EC|ED|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d{1,15},\d*)(?P<type>[A-Z0-9]{4})?(?P<ours>[^/]*?)(?://(?P<bank>.*))?$"
)
_BALANCE = re.compile(r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>[\d,]+)")
_SUBFIELD = re.compile(r"[~<?^](\d{2})")
_CODE = re.compile(r"^(\d{3})(?=[~<?^]\d{2})")


def sniff(head: bytes) -> bool:
    return b":20:" in head and b":25:" in head and (b":61:" in head or b":60F:" in head)


def _decode(data: bytes, encoding: str | None, where: Where) -> str:
    # 0xFF marks an empty subfield; it is no letter in any encoding these files use
    data = data.replace(b"\xff", b"")
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportFileError(
                _("The file is not in the {encoding} encoding").format(encoding=encoding), where
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("windows-1250", errors="replace")


def _account(value: str) -> str:
    """Our account from ``:25:`` ("/PL61…", "BREXPLPW/61…", "PL 61 1090…")."""
    text = value.strip().rsplit("/", 1)[-1].replace(" ", "").upper()
    return "PL" + text if text.isdigit() and len(text) == 26 else text


def _amount(text: str, currency: str, where: Where) -> int:
    whole, _sep, frac = text.partition(",")
    frac = frac.rstrip("0")
    places = exponent(currency)
    # ASCII digits only: Python takes other scripts' digits too, a bank never writes them
    if (
        not text.isascii()
        or not whole.isdigit()
        or (frac and not frac.isdigit())
        or len(frac) > places
    ):
        raise ImportFileError(
            _("The amount {amount} is not a valid amount").format(amount=text), where, field="61"
        )
    scale: int = 10**places
    return int(whole) * scale + (int(frac.ljust(places, "0")) if frac else 0)


def _date(text: str, where: Where, tag: str) -> dt.date:
    try:
        year, month, day = 2000 + int(text[0:2]), int(text[2:4]), int(text[4:6])
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ImportFileError(
            _("The date {date} is not a valid date").format(date=text), where, field=tag
        ) from exc


def _entry_date(value: dt.date, mmdd: str, where: Where) -> dt.date:
    """The booking date (MMDD) in the year nearest the value date (a statement over New Year)."""
    try:
        month, day = int(mmdd[:2]), int(mmdd[2:])
        candidates = []
        for year in (value.year - 1, value.year, value.year + 1):
            try:
                candidates.append(dt.date(year, month, day))
            except ValueError:
                continue
        if not candidates:
            raise ValueError(mmdd)
        return min(candidates, key=lambda d: abs((d - value).days))
    except ValueError as exc:
        raise ImportFileError(
            _("The date {date} is not a valid date").format(date=mmdd), where, field="61"
        ) from exc


@dataclass
class Details:
    """``:86:`` read: the title, the payer's name and account."""

    code: str | None = None
    title: str | None = None
    name: str | None = None
    account: str | None = None


def _clean(text: str) -> str | None:
    return " ".join(text.split()) or None


def details(text: str) -> Details:
    """Read a ``:86:`` field whose physical lines are already joined."""
    match = _CODE.match(text)
    if match is None:
        if _SUBFIELD.match(text) is None:
            return Details(title=_clean(text))
        code, rest = None, text
    else:
        code, rest = match.group(1), text[3:]
    parts: dict[int, str] = {}
    marks = list(_SUBFIELD.finditer(rest))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(rest)
        number = int(mark.group(1))
        parts[number] = parts.get(number, "") + rest[mark.end() : end]
    title = "".join(parts.get(n, "") for n in range(20, 28))
    name = "".join(parts.get(n, "") for n in (32, 33))
    account = parts.get(38, "").replace(" ", "").upper()
    if not account:
        nrb = (parts.get(30, "") + parts.get(31, "")).replace(" ", "")
        account = nrb if len(nrb) == 26 and nrb.isdigit() else parts.get(31, "").replace(" ", "")
    if account.isdigit() and len(account) == 26:
        account = "PL" + account
    return Details(code, _clean(title), _clean(name), account or None)


@dataclass
class _Entry:
    line: int
    text: str
    more: list[str] = field(default_factory=list)
    details: str | None = None


@dataclass
class _Statement:
    line: int
    account: str = ""
    currency: str | None = None
    entries: list[_Entry] = field(default_factory=list)


def _fields(text: str) -> list[tuple[int, str, str]]:
    """(line, tag, value) of every field; continuation lines are kept with their newlines.
    ``-`` closing a statement is the pseudo-tag "-"."""
    out: list[tuple[int, str, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if "{4:" in stripped:
            stripped = stripped.split("{4:", 1)[1].strip()
            line = stripped
            if not stripped:
                continue
        if stripped in {"-", "-}"} or stripped.startswith("-}"):
            out.append((number, "-", []))
            continue
        if stripped.startswith("{") and not out:
            continue
        match = _TAG.match(line)
        if match:
            out.append((number, match.group(1), [match.group(2)]))
        elif out and out[-1][1] != "-":
            out[-1][2].append(line)
        elif stripped:
            out.append((number, "?", [line]))
    return [(n, tag, "\n".join(values)) for n, tag, values in out]


def _statements(text: str, where: Where) -> list[_Statement]:
    statements: list[_Statement] = []
    current: _Statement | None = None
    for line, tag, value in _fields(text):
        here = Where(where.file, line)
        if tag == "20":
            current = _Statement(line)
            statements.append(current)
        elif tag == "-":
            current = None
        elif tag == "?":
            raise ImportFileError(
                _("This line is not an MT940 field: {text}").format(text=value.strip()[:60]),
                here,
            )
        elif current is None:
            if tag in {"25", "28C", "60F", "60M", "61", "86", "62F", "62M", "64", "65"}:
                # some banks leave out :20: after the first statement's "-"
                current = _Statement(line)
                statements.append(current)
            else:
                continue
        if current is None or tag in {"20", "-"}:
            continue
        if tag == "25":
            current.account = _account(value)
        elif tag in {"60F", "60M"}:
            balance = _BALANCE.match(value.strip())
            if balance is None:
                raise ImportFileError(
                    _("The opening balance is not written as MT940 writes it"), here, field=tag
                )
            current.currency = balance.group("currency")
        elif tag == "61":
            first, *more = value.split("\n")
            current.entries.append(_Entry(line, first.strip(), [m.strip() for m in more]))
        elif tag == "86":
            joined = value.replace("\n", "")
            if current.entries and current.entries[-1].details is None:
                current.entries[-1].details = joined
    return statements


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    where = Where(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            _("The file cannot be read: {error}").format(error=exc), where
        ) from exc
    text = _decode(data, options.encoding, where)
    statements = _statements(text, where)
    if not statements or not any(s.account or s.entries for s in statements):
        raise ImportFileError(_("This file is not an MT940 bank statement"), where)
    lines: list[BankLine] = []
    skipped: list[Skipped] = []
    for statement in statements:
        for entry in statement.entries:
            here = Where(where.file, entry.line)
            lines_or_skip = _entry(statement, entry, here)
            if isinstance(lines_or_skip, Skipped):
                skipped.append(lines_or_skip)
            elif lines_or_skip is not None:
                lines.append(lines_or_skip)
    return ParsedFile(path=str(path), format=NAME, bank_lines=tuple(lines), skipped=tuple(skipped))


def _entry(statement: _Statement, entry: _Entry, here: Where) -> BankLine | Skipped | None:
    match = _LINE61.match(entry.text)
    if match is None:
        raise ImportFileError(
            _("The statement line is not written as MT940 writes it: {text}").format(
                text=entry.text[:60]
            ),
            here,
            field="61",
        )
    if not statement.account:
        raise ImportFileError(_("The statement does not name its account (:25:)"), here, field="25")
    if statement.currency is None:
        raise ImportFileError(
            _("The statement has no opening balance (:60F:) to give its currency"),
            here,
            field="60F",
        )
    try:
        currency = statement.currency
        exponent(currency)
    except InkasoError as exc:
        raise ImportFileError(exc.message, here, field="60F") from exc
    value_date = _date(match.group("value"), here, "61")
    day = (
        _entry_date(value_date, match.group("entry"), here) if match.group("entry") else value_date
    )
    amount = _amount(match.group("amount"), currency, here)
    mark = match.group("mark")
    info = details(entry.details or "")
    if mark == "D" or mark == "ED":
        return None
    if mark == "RC":
        return Skipped(
            here,
            _("A credit of {date} was reversed by the bank; check the payment it reverses").format(
                date=day.isoformat()
            ),
        )
    if mark in {"RD", "EC"}:
        return Skipped(
            here,
            _("A returned transfer of ours, not a customer's payment")
            if mark == "RD"
            else _("An expected credit, not yet on the account"),
        )
    if amount <= 0:
        return Skipped(here, _("A credit of zero"))
    bank_ref = (match.group("bank") or "").strip()
    ours = (match.group("ours") or "").strip()
    reference = bank_ref or (ours if ours and ours.upper() != "NONREF" else None)
    return BankLine(
        where=here,
        account=statement.account,
        date=day,
        amount_minor=amount,
        currency=currency,
        payer_name=info.name,
        payer_account=info.account,
        title=info.title,
        reference=reference,
    )


register(
    Format(
        name=NAME,
        group="bank",
        suffixes=(".sta", ".mt940", ".940", ".txt"),
        sniff=sniff,
        parse=parse,
    )
)
