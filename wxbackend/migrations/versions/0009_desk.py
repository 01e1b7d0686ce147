"""The desk: staff second factor, more roles, review claims, staff actor in the audit trail

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 05:00:00

- `staff_user` gains its TOTP secret (sealed), the last accepted step (a code is good
  once) and a session epoch (an admin's revocation ends every open session); roles
  `counter` and `admin` join `reviewer` and `supervisor`.
- `review_case`: who holds a withdrawal under review (a lease), and whether a reviewer
  referred it to a supervisor.
- `audit_event.staff_actor`: the staff member who acted, apart from the depositors'
  `openid` column; staff rows written before it move there.
- `bank_card.status` may be `invalid` (marked at the counter).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_BEFORE = ("reviewer", "supervisor")
_ROLES_AFTER = (*_ROLES_BEFORE, "counter", "admin")
_CARDS_BEFORE = ("active", "replaced", "rejected_type2")
_CARDS_AFTER = (*_CARDS_BEFORE, "invalid")


def _enum(name: str, values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_enum("staffrole", _ROLES_BEFORE),
            type_=_enum("staffrole", _ROLES_AFTER),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("totp_secret_enc", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("totp_key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enrolled_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.alter_column("session_epoch", server_default=None, existing_type=sa.Integer())

    op.create_table(
        "review_case",
        sa.Column("withdrawal_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_by", sa.String(length=64), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["staff_user.id"], name=op.f("fk_review_case_holder_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawal_id"],
            ["withdrawal.id"],
            name=op.f("fk_review_case_withdrawal_id_withdrawal"),
        ),
        sa.PrimaryKeyConstraint("withdrawal_id", name=op.f("pk_review_case")),
    )

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_actor", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_event_staff_actor"), ["staff_actor"], unique=False
        )
    op.execute(
        "UPDATE audit_event SET staff_actor = openid, openid = NULL WHERE openid LIKE 'staff:%'"
    )

    with op.batch_alter_table("bank_card", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=_enum("cardstatus", _CARDS_BEFORE),
            type_=_enum("cardstatus", _CARDS_AFTER),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("bank_card", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=_enum("cardstatus", _CARDS_AFTER),
            type_=_enum("cardstatus", _CARDS_BEFORE),
            existing_nullable=False,
        )
    op.execute("UPDATE audit_event SET openid = staff_actor WHERE staff_actor IS NOT NULL")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_staff_actor"))
        batch_op.drop_column("staff_actor")
    op.drop_table("review_case")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enrolled_at")
        batch_op.drop_column("totp_key_id")
        batch_op.drop_column("totp_secret_enc")
        batch_op.alter_column(
            "role",
            existing_type=_enum("staffrole", _ROLES_AFTER),
            type_=_enum("staffrole", _ROLES_BEFORE),
            existing_nullable=False,
        )
