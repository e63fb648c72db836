"""rates the user adds over the shipped tables

Interest and euro rates ship as data (resources/rates); the rows a user adds (the next
half-year's commercial rate, a euro rate typed in while offline) and the euro rates fetched
from NBP are kept here and merged over the shipped ones.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("rate_e4", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=1), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('V', 'D', 'U')", name=op.f("ck_rate_status")),
        sa.CheckConstraint("rate_e4 > 0", name=op.f("ck_rate_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate")),
        sa.UniqueConstraint("kind", "start", name="uq_rate_kind_start"),
    )


def downgrade() -> None:
    op.drop_table("rate")
