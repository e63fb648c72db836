"""import keys of contractors

A contractor from an import is found again by its NIP, else by another tax id (an EU VAT number,
a foreign id), else by the source's own key (1C Ref_Key, an export's customer code): the two
new columns keep those keys so a re-import updates the same contractor instead of adding one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contractor") as batch:
        batch.add_column(sa.Column("tax_id", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        batch.create_index(batch.f("ix_contractor_tax_id"), ["tax_id"], unique=False)
        batch.create_index(batch.f("ix_contractor_external_id"), ["external_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contractor") as batch:
        batch.drop_index(batch.f("ix_contractor_external_id"))
        batch.drop_index(batch.f("ix_contractor_tax_id"))
        batch.drop_column("external_id")
        batch.drop_column("tax_id")
