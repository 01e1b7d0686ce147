"""outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 19:41:49.971013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscribe_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribe_consent")),
        sa.UniqueConstraint(
            "openid", "template_id", name=op.f("uq_subscribe_consent_openid_template_id")
        ),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("link_path", sa.String(length=256), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "queued",
                "sending",
                "sent",
                "dead",
                name="noticestatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "template",
                "subscribe",
                "sms",
                name="noticechannel",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("wechat_msgid", sa.BigInteger(), nullable=True),
        sa.Column("delivery_status", sa.String(length=48), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_outbox_account_id_fund_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_wechat_msgid"), ["wechat_msgid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_wechat_msgid"))
        batch_op.drop_index("ix_outbox_due")
        batch_op.drop_index(batch_op.f("ix_outbox_account_id"))

    op.drop_table("outbox")
    op.drop_table("subscribe_consent")
