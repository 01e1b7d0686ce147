"""SQL for signings, bindings and credentials."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.bind.models import Binding, Credential, Purpose, Signing
from wxbackend.enums import Channel
from wxbackend.fund.models import AccountStatus, FundAccount
from wxbackend.fund.rows import AccountRow
from wxbackend.reads import ReadOnlyDatabase


async def open_signing(
    session: AsyncSession, *, purpose: Purpose, channel: Channel, openid: str
) -> Signing | None:
    """The newest unfinished procedure of this purpose for this WeChat user."""
    return await session.scalar(
        select(Signing)
        .where(
            Signing.purpose == purpose,
            Signing.channel == channel,
            Signing.openid == openid,
            Signing.completed_at.is_(None),
        )
        .order_by(Signing.id.desc())
        .limit(1)
    )


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def binding_for_openid(
    session: AsyncSession, *, channel: Channel, openid: str
) -> Binding | None:
    return await session.scalar(
        select(Binding).where(Binding.channel == channel, Binding.openid == openid)
    )


# The caller's account by its binding, built once: every account question starts here, and
# a statement object built once keeps its SQLAlchemy cache key (no rebuild per request).
_BOUND_ACCOUNT = (
    select(FundAccount)
    .join(Binding, Binding.account_id == FundAccount.id)
    .where(Binding.channel == bindparam("channel"), Binding.openid == bindparam("openid"))
)
_BOUND_ACCOUNT_AND_CREDENTIAL = (
    select(FundAccount, Credential.is_initial)
    .join(Binding, Binding.account_id == FundAccount.id)
    .outerjoin(Credential, Credential.account_id == FundAccount.id)
    .where(Binding.channel == bindparam("channel"), Binding.openid == bindparam("openid"))
)


async def account_for_openid(
    session: AsyncSession, *, channel: Channel, openid: str
) -> FundAccount | None:
    """The fund account bound to this openid, in one statement (binding joined to account)."""
    params = {"channel": channel, "openid": openid}
    return (await session.execute(_BOUND_ACCOUNT, params)).scalar_one_or_none()


async def account_and_credential_for_openid(
    session: AsyncSession, *, channel: Channel, openid: str
) -> tuple[FundAccount, bool | None] | None:
    """The bound account and whether its password is initial (None: no password), at once."""
    params = {"channel": channel, "openid": openid}
    row = (await session.execute(_BOUND_ACCOUNT_AND_CREDENTIAL, params)).one_or_none()
    return None if row is None else (row[0], row[1])


# The same question on the read-only connections (PostgreSQL; wxbackend/reads.py), as a
# prepared statement: every 账户查询 click asks it.
_BOUND_ACCOUNT_ROW = """
SELECT a.id, a.account_no, a.name_masked, a.employer_id, a.status, a.deposit_base,
       a.employer_ratio_bp, a.employee_ratio_bp, a.paid_up_to, a.opened_on, a.balance,
       c.is_initial
FROM binding b
JOIN fund_account a ON a.id = b.account_id
LEFT JOIN credential c ON c.account_id = a.id
WHERE b.channel = $1 AND b.openid = $2
"""


async def account_row_for_openid(
    db: ReadOnlyDatabase, *, channel: Channel, openid: str
) -> tuple[AccountRow, bool | None] | None:
    """As `account_and_credential_for_openid`, read from the latest committed rows."""
    row = await db.fetchrow(_BOUND_ACCOUNT_ROW, channel.value, openid)
    if row is None:
        return None
    account = AccountRow(
        id=row["id"],
        account_no=row["account_no"],
        name_masked=row["name_masked"],
        employer_id=row["employer_id"],
        status=AccountStatus(row["status"]),
        deposit_base=row["deposit_base"],
        employer_ratio_bp=row["employer_ratio_bp"],
        employee_ratio_bp=row["employee_ratio_bp"],
        paid_up_to=row["paid_up_to"],
        opened_on=row["opened_on"],
        balance=row["balance"],
    )
    return account, row["is_initial"]


async def bindings_for_account(session: AsyncSession, account_id: int) -> Sequence[Binding]:
    result = await session.scalars(select(Binding).where(Binding.account_id == account_id))
    return result.all()


async def remove_binding(session: AsyncSession, binding_id: int) -> None:
    await session.execute(delete(Binding).where(Binding.id == binding_id))
    await session.flush()


async def get_credential(session: AsyncSession, account_id: int) -> Credential | None:
    return await session.get(Credential, account_id)


async def credentials_for(
    session: AsyncSession, account_ids: Sequence[int]
) -> dict[int, Credential]:
    if not account_ids:
        return {}
    rows = await session.scalars(select(Credential).where(Credential.account_id.in_(account_ids)))
    return {c.account_id: c for c in rows}
