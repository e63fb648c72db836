"""A column mapping: which column of a CSV/XLSX export holds which field, and how it is written.

A mapping is plain data: it is saved by name in the settings store (see
:mod:`desktop_app.services.import_mappings`), written as a JSON or TOML file, or taken from the
ready presets in :mod:`desktop_app.importers.mapping_presets`. Columns are found by their title
in the header row; a field may list several titles (the same program names a column
differently from version to version), and the first title present wins.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from desktop_app.domain.money import normalize_currency
from desktop_app.errors import ValidationError
from desktop_app.i18n import N_, _
from desktop_app.importers.cell_values import DATE_STYLES, DECIMAL_MARKS
from desktop_app.importers.table_encoding import normalize_encoding
from desktop_app.importers.table_reader import header_key

Kind = Literal["invoice", "bank"]

#: the fields of an invoice row, with what a person reads for each (the wizard shows these)
INVOICE_FIELDS: dict[str, str] = {
    "number": N_("invoice number"),
    "issue_date": N_("issue date"),
    "due_date": N_("due date"),
    "terms_days": N_("payment terms (days)"),
    "gross": N_("gross amount"),
    "currency": N_("currency"),
    "buyer_name": N_("buyer's name"),
    "buyer_nip": N_("buyer's NIP"),
    "buyer_code": N_("buyer's code in the program"),
    "address": N_("address"),
    "street": N_("street"),
    "postal_code": N_("postal code"),
    "city": N_("city"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "corrects": N_("corrected invoice's number"),
    "paid": N_("amount paid so far"),
    "remaining": N_("amount still to pay"),
    "paid_date": N_("date of the last payment"),
}
#: the fields of a bank statement row
BANK_FIELDS: dict[str, str] = {
    "date": N_("booking date"),
    "amount": N_("amount (credits positive, debits negative)"),
    "credit": N_("credit amount"),
    "debit": N_("debit amount"),
    "currency": N_("currency"),
    "payer": N_("payer"),
    "payer_account": N_("payer's account"),
    "title": N_("title"),
    "reference": N_("bank reference"),
    "our_account": N_("our account"),
}
REQUIRED: dict[Kind, tuple[tuple[str, ...], ...]] = {
    # each inner tuple: one of these fields must be mapped
    "invoice": (("number",), ("issue_date",), ("gross",), ("buyer_name",)),
    "bank": (("date",), ("amount", "credit")),
}
#: a mapping file is a few hundred bytes; anything past this is not one
_MAX_FILE_BYTES = 256 * 1024
_DELIMITERS = {";": ";", ",": ",", "\t": "\t", "tab": "\t", "\\t": "\t"}


@dataclass(frozen=True)
class ColumnMapping:
    name: str
    kind: Kind
    #: field -> the titles its column may have in the header row
    columns: Mapping[str, tuple[str, ...]]
    #: None: detect (CSV only)
    encoding: str | None = None
    delimiter: str | None = None
    date_style: str = "dmy"
    decimal: str = "auto"
    #: XLSX: the sheet to read (None: the first)
    sheet: str | None = None
    #: the currency of rows without a currency column or with it empty
    currency: str = "PLN"
    #: bank: our account when the file has no column for it
    account: str | None = None
    description: str = ""

    def titles(self, name: str) -> frozenset[str]:
        return frozenset(header_key(t) for t in self.columns.get(name, ()))

    def required(self) -> tuple[frozenset[str], ...]:
        """For each required field (or group of alternatives), the titles any of them may have."""
        return tuple(
            frozenset().union(*(self.titles(f) for f in group)) for group in REQUIRED[self.kind]
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "columns": {k: list(v) if len(v) > 1 else v[0] for k, v in self.columns.items()},
            "date_style": self.date_style,
            "decimal": self.decimal,
            "currency": self.currency,
        }
        for key in ("encoding", "delimiter", "sheet", "account", "description"):
            value = getattr(self, key)
            if value:
                data[key] = "tab" if value == "\t" else value
        return data


def fields_of(kind: Kind) -> dict[str, str]:
    return INVOICE_FIELDS if kind == "invoice" else BANK_FIELDS


def mapping_from_dict(data: Any, *, name: str | None = None) -> ColumnMapping:
    """A mapping from its JSON/TOML form, every value checked; a ValidationError says what is wrong."""
    if not isinstance(data, dict):
        raise _bad(_("a mapping is a table of settings with a 'columns' table"))
    kind = data.get("kind", "invoice")
    if kind not in ("invoice", "bank"):
        raise _bad(_("'kind' must be 'invoice' or 'bank'"))
    known = fields_of(kind)
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise _bad(_("'columns' must name the column of each field"))
    columns: dict[str, tuple[str, ...]] = {}
    for key, value in raw_columns.items():
        if key not in known:
            raise _bad(
                _("unknown field {field}; the fields are: {fields}").format(
                    field=key, fields=", ".join(known)
                )
            )
        titles = (value,) if isinstance(value, str) else value
        if (
            not isinstance(titles, list | tuple)
            or not titles
            or not all(isinstance(t, str) and t.strip() for t in titles)
        ):
            raise _bad(
                _("the column of {field} must be a title or a list of titles").format(field=key)
            )
        columns[key] = tuple(t.strip() for t in titles)
    mapping = ColumnMapping(
        name=_text(data, "name", "") or (name or ""),
        kind=kind,
        columns=columns,
        encoding=_optional(data, "encoding", normalize_encoding),
        delimiter=_optional(data, "delimiter", _delimiter),
        date_style=_choice(data, "date_style", DATE_STYLES),
        decimal=_choice(data, "decimal", DECIMAL_MARKS),
        sheet=_optional(data, "sheet", str.strip),
        currency=_optional(data, "currency", normalize_currency) or "PLN",
        account=_optional(data, "account", str.strip),
        description=_text(data, "description", ""),
    )
    missing = [
        " / ".join(group) for group in REQUIRED[kind] if not any(f in columns for f in group)
    ]
    if missing:
        raise _bad(
            _("the mapping must name the column of: {fields}").format(fields=", ".join(missing))
        )
    return mapping


def load_mapping_file(path: Path) -> ColumnMapping:
    """A mapping written as JSON (``.json``) or TOML (anything else)."""
    try:
        if not path.is_file():
            raise OSError(path)  # a folder or a device (/dev/zero would be read for ever)
        with path.open("rb") as stream:
            data = stream.read(_MAX_FILE_BYTES + 1)
        if len(data) > _MAX_FILE_BYTES:
            raise OSError(path)
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            _("The mapping file {file} cannot be read").format(file=path.name), field="mapping"
        ) from exc
    try:
        loaded = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValidationError(
            _("The mapping file {file} is not valid {kind}: {problem}").format(
                file=path.name,
                kind="JSON" if path.suffix.lower() == ".json" else "TOML",
                problem=exc,
            ),
            field="mapping",
        ) from exc
    try:
        return mapping_from_dict(loaded, name=path.stem)
    except ValidationError as exc:
        raise ValidationError(
            _("The mapping file {file}: {problem}").format(file=path.name, problem=exc.message),
            field="mapping",
        ) from exc


def _bad(problem: str) -> ValidationError:
    return ValidationError(problem, field="mapping")


def _text(data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _bad(_("'{key}' must be text").format(key=key))
    return value.strip()


def _optional(data: Mapping[str, Any], key: str, check: Callable[[str], str]) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(_("'{key}' must be text").format(key=key))
    try:
        return check(value)
    except ValidationError as exc:
        raise _bad(f"'{key}': {exc.message}") from exc


def _choice(data: Mapping[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = data.get(key, choices[0])
    if value not in choices:
        raise _bad(
            _("'{key}' must be one of: {choices}").format(key=key, choices=", ".join(choices))
        )
    return str(value)


def _delimiter(value: str) -> str:
    if value not in _DELIMITERS and value.strip().lower() not in _DELIMITERS:
        raise ValidationError(_("the separator must be ';', ',' or 'tab'"))
    return _DELIMITERS.get(value, _DELIMITERS.get(value.strip().lower(), value))
