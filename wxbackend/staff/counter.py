"""The service hall's counter: a depositor stands there with their ID card.

Every action needs the counter clerk's confirmation that they checked the ID card in
person, names the account it acts on, and is audited with the clerk as the actor. The
account is found only by an exact ID number (through its keyed hash), never by a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.bind import binding as bindings
from wxbackend.bind import notices as bind_notices
from wxbackend.bind import unbinding
from wxbackend.bind.initial import reissue_initial_password
from wxbackend.bind.models import Binding
from wxbackend.bind.passwords import Lockout
from wxbackend.cards import service as cards
from wxbackend.cards.models import BankCard
from wxbackend.clock import now
from wxbackend.config_features import SigningSettings
from wxbackend.errors import InvalidInput, NotFound
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import is_valid_id_no, normalise_id_no
from wxbackend.fund.models import FundAccount
from wxbackend.notify.service import enqueue_security_notice
from wxbackend.security.pii import Vault
from wxbackend.staff import roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.errors import CounterCheckMissing
from wxbackend.staff.roles import Capability
from wxbackend.store import Store


@dataclass(frozen=True, slots=True)
class CounterAccount:
    """What the counter sees of an account: masked, plus what it can act on."""

    account: FundAccount
    bindings: list[Binding]
    cards: list[BankCard]
    locked_for_s: float | None


@dataclass(frozen=True, slots=True)
class PasswordSlip:
    account_no: str
    name_masked: str
    password: str  # shown once, on the printed slip; never stored in clear
    staff: str


class CounterAccountNotFound(NotFound):
    code = "staff.counter_account_not_found"
    default_message = "未找到该身份证号对应的公积金账户。"


def _lockout(store: Store, settings: SigningSettings) -> Lockout:
    return Lockout(
        store, max_failures=settings.password_max_failures, lock_s=settings.password_lock_s
    )


def ensure_counter(staff: Staff) -> None:
    roles.ensure(staff.role, Capability.COUNTER)


def _checked(staff: Staff, identity_checked: bool) -> None:
    roles.ensure(staff.role, Capability.COUNTER)
    if not identity_checked:
        raise CounterCheckMissing(field="identity_checked")


def _audit(audit: AuditTrail, action: str, staff: Staff, account_id: int, reason: str) -> None:
    audit.record(
        action, AuditOutcome.OK, staff_actor=staff.actor, account_id=account_id, reason=reason
    )


async def find_by_id_no(
    session: AsyncSession, *, vault: Vault, audit: AuditTrail, staff: Staff, id_no: str
) -> list[FundAccount]:
    """Exact match on the ID number (its keyed hash); every lookup is audited."""
    roles.ensure(staff.role, Capability.COUNTER)
    id_no = normalise_id_no(id_no)
    if not is_valid_id_no(id_no):
        raise InvalidInput("请输入正确的18位身份证号码。", field="id_no")
    accounts = await fund.find_accounts_by_id_no(session, vault, id_no)
    audit.record(
        "staff.counter_lookup",
        AuditOutcome.OK if accounts else AuditOutcome.REFUSED,
        staff_actor=staff.actor,
        account_id=accounts[0].id if len(accounts) == 1 else None,
        reason=f"found:{len(accounts)}",
    )
    return accounts


async def account_at_counter(
    session: AsyncSession, *, store: Store, settings: SigningSettings, staff: Staff, account_id: int
) -> CounterAccount:
    roles.ensure(staff.role, Capability.COUNTER)
    account = await fund.get_account(session, account_id)
    if account is None:
        raise CounterAccountNotFound()
    return CounterAccount(
        account=account,
        bindings=await bindings.bindings_of_account(session, account.id),
        cards=await cards.cards_of_account(session, account.id),
        locked_for_s=await _lockout(store, settings).locked_for_s(account.id),
    )


async def reset_query_password(
    session: AsyncSession,
    *,
    store: Store,
    settings: SigningSettings,
    audit: AuditTrail,
    staff: Staff,
    account_id: int,
    identity_checked: bool,
) -> PasswordSlip:
    """A new initial password (changed at first use), and the lock lifted with it."""
    _checked(staff, identity_checked)
    account = await fund.get_account(session, account_id)
    if account is None:
        raise CounterAccountNotFound()
    password = await reissue_initial_password(session, account_id=account.id)
    await enqueue_security_notice(
        session,
        account_id=account.id,
        kind="password_reset",
        values={"how": "在柜台"},
        dedup_key=bind_notices.password_key(account.id, now()),
    )
    await _lockout(store, settings).unlock(account.id)
    _audit(audit, "staff.counter_password_reset", staff, account.id, "initial_password_issued")
    return PasswordSlip(account.account_no, account.name_masked, password, staff.username)


async def unlock_account(
    session: AsyncSession,
    *,
    store: Store,
    settings: SigningSettings,
    audit: AuditTrail,
    staff: Staff,
    account_id: int,
    identity_checked: bool,
) -> None:
    _checked(staff, identity_checked)
    account = await fund.get_account(session, account_id)
    if account is None:
        raise CounterAccountNotFound()
    await _lockout(store, settings).unlock(account.id)
    _audit(audit, "staff.counter_unlock", staff, account.id, "password_lock_lifted")


async def unbind_openid(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    staff: Staff,
    account_id: int,
    binding_id: int,
    identity_checked: bool,
) -> None:
    """A lost phone: its openid no longer reaches the account."""
    _checked(staff, identity_checked)
    binding = await unbinding.unbind_by_staff(
        session, audit=audit, staff_actor=staff.actor, account_id=account_id, binding_id=binding_id
    )
    # The holder hears of it on their mobile (kinds.MOBILE_FIRST), like a self-service one.
    await enqueue_security_notice(
        session,
        account_id=account_id,
        kind="account_unbound",
        values=bind_notices.unbound_values(binding, by="柜台"),
        dedup_key=bind_notices.unbound_key(binding),
    )


async def invalidate_card(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    staff: Staff,
    account_id: int,
    card_id: int,
    identity_checked: bool,
) -> None:
    _checked(staff, identity_checked)
    await cards.invalidate_card(session, account_id=account_id, card_id=card_id)
    _audit(audit, "staff.counter_card_invalid", staff, account_id, f"card:{card_id}")
