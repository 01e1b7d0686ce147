"""Withdrawal rules held by the schema; 补件, waiting for a new card, parked payouts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00

- Partial unique indexes: one open application per kind and account, and one open
  closing application per account (the rules are also checked under the account's row
  lock; these make a lost race fail in the database too). Before upgrading a database
  that already holds duplicates (the races of issue #14), cancel the extra ones.
- Statuses `needs_documents` (the reviewer asked for more documents), `awaiting_card`
  (the bank refused the card: paid again once a new one is bound) and `parked` (the
  outcome stayed unknown: an operator decides).
- `card_id` may be empty: a loan-repayment withdrawal (冲还贷) pays into the loan.
- `payout_round` gives a re-payment to a new card its own bank reference;
  `requested_documents` holds the kinds a reviewer asked for.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = (
    "submitted",
    "under_review",
    "approved",
    "paying",
    "paid",
    "rejected",
    "cancelled",
    "failed",
)
_AFTER = (*_BEFORE, "needs_documents", "awaiting_card", "parked")
_OPEN = (
    "status IN ('submitted', 'under_review', 'needs_documents', 'approved', 'paying', "
    "'awaiting_card', 'parked')"
)


def _status(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(
        *values, name="withdrawalstatus", native_enum=False, create_constraint=True, length=24
    )


def upgrade() -> None:
    with op.batch_alter_table("withdrawal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payout_round", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("requested_documents", sa.String(200), nullable=True))
        batch_op.alter_column("card_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column(
            "status", existing_type=_status(_BEFORE), type_=_status(_AFTER), existing_nullable=False
        )
    with op.batch_alter_table("withdrawal", schema=None) as batch_op:
        batch_op.alter_column("payout_round", server_default=None)
        batch_op.create_index(
            "uq_withdrawal_open_kind",
            ["account_id", "kind"],
            unique=True,
            postgresql_where=sa.text(_OPEN),
            sqlite_where=sa.text(_OPEN),
        )
        batch_op.create_index(
            "uq_withdrawal_open_closing",
            ["account_id"],
            unique=True,
            postgresql_where=sa.text(f"closes_account AND {_OPEN}"),
            sqlite_where=sa.text(f"closes_account = 1 AND {_OPEN}"),
        )


def downgrade() -> None:
    with op.batch_alter_table("withdrawal", schema=None) as batch_op:
        batch_op.drop_index("uq_withdrawal_open_closing")
        batch_op.drop_index("uq_withdrawal_open_kind")
        batch_op.alter_column(
            "status", existing_type=_status(_AFTER), type_=_status(_BEFORE), existing_nullable=False
        )
        batch_op.alter_column("card_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("requested_documents")
        batch_op.drop_column("payout_round")
