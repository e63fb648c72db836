"""Files a reminder carries when its step asks for them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from desktop_app.channels.base import Attachment
from desktop_app.i18n import gettext_for

INVOICE_LIST = "invoice_list"


def invoice_list(items: Sequence[dict[str, Any]], language: str, today: dt.date) -> Attachment:
    """A statement of the invoices in the message, as CSV that Excel opens correctly
    (UTF-8 with BOM, semicolons, decimal commas where the language uses them)."""

    def t(text: str) -> str:
        return gettext_for(language, text)

    comma = language in ("pl", "ru")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [t("Invoice"), t("Issued"), t("Due"), t("Amount"), t("Open"), t("Currency"),
         t("Days overdue")]
    )  # fmt: skip
    for item in items:
        due = dt.date.fromisoformat(str(item["due_date"]))
        writer.writerow(
            [
                item.get("number", ""),
                item.get("issue_date", ""),
                due.isoformat(),
                _number(str(item.get("amount", "")), comma),
                _number(str(item.get("open", "")), comma),
                item.get("currency", ""),
                max(0, (today - due).days),
            ]
        )
    data = "\ufeff" + buffer.getvalue()
    name = t("statement") + f"-{today.isoformat()}.csv"
    return Attachment(name, "text/csv", data.encode("utf-8"))


def _number(text: str, comma: bool) -> str:
    return text.replace(".", ",") if comma else text


def build(
    kinds: Sequence[str], items: Sequence[dict[str, Any]], language: str, today: dt.date
) -> tuple[Attachment, ...]:
    return tuple(invoice_list(items, language, today) for kind in kinds if kind == INVOICE_LIST)
