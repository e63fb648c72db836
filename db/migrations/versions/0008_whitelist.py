"""VAT White List checks kept as proof

Each answer of the Ministry of Finance's White List about a NIP for a day (status, name,
registered accounts, the request id that proves the check was made) is kept, so a check is
not repeated for the same day and can be shown later.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whitelist_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=10), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("status_vat", sa.String(length=50), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("accounts", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whitelist_check")),
        sa.UniqueConstraint("nip", "checked_on", name="uq_whitelist_check_nip_day"),
    )


def downgrade() -> None:
    op.drop_table("whitelist_check")
