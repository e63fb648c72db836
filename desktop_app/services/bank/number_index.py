"""``invoice.number_key``: every invoice's number in the form payment matching compares.

The ORM keeps it as numbers are set; :func:`fill_missing` catches rows written without the ORM
(the demo's bulk load, a fast importer) before matching looks anything up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from db.models import Invoice
from desktop_app.domain.payment_matching import number_key


@event.listens_for(Invoice.number, "set")
def _number_set(target: Invoice, value: Any, _old: Any, _initiator: Any) -> None:
    target.number_key = (number_key(value) or "") if isinstance(value, str) else None


#: rows updated per statement while filling
_BATCH = 5000


def fill_missing(session: Session) -> int:
    """Compute the keys of invoices that have none; returns how many were filled."""
    filled = 0
    while True:
        rows = session.execute(
            select(Invoice.id, Invoice.number).where(Invoice.number_key.is_(None)).limit(_BATCH)
        ).all()
        if not rows:
            return filled
        session.execute(
            update(Invoice),
            [{"id": row.id, "number_key": number_key(row.number) or ""} for row in rows],
        )
        filled += len(rows)
