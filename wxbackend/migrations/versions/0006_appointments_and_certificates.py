"""Appointments at the halls (slots and bookings) and deposit certificates

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:00:00

`appointment_slot` holds one counter row per hall, business and half day (created at
the first booking); `appointment` one row per booking, with a partial unique index that
allows one active booking per person, business and day. `deposit_certificate` keeps
the keyed hash of each verification code (and the code sealed) and the masked facts it certified.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = sa.text("status IN ('booked', 'checked_in', 'called')")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "appointment_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_code", sa.String(length=32), nullable=False),
        sa.Column("business", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("half", _enum("half", "am", "pm"), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_slot")),
        sa.UniqueConstraint(
            "point_code",
            "business",
            "day",
            "half",
            name=op.f("uq_appointment_slot_point_code_business_day_half"),
        ),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_no", sa.String(length=32), nullable=False),
        sa.Column("ticket", sa.String(length=8), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("point_code", sa.String(length=32), nullable=False),
        sa.Column("business", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("half", _enum("half", "am", "pm"), nullable=False),
        sa.Column(
            "status",
            _enum("appointmentstatus", "booked", "checked_in", "called", "cancelled", "no_show"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_by", sa.String(length=64), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["fund_account.id"], name=op.f("fk_appointment_account_id_fund_account")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["appointment_slot.id"],
            name=op.f("fk_appointment_slot_id_appointment_slot"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("booking_no", name=op.f("uq_appointment_booking_no")),
    )
    op.create_index(op.f("ix_appointment_account_id"), "appointment", ["account_id"])
    op.create_index("ix_appointment_hall_day", "appointment", ["point_code", "day"])
    op.create_index(
        "uq_appointment_active_per_day",
        "appointment",
        ["account_id", "business", "day"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    op.create_table(
        "deposit_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_enc", sa.LargeBinary(), nullable=False),
        sa.Column("pii_key_id", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["fund_account.id"],
            name=op.f("fk_deposit_certificate_account_id_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposit_certificate")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_deposit_certificate_code_hash")),
    )
    op.create_index(
        op.f("ix_deposit_certificate_account_id"), "deposit_certificate", ["account_id"]
    )


def downgrade() -> None:
    op.drop_table("deposit_certificate")
    op.drop_index("uq_appointment_active_per_day", table_name="appointment")
    op.drop_index("ix_appointment_hall_day", table_name="appointment")
    op.drop_table("appointment")
    op.drop_table("appointment_slot")
