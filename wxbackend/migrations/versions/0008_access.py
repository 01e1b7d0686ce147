"""Binding by password, changing the mobile, mini-program face login, SMS choices

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 05:00:00

A holder who signed on the centre's website (or on the other WeChat channel) binds with
the account or ID number and the query password, plus an SMS code when the openid is
not known to be theirs: `signing.purpose` gains `password_bind`. Changing the mobile
(a face check, then a code to the new number) is `mobile_change`; the mini-program's
face login of a signed holder (name + ID number, then 人脸核身) is `face_login`.

`sms_preference` holds which notice SMS a holder turned off (deposit, withdrawal); no row
means all of them, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSES_BEFORE = ("signing", "password_reset", "unbind")
_PURPOSES_AFTER = (*_PURPOSES_BEFORE, "password_bind", "mobile_change", "face_login")


def _purpose_enum(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name="purpose", native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "sms_preference",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("deposit_sms", sa.Boolean(), nullable=False),
        sa.Column("withdrawal_sms", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["fund_account.id"],
            name=op.f("fk_sms_preference_account_id_fund_account"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_sms_preference")),
    )
    with op.batch_alter_table("signing", schema=None) as batch_op:
        batch_op.alter_column(
            "purpose",
            existing_type=_purpose_enum(_PURPOSES_BEFORE),
            type_=_purpose_enum(_PURPOSES_AFTER),
            existing_nullable=False,
        )


def downgrade() -> None:
    op.drop_table("sms_preference")
    op.execute(
        "DELETE FROM signing WHERE purpose IN ('password_bind', 'mobile_change', 'face_login')"
    )
    with op.batch_alter_table("signing", schema=None) as batch_op:
        batch_op.alter_column(
            "purpose",
            existing_type=_purpose_enum(_PURPOSES_AFTER),
            type_=_purpose_enum(_PURPOSES_BEFORE),
            existing_nullable=False,
        )
