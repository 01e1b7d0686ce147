"""Test-data builders: valid, unique employers and accounts in one call.

employer = await make_employer(session)
account = await make_account(session, vault, months_of_deposits=6, deposit_base=800_000)
"""

from __future__ import annotations

import itertools
import secrets
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import clock
from wxbackend.cards.luhn import make_card_no
from wxbackend.cards.models import BankCard
from wxbackend.fund import service
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus, Employer, FundAccount
from wxbackend.sandbox.bank_state import SUFFIX_KINDS
from wxbackend.security.pii import Vault

# A random start per test process: data committed by one run never collides with another's.
_numbers = itertools.count(secrets.randbelow(10_000_000))


def next_number() -> int:
    """A number no other call in this test process returns."""
    return next(_numbers)


def valid_id_no(n: int, *, area: str = "510104") -> str:
    """A valid 18-digit ID number, different for every n below 20,000,000."""
    born = date(1960, 1, 1) + timedelta(days=(n // 1000) % 14_000)
    return make_id_no(area, born, n % 1000)


def valid_mobile(n: int) -> str:
    return f"139{n % 100_000_000:08d}"


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


async def make_employer(session: AsyncSession, **overrides: Any) -> Employer:
    n = next_number()
    fields: dict[str, Any] = {
        "code": f"T{n:09d}",
        "name": "成都测试科技有限公司",
        "credit_code": None,
        "district": "锦江区",
    }
    fields.update(overrides)
    return await service.add_employer(session, **fields)


async def make_account(
    session: AsyncSession,
    vault: Vault,
    *,
    months_of_deposits: int = 0,
    **overrides: Any,
) -> FundAccount:
    """Open an account (unique account_no and ID number); optionally post N deposits.

    Overrides are open_account's keywords, plus `name` and `id_no` for the identity. The
    deposits are the N months before the current one, posted on the 15th, through
    fund.service.post_deposit, so the journal and balance are real.
    """
    n = next_number()
    today = clock.today_in_china()
    if "employer_id" not in overrides:
        overrides["employer_id"] = (await make_employer(session)).id
    identity = service.Identity(
        name=overrides.pop("name", "张三"), id_no=overrides.pop("id_no", valid_id_no(n))
    )
    fields: dict[str, Any] = {
        "account_no": f"8{n:011d}",
        "mobile": valid_mobile(n),
        "status": AccountStatus.NORMAL,
        "deposit_base": 800_000,
        "employer_ratio_bp": 1200,
        "employee_ratio_bp": 1200,
        "opened_on": month_start(today, max(36, months_of_deposits + 1)),
        "opening_balance": 0,
    }
    fields.update(overrides)
    account = await service.open_account(session, vault, identity=identity, **fields)
    for back in range(months_of_deposits, 0, -1):
        month = month_start(today, back)
        await service.post_deposit(
            session, account=account, month=month, posted_on=month.replace(day=15)
        )
    await session.refresh(account)
    return account


def luhn_complete(prefix: str, length: int = 19) -> str:
    """A card number of `length` digits starting with `prefix` that passes the Luhn check,
    and an ordinary one: never a last four the sandbox bank reads as Type-II, closed or
    frozen (…2222, …0000, …9999), whichever serial this test process is at."""
    while True:
        number = make_card_no(prefix, next_number(), length=length)
        if number[-4:] not in SUFFIX_KINDS:
            return number


async def make_card(
    session: AsyncSession, vault: Vault, account: FundAccount, *, card_no: str | None = None
) -> BankCard:
    """An active, verified Type-I card (ICBC debit BIN unless given) for the account."""
    from wxbackend.cards.models import CardStatus
    from wxbackend.security.masking import mask_card_no

    number = card_no or luhn_complete("622202")
    sealed = vault.seal(number)
    card = BankCard(
        account_id=account.id,
        bank_code="ICBC",
        card_no_enc=sealed.blob,
        card_no_hash=vault.lookup_hash("card_no", number),
        pii_key_id=sealed.key_id,
        masked=mask_card_no(number),
        status=CardStatus.ACTIVE,
        type1_confirmed_at=clock.now(),
        verified_at=clock.now(),
    )
    session.add(card)
    await session.flush()
    return card
