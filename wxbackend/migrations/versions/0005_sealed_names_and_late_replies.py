"""Account holders' names sealed like ID numbers; late callback replies in the outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:40:00

`fund_account.name` held the one personal field in plaintext next to the balance. It
becomes `name_enc` (SM4-GCM under the row's own pii_key_id) plus `name_masked` (张*, what
every page shows). Existing rows are sealed here with the keys of the running
configuration (WXB_SECURITY__PII_KEYS), so run `wxbackend db upgrade` with them set.

The outbox also carries customer-service text replies that missed WeChat's deadline
and could not be sent at once: `openid` names the follower, `account_id` may be empty
(a follower who is not bound), and `custom` is their channel.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHANNELS_BEFORE = ("template", "subscribe", "sms")
_CHANNELS_AFTER = (*_CHANNELS_BEFORE, "custom")


def _channel_enum(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(
        *values, name="noticechannel", native_enum=False, create_constraint=True, length=24
    )


def _seal_names() -> None:
    from wxbackend.config import Settings
    from wxbackend.security.masking import mask_name
    from wxbackend.security.pii import Vault

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name_masked, pii_key_id FROM fund_account")).all()
    if not rows:
        return
    vault = Vault.from_settings(Settings().security)
    for row_id, name, key_id in rows:
        sealed = vault.seal(name, key_id=key_id)
        bind.execute(
            sa.text(
                "UPDATE fund_account SET name_enc = :enc, name_masked = :masked WHERE id = :id"
            ),
            {"enc": sealed.blob, "masked": mask_name(name), "id": row_id},
        )


def upgrade() -> None:
    with op.batch_alter_table("fund_account", schema=None) as batch_op:
        batch_op.alter_column("name", new_column_name="name_masked", existing_type=sa.String(64))
        batch_op.add_column(sa.Column("name_enc", sa.LargeBinary(), nullable=True))
    _seal_names()
    with op.batch_alter_table("fund_account", schema=None) as batch_op:
        batch_op.alter_column("name_enc", existing_type=sa.LargeBinary(), nullable=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("account_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("openid", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "channel",
            existing_type=_channel_enum(_CHANNELS_BEFORE),
            type_=_channel_enum(_CHANNELS_AFTER),
            existing_nullable=True,
        )


def downgrade() -> None:
    # The plaintext names cannot be put back from the masked ones without decrypting
    # every row with the keys: restore the backup taken before upgrading instead.
    raise NotImplementedError("0005 keeps names sealed; restore a backup to go below it")
