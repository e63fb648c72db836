"""Every value fits its column on every database Inkaso runs on.

SQLite keeps a 201-character street in a ``String(200)``, a NUL character or a 2**40 in an
``Integer``; PostgreSQL refuses them, with a traceback. One check, run before every flush of a
unit of work, reads the limits from the model's own column types (``String.length``, 32 or 64
bits), so SQLite accepts exactly what PostgreSQL does and the refusal names the field.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import BigInteger, Integer, String, Table
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.state import InstanceState

from desktop_app.errors import ValidationError
from desktop_app.i18n import N_, _

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)

#: the field as the user knows it; by "table.column" first, then by column
FIELD_LABELS = {
    "tag.name": N_("Tag"),
    "firm.name": N_("Firm name"),
    "contact_person.name": N_("Contact person"),
    "app_user.full_name": N_("Full name"),
    "name": N_("Name"),
    "street": N_("Street"),
    "postal_code": N_("Postal code"),
    "city": N_("City"),
    "country": N_("Country"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "nip": N_("NIP"),
    "regon": N_("REGON"),
    "iban": N_("Bank account"),
    "bank_name": N_("Bank name"),
    "number": N_("Invoice number"),
    "title": N_("Title"),
    "payer_name": N_("Payer"),
    "payer_account": N_("Payer's account"),
    "source_ref": N_("Bank reference"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "role": N_("Role"),
    "login": N_("Login"),
    "body": N_("Text"),
    "summary": N_("Summary"),
    "collection_pause_reason": N_("Reason"),
    "dispute_reason": N_("Reason"),
}


def label(table: str, column: str) -> str:
    known = FIELD_LABELS.get(f"{table}.{column}") or FIELD_LABELS.get(column)
    return _(known) if known else column.replace("_", " ").capitalize()


def check_session(session: Session) -> None:
    """Refuse the flush when a new or changed value does not fit its column."""
    for obj in session.new:
        _check(sa_inspect(obj), changed_only=False)
    for obj in session.dirty:
        _check(sa_inspect(obj), changed_only=True)


def _check(state: InstanceState[Any], *, changed_only: bool) -> None:
    table = state.mapper.local_table
    table_name = str(getattr(table, "name", ""))
    for attr in state.mapper.column_attrs:
        if attr.key not in state.dict:
            continue  # never loaded or set: nothing new to check
        if changed_only and not state.attrs[attr.key].history.has_changes():
            continue  # stored earlier; the check is for what this change writes
        column = attr.columns[0]
        check_value(table_name, column.key or attr.key, column.type, state.dict[attr.key])


def check_row(table: Table, values: Mapping[str, object]) -> None:
    """The flush's check of a row written with a Core insert (no unit of work sees it).

    Rows come by the thousand (an import): plain strings and integers are compared with limits
    read from the table once; anything else, and any value out of bounds, goes through
    :func:`check_value`, which says what is wrong."""
    limits = _limits(table)
    for key, value in values.items():
        kind = type(value)
        if kind is str:
            text, length = cast(str, value), limits[key][0]
            if "\x00" not in text and (length is None or len(text) <= length):
                continue
        elif kind is int:
            number, bounds = cast(int, value), limits[key][1]
            if bounds is None or bounds[0] <= number <= bounds[1]:
                continue
        elif value is None:
            continue
        check_value(str(table.name), key, table.c[key].type, value)


@functools.cache
def _limits(table: Table) -> dict[str, tuple[int | None, tuple[int, int] | None]]:
    """Per column: the longest string it holds, the integers it holds (None: no limit)."""
    found: dict[str, tuple[int | None, tuple[int, int] | None]] = {}
    for column in table.c:
        type_ = column.type
        length = getattr(type_, "length", None) if isinstance(type_, String) else None
        bounds = None
        if isinstance(type_, Integer):
            bounds = _INT64 if isinstance(type_, BigInteger) else _INT32
        found[column.key] = (length, bounds)
    return found


def check_value(table: str, column: str, type_: Any, value: object) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(
                _("{field} contains a NUL character, which cannot be stored").format(
                    field=label(table, column)
                ),
                field=column,
            )
        limit = getattr(type_, "length", None) if isinstance(type_, String) else None
        if limit is not None and len(value) > limit:
            raise ValidationError(
                _("{field} is too long: at most {limit} characters, not {length}").format(
                    field=label(table, column), limit=limit, length=len(value)
                ),
                field=column,
            )
    elif isinstance(value, int) and not isinstance(value, bool) and isinstance(type_, Integer):
        low, high = _INT64 if isinstance(type_, BigInteger) else _INT32
        if not low <= value <= high:
            raise ValidationError(
                _("{field} is out of range: {value}").format(
                    field=label(table, column), value=value
                ),
                field=column,
            )
