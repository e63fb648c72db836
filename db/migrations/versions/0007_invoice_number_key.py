"""invoice number key

Bank payment matching looks invoices up by the number as a payer writes it ("FV12/11/2026",
"12 / 11 / 2026"): the core fills ``invoice.number_key`` (its comparable form) for rows where it
is empty, so this only adds the indexed column.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.add_column(sa.Column("number_key", sa.String(length=100), nullable=True))
        batch.create_index("ix_invoice_number_key", ["number_key"])


def downgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.drop_index("ix_invoice_number_key")
        batch.drop_column("number_key")
