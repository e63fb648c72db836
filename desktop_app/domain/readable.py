"""Values stored in their machine form, written the reader's way when a sentence is shown.

Log rows, activity entries and the reminder rule's reasons keep "1234.56", "2026-11-20" and
"+48501234567" so they can be shown in any language later; this is the one place that turns
them into "1 234,56 zł", "20.11.2026" and "+48 501 234 567" for the language in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from desktop_app import labels
from desktop_app.domain.dates import format_day
from desktop_app.domain.identifiers import format_contact
from desktop_app.domain.money import format_amount, parse_amount
from desktop_app.errors import InkasoError

#: keys whose values are amounts in the ``currency`` beside them
AMOUNT_KEYS = ("amount", "paid", "unallocated")
#: keys whose values are ISO dates
DATE_KEYS = ("date", "due_date", "issue_date")


def readable(data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored values as the current language writes them; anything unexpected as stored."""
    values = dict(data)
    currency = values.get("currency")
    for key in AMOUNT_KEYS:
        value = values.get(key)
        if isinstance(value, str) and isinstance(currency, str):
            with suppress(InkasoError):
                minor = parse_amount(value, currency, allow_negative=True)
                values[key] = format_amount(minor, currency)
    for key in DATE_KEYS:
        value = values.get(key)
        if isinstance(value, str):
            with suppress(ValueError):
                values[key] = format_day(dt.date.fromisoformat(value))
    if isinstance(values.get("document"), str):
        values["document"] = labels.document(values["document"])
    if isinstance(values.get("to"), str):
        values["to"] = ", ".join(format_contact(t.strip()) for t in values["to"].split(","))
    return values
