"""Security notices: each event written to the outbox once

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00

- `outbox.dedup_key`: the event a notice reports (kind + the row and version that
  changed, e.g. `card_bound:17`); unique, so a retried or replayed producer writes
  it once. Empty for notices without one (the older kinds, late replies).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedup_key", sa.String(length=96), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_dedup_key"), ["dedup_key"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_outbox_dedup_key"), type_="unique")
        batch_op.drop_column("dedup_key")
