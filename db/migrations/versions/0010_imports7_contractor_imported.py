"""what an import last said of a contractor, so a person's edit survives the next import

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contractor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contractor", schema=None) as batch_op:
        batch_op.drop_column("imported")
