"""signing, bindings, credentials and audit trail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:22:52.570178
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "ok",
                "refused",
                name="auditoutcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=8), nullable=True),
        sa.Column("openid", sa.String(length=64), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_openid"), ["openid"], unique=False)

    op.create_table(
        "binding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "oa", "mp", name="channel", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("unionid", sa.String(length=64), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_binding_account_id_fund_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_binding")),
        sa.UniqueConstraint("account_id", "channel", name=op.f("uq_binding_account_id_channel")),
        sa.UniqueConstraint("channel", "openid", name=op.f("uq_binding_channel_openid")),
    )
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_binding_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_binding_unionid"), ["unionid"], unique=False)

    op.create_table(
        "credential",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=160), nullable=False),
        sa.Column("is_initial", sa.Boolean(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_credential_account_id_fund_account")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_credential")),
    )
    op.create_table(
        "signing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "signing",
                "password_reset",
                "unbind",
                name="purpose",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "oa", "mp", name="channel", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("unionid", sa.String(length=64), nullable=True),
        sa.Column(
            "step",
            sa.Enum(
                "agreement",
                "identity",
                "sms",
                "face",
                "password",
                "bound",
                name="signingstep",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("agreement_version", sa.String(length=32), nullable=True),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("identity_matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sms_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("face_provider", sa.String(length=16), nullable=True),
        sa.Column("face_ref", sa.String(length=128), nullable=True),
        sa.Column("face_nonce", sa.String(length=64), nullable=True),
        sa.Column("face_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("face_passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_signing_account_id_fund_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing")),
        sa.UniqueConstraint("face_ref", name=op.f("uq_signing_face_ref")),
    )
    with op.batch_alter_table("signing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signing_openid"), ["openid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_openid"))
        batch_op.drop_index(batch_op.f("ix_signing_account_id"))

    op.drop_table("signing")
    op.drop_table("credential")
    with op.batch_alter_table("binding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_binding_unionid"))
        batch_op.drop_index(batch_op.f("ix_binding_account_id"))

    op.drop_table("binding")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_openid"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))
        batch_op.drop_index(batch_op.f("ix_audit_event_account_id"))

    op.drop_table("audit_event")
