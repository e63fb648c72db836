"""users' roles (owner, manager, account manager, bookkeeper) and absence with a deputy

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("absent_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("absent_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("deputy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_deputy_id_app_user"),
            "app_user",
            ["deputy_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # "staff" was the only role before roles meant anything: those people manage accounts
    op.execute(
        "UPDATE app_user SET role = 'account_manager' "
        "WHERE role NOT IN ('owner', 'manager', 'account_manager', 'bookkeeper')"
    )


def downgrade() -> None:
    op.execute("UPDATE app_user SET role = 'staff' WHERE role = 'account_manager'")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_app_user_deputy_id_app_user"), type_="foreignkey")
        batch_op.drop_column("deputy_id")
        batch_op.drop_column("absent_to")
        batch_op.drop_column("absent_from")
