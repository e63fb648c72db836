"""letters to print: the PDFs dunning and the user made, until printed and posted

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_registered_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_letter_queue_contractor_id_contractor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_queue")),
        sa.UniqueConstraint("key", name=op.f("uq_letter_queue_key")),
    )
    with op.batch_alter_table("letter_queue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_queue_contractor_id"), ["contractor_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("letter_queue")
