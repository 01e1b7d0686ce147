"""The binding lookups every account question starts with (one statement each)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_account, next_number
from wxbackend.bind import repository as repo
from wxbackend.bind.models import Binding, Credential
from wxbackend.enums import Channel
from wxbackend.fund.models import FundAccount
from wxbackend.security.pii import Vault


async def _bind(session: AsyncSession, account: FundAccount, channel: Channel) -> str:
    openid = f"o-repo-{next_number()}"
    await repo.add(
        session, Binding(account_id=account.id, channel=channel, openid=openid, unionid=None)
    )
    return openid


async def test_account_for_openid_finds_only_the_bound_account(
    session: AsyncSession, vault: Vault
) -> None:
    mine = await make_account(session, vault, name="王建国")
    other = await make_account(session, vault, name="李四")
    openid = await _bind(session, mine, Channel.OFFICIAL_ACCOUNT)
    other_openid = await _bind(session, other, Channel.OFFICIAL_ACCOUNT)

    found = await repo.account_for_openid(session, channel=Channel.OFFICIAL_ACCOUNT, openid=openid)
    assert found is not None
    assert found.id == mine.id
    found_other = await repo.account_for_openid(
        session, channel=Channel.OFFICIAL_ACCOUNT, openid=other_openid
    )
    assert found_other is not None
    assert found_other.id == other.id
    # The same openid on another channel is another WeChat user.
    assert (
        await repo.account_for_openid(session, channel=Channel.MINI_PROGRAM, openid=openid) is None
    )
    assert (
        await repo.account_for_openid(session, channel=Channel.OFFICIAL_ACCOUNT, openid="o-nobody")
        is None
    )


async def test_account_and_credential_for_openid_reports_the_password_state(
    session: AsyncSession, vault: Vault
) -> None:
    account = await make_account(session, vault)
    openid = await _bind(session, account, Channel.OFFICIAL_ACCOUNT)
    lookup = {"channel": Channel.OFFICIAL_ACCOUNT, "openid": openid}

    found = await repo.account_and_credential_for_openid(session, **lookup)
    assert found is not None
    assert found[0].id == account.id
    assert found[1] is None

    credential = Credential(account_id=account.id, password_hash="x", is_initial=True)
    await repo.add(session, credential)
    found = await repo.account_and_credential_for_openid(session, **lookup)
    assert found is not None
    assert found[1] is True

    credential.is_initial = False
    await session.flush()
    found = await repo.account_and_credential_for_openid(session, **lookup)
    assert found is not None
    assert found[1] is False


async def test_lookups_after_unbinding_find_nothing(session: AsyncSession, vault: Vault) -> None:
    account = await make_account(session, vault)
    openid = await _bind(session, account, Channel.OFFICIAL_ACCOUNT)
    await repo.add(session, Credential(account_id=account.id, password_hash="x", is_initial=False))
    binding = await repo.binding_for_openid(
        session, channel=Channel.OFFICIAL_ACCOUNT, openid=openid
    )
    assert binding is not None

    await repo.remove_binding(session, binding.id)

    lookup = {"channel": Channel.OFFICIAL_ACCOUNT, "openid": openid}
    assert await repo.account_for_openid(session, **lookup) is None
    assert await repo.account_and_credential_for_openid(session, **lookup) is None
