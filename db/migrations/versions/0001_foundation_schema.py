"""foundation schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:07:03.097271
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("login", name=op.f("uq_app_user_login")),
    )
    op.create_table(
        "firm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("nip", sa.String(length=20), nullable=True),
        sa.Column("regon", sa.String(length=20), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("home_currency", sa.String(length=3), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_mime", sa.String(length=50), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "contractor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("search_name", sa.String(length=300), nullable=False),
        sa.Column("nip", sa.String(length=20), nullable=True),
        sa.Column("regon", sa.String(length=20), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("default_terms_days", sa.Integer(), nullable=False),
        sa.Column("credit_limit_minor", sa.BigInteger(), nullable=True),
        sa.Column("credit_limit_currency", sa.String(length=3), nullable=True),
        sa.Column("assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("collection_paused_until", sa.Date(), nullable=True),
        sa.Column("collection_pause_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("language IN ('pl', 'en', 'ru')", name=op.f("ck_contractor_language")),
        sa.CheckConstraint(
            "default_terms_days >= 0 AND default_terms_days <= 3650",
            name=op.f("ck_contractor_terms"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"],
            ["app_user.id"],
            name=op.f("fk_contractor_assigned_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor")),
        sa.UniqueConstraint("nip", name=op.f("uq_contractor_nip")),
    )
    with op.batch_alter_table("contractor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contractor_search_name"), ["search_name"], unique=False
        )

    op.create_table(
        "firm_bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("iban", sa.String(length=40), nullable=False),
        sa.Column("bank_name", sa.String(length=200), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firm.id"],
            name=op.f("fk_firm_bank_account_firm_id_firm"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_bank_account")),
    )
    op.create_table(
        "contact_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_contact_person_contractor_id_contractor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_person")),
    )
    with op.batch_alter_table("contact_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_person_contractor_id"), ["contractor_id"], unique=False
        )

    op.create_table(
        "contractor_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_contractor_email_contractor_id_contractor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_email")),
    )
    with op.batch_alter_table("contractor_email", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contractor_email_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contractor_email_email"), ["email"], unique=False)

    op.create_table(
        "contractor_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_contractor_phone_contractor_id_contractor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_phone")),
    )
    with op.batch_alter_table("contractor_phone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contractor_phone_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contractor_phone_phone"), ["phone"], unique=False)

    op.create_table(
        "contractor_tag",
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_contractor_tag_contractor_id_contractor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_contractor_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contractor_id", "tag_id", name=op.f("pk_contractor_tag")),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("corrected_invoice_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=True),
        sa.Column("ksef_number", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'correction') = (corrected_invoice_id IS NOT NULL)",
            name=op.f("ck_invoice_correction_link"),
        ),
        sa.CheckConstraint(
            "kind IN ('invoice', 'correction', 'advance')", name=op.f("ck_invoice_kind")
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_invoice_contractor_id_contractor"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["corrected_invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_corrected_invoice_id_invoice"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("ksef_number", name=op.f("uq_invoice_ksef_number")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_number")),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_corrected_invoice_id"), ["corrected_invoice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invoice_issue_date"), ["issue_date"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payer_name", sa.String(length=300), nullable=True),
        sa.Column("payer_account", sa.String(length=40), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=True),
        sa.Column("unallocated_minor", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_payment_amount")),
        sa.CheckConstraint(
            "unallocated_minor >= 0 AND unallocated_minor <= amount_minor",
            name=op.f("ck_payment_unallocated"),
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_payment_contractor_id_contractor"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("source", "source_ref", name="uq_payment_source_ref"),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_date"), ["date"], unique=False)

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["contractor.id"],
            name=op.f("fk_activity_contractor_id_contractor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_activity_invoice_id_invoice"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index("ix_activity_contractor_at", ["contractor_id", "at"], unique=False)

    op.create_table(
        "instalment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("open_minor", sa.BigInteger(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_instalment_amount")),
        sa.CheckConstraint(
            "open_minor >= 0 AND open_minor <= amount_minor", name=op.f("ck_instalment_open")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_instalment_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalment")),
        sa.UniqueConstraint("invoice_id", "seq", name="uq_instalment_invoice_seq"),
    )
    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instalment_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(
            "ix_instalment_open",
            ["due_date"],
            unique=False,
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )
        batch_op.create_index("ix_instalment_settled_on", ["settled_on"], unique=False)

    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(payment_id IS NULL) <> (correction_id IS NULL)", name=op.f("ck_allocation_one_source")
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_allocation_amount")),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["invoice.id"],
            name=op.f("fk_allocation_correction_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["instalment.id"],
            name=op.f("fk_allocation_instalment_id_instalment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payment.id"],
            name=op.f("fk_allocation_payment_id_payment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocation_correction_id"), ["correction_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_allocation_instalment_id"), ["instalment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_allocation_payment_id"), ["payment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_payment_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_instalment_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_correction_id"))

    op.drop_table("allocation")
    with op.batch_alter_table("instalment", schema=None) as batch_op:
        batch_op.drop_index("ix_instalment_settled_on")
        batch_op.drop_index(
            "ix_instalment_open",
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )
        batch_op.drop_index(batch_op.f("ix_instalment_invoice_id"))

    op.drop_table("instalment")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_contractor_at")

    op.drop_table("activity")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_date"))
        batch_op.drop_index(batch_op.f("ix_payment_contractor_id"))

    op.drop_table("payment")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_issue_date"))
        batch_op.drop_index(batch_op.f("ix_invoice_corrected_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_contractor_id"))

    op.drop_table("invoice")
    op.drop_table("contractor_tag")
    with op.batch_alter_table("contractor_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractor_phone_phone"))
        batch_op.drop_index(batch_op.f("ix_contractor_phone_contractor_id"))

    op.drop_table("contractor_phone")
    with op.batch_alter_table("contractor_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractor_email_email"))
        batch_op.drop_index(batch_op.f("ix_contractor_email_contractor_id"))

    op.drop_table("contractor_email")
    with op.batch_alter_table("contact_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_person_contractor_id"))

    op.drop_table("contact_person")
    op.drop_table("firm_bank_account")
    with op.batch_alter_table("contractor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractor_search_name"))

    op.drop_table("contractor")
    op.drop_table("tag")
    op.drop_table("setting")
    op.drop_table("firm")
    op.drop_table("app_user")
