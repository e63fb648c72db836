"""``invoice.number_key``: every invoice's number in the form payment matching compares.

The ORM keeps it as numbers are set; :func:`fill_missing` catches rows written without the ORM
(the demo's bulk load, a fast importer) before matching looks anything up.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, event, select, update
from sqlalchemy.orm import Session

from db.models import Invoice
from desktop_app.domain.payment_matching import number_key


@event.listens_for(Invoice.number, "set")
def _number_set(target: Invoice, value: Any, _old: Any, _initiator: Any) -> None:
    target.number_key = key_of(value) if isinstance(value, str) else None


def key_of(number: str) -> str:
    """The stored key of an invoice number ("" when it has none, so it is not filled again)."""
    return number_key(number) or ""


#: rows updated per statement while filling
_BATCH = 20_000


def fill_missing(session: Session) -> int:
    """Compute the keys of invoices that have none; returns how many were filled."""
    table = cast(Table, Invoice.__table__)
    statement = (
        update(table).where(table.c.id == bindparam("row_id")).values(number_key=bindparam("key"))
    )
    filled = 0
    while True:
        rows = session.execute(
            select(Invoice.id, Invoice.number).where(Invoice.number_key.is_(None)).limit(_BATCH)
        ).all()
        if not rows:
            return filled
        # Core executemany: the ORM's bulk update costs more than the rows on a 500,000 book
        session.connection().execute(
            statement, [{"row_id": r.id, "key": key_of(r.number)} for r in rows]
        )
        filled += len(rows)
