"""withdrawals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:34:42.727606
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=96), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_record_scope_key")),
    )
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_record_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=160), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "reviewer",
                "supervisor",
                name="staffrole",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )
    op.create_table(
        "bank_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("bank_code", sa.String(length=8), nullable=False),
        sa.Column("card_no_enc", sa.LargeBinary(), nullable=False),
        sa.Column("card_no_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("pii_key_id", sa.String(length=16), nullable=False),
        sa.Column("masked", sa.String(length=24), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "replaced",
                "rejected_type2",
                name="cardstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("type1_confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_bank_card_account_id_fund_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_card")),
    )
    with op.batch_alter_table("bank_card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_card_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bank_card_card_no_hash"), ["card_no_hash"], unique=False
        )
        batch_op.create_index(
            "uq_bank_card_one_active",
            ["account_id"],
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "withdrawal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("kind_name", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "under_review",
                "approved",
                "paying",
                "paid",
                "rejected",
                "cancelled",
                "failed",
                name="withdrawalstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("closes_account", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("payout_attempts", sa.Integer(), nullable=False),
        sa.Column("payout_lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_payout_error", sa.String(length=200), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_withdrawal_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_withdrawal_account_id_fund_account")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["bank_card.id"], name=op.f("fk_withdrawal_card_id_bank_card")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawal")),
    )
    with op.batch_alter_table("withdrawal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withdrawal_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_withdrawal_status"), ["status"], unique=False)

    op.create_table(
        "withdrawal_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["withdrawal_id"],
            ["withdrawal.id"],
            name=op.f("fk_withdrawal_document_withdrawal_id_withdrawal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawal_document")),
    )
    with op.batch_alter_table("withdrawal_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_withdrawal_document_withdrawal_id"), ["withdrawal_id"], unique=False
        )

    op.create_table(
        "withdrawal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["withdrawal_id"],
            ["withdrawal.id"],
            name=op.f("fk_withdrawal_event_withdrawal_id_withdrawal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawal_event")),
    )
    with op.batch_alter_table("withdrawal_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_withdrawal_event_withdrawal_id"), ["withdrawal_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("withdrawal_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawal_event_withdrawal_id"))

    op.drop_table("withdrawal_event")
    with op.batch_alter_table("withdrawal_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawal_document_withdrawal_id"))

    op.drop_table("withdrawal_document")
    with op.batch_alter_table("withdrawal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawal_status"))
        batch_op.drop_index(batch_op.f("ix_withdrawal_account_id"))

    op.drop_table("withdrawal")
    with op.batch_alter_table("bank_card", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bank_card_one_active",
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_bank_card_card_no_hash"))
        batch_op.drop_index(batch_op.f("ix_bank_card_account_id"))

    op.drop_table("bank_card")
    op.drop_table("staff_user")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_record_expires_at"))

    op.drop_table("idempotency_record")
