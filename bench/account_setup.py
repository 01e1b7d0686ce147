"""A bound official-account follower with a changed password, for the 账户查询 bench.

Writes one employer, one account with 12 deposits, its binding and credential straight
through the ledger service and the models (the signing flow needs SMS and face fakes).
"""

from __future__ import annotations

import secrets
from datetime import date

from wxbackend import clock
from wxbackend.bind.models import Binding, Credential
from wxbackend.bind.passwords import hash_password
from wxbackend.config import Settings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus
from wxbackend.security.pii import Vault


async def bound_follower(settings: Settings) -> str:
    """Create the follower; returns its official-account openid."""
    engine = create_engine(settings.database)
    vault = Vault.from_settings(settings.security)
    n = secrets.randbelow(10**9)
    openid = f"o-bench-bound-{n}"
    today = clock.today_in_china()
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            employer = await fund.add_employer(
                session, code=f"B{n}", name="成都基准测试科技有限公司", credit_code=None,
                district="锦江区",
            )  # fmt: skip
            account = await fund.open_account(
                session, vault, account_no=f"9{n:011d}",
                identity=fund.Identity("王建国", make_id_no("510104", date(1982, 3, 15), n % 1000)),
                mobile=f"139{n % 10**8:08d}", employer_id=employer.id,
                status=AccountStatus.NORMAL, deposit_base=800_000, employer_ratio_bp=1200,
                employee_ratio_bp=1200, opened_on=date(today.year - 3, 1, 1),
            )  # fmt: skip
            for back in range(12, 0, -1):
                index = today.year * 12 + today.month - 1 - back
                month = date(index // 12, index % 12 + 1, 1)
                await fund.post_deposit(
                    session, account=account, month=month, posted_on=month.replace(day=15)
                )
            session.add(Binding(account_id=account.id, channel=Channel.OFFICIAL_ACCOUNT,
                                openid=openid, unionid=None))  # fmt: skip
            session.add(Credential(account_id=account.id, is_initial=False,
                                   password_hash=await hash_password("258369")))  # fmt: skip
    finally:
        await engine.dispose()
    return openid
