"""trimmed payment references

A bank reference differing only by surrounding spaces is the same payment; new ones are stored
trimmed (desktop_app.services.payments.normalize_reference) and this trims the ones stored
before, so the duplicate check finds them. A reference whose trimmed form is already stored is
left as it is: that pair is the very duplicate the old check let through, and which of the two
payments is the real one is for a person to decide, not a migration.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_payment = sa.table(
    "payment",
    sa.column("id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("source_ref", sa.String),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_payment.c.id, _payment.c.source, _payment.c.source_ref)
        .where(_payment.c.source_ref.is_not(None))
        .order_by(_payment.c.id)
    ).all()
    taken = {(source, ref) for _id, source, ref in rows}
    for payment_id, source, ref in rows:
        # the same rule as the service (str.strip: any white space, not only blanks)
        trimmed = ref.strip() or None
        if trimmed == ref or (trimmed is not None and (source, trimmed) in taken):
            continue
        conn.execute(
            sa.update(_payment).where(_payment.c.id == payment_id).values(source_ref=trimmed)
        )
        taken.discard((source, ref))
        if trimmed is not None:
            taken.add((source, trimmed))


def downgrade() -> None:
    """Nothing to undo: the spaces carried no meaning."""
