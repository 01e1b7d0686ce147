"""Account queries in the official account: 账户查询, 缴存明细, 提取进度, 贷款查询.

Bound followers get a short summary and a link to the H5 page; unbound ones the way to
sign up and bind; holders of an initial password are asked to change it first. The
account is always the one bound to the sender's openid (`account.service`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.account import display, loans, service
from wxbackend.account.schemas import LoanRead, OverviewRead, RecentDeposits, WithdrawalPage
from wxbackend.bind.errors import NotBound
from wxbackend.bind.passwords import InitialPasswordMustChange
from wxbackend.clock import today_in_china
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.fund.models import AccountStatus, LoanStatus
from wxbackend.handlers import menu_keys
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.money import format_yuan
from wxbackend.withdraw import flows as withdraw_flows
from wxbackend.withdraw.models import WithdrawalStatus

RECENT_DEPOSITS = 6
RECENT_WITHDRAWALS = 3
# "Can I withdraw?": the caller's own precheck, before the general guide ("提取").
ELIGIBILITY_WORDS = ("我能提取吗", "能提取吗", "可以提取吗", "能不能提取", "能提多少", "可以提多少")
Summary = Callable[[AsyncSession, str, HandlerContext], Awaitable[str]]


def _link(ctx: HandlerContext, page: str, label: str) -> str:
    base = ctx.settings.server.public_base_url.rstrip("/")
    return f'<a href="{base}/h5/{page}">{label}</a>'


def _ratio(bp: int) -> str:
    return f"{Decimal(bp) / 100}%"


def _note(status: AccountStatus, note: str) -> list[str]:
    return [] if status is AccountStatus.NORMAL else ["", note]


async def _overview(session: AsyncSession, openid: str, ctx: HandlerContext) -> str:
    o: OverviewRead = await service.get_overview(
        session, channel=Channel.OFFICIAL_ACCOUNT, openid=openid, today=today_in_china()
    )
    return _overview_text(o, ctx)


def _overview_text(o: OverviewRead, ctx: HandlerContext) -> str:
    paid_up_to = display.month_text_of(o.paid_up_to) if o.paid_up_to else "暂无缴存"
    lines = [
        f"{o.name}的公积金账户",
        f"账户状态：{o.status_label}",
        f"账户余额：{format_yuan(o.balance)}",
        f"月缴存额：{format_yuan(o.monthly_amount)}"
        f"（单位{format_yuan(o.employer_monthly)}，个人{format_yuan(o.employee_monthly)}）",
        f"缴存基数：{format_yuan(o.deposit_base)}"
        f"，比例：单位{_ratio(o.employer_ratio_bp)}、个人{_ratio(o.employee_ratio_bp)}",
        f"缴至：{paid_up_to}",
        f"{o.year}年缴存：{format_yuan(o.year_deposits)}",
        f"缴存单位：{o.employer}",
        *_note(o.status, o.status_note),
        "",
        _link(ctx, "account", "查看账户详情"),
    ]
    return "\n".join(lines)


async def _deposits(session: AsyncSession, openid: str, ctx: HandlerContext) -> str:
    r: RecentDeposits = await service.recent_deposits(
        session,
        channel=Channel.OFFICIAL_ACCOUNT,
        openid=openid,
        limit=RECENT_DEPOSITS,
        today=today_in_china(),
    )
    lines = [f"{r.name}的最近缴存明细"]
    for d in r.items:
        lines.append(
            f"{display.month_text_of(d.month)} {format_yuan(d.amount)}"
            f"（单位{format_yuan(d.employer_amount)}，个人{format_yuan(d.employee_amount)}）"
        )
    if not r.items:
        lines.append("暂无缴存记录。")
    lines.append(f"{r.year}年已缴存{r.year_count}个月，合计{format_yuan(r.year_amount)}")
    lines += [*_note(r.status, r.status_note), "", _link(ctx, "deposits", "查看全部缴存明细")]
    return "\n".join(lines)


async def _withdrawals(session: AsyncSession, openid: str, ctx: HandlerContext) -> str:
    if ctx.withdraw_rules is None:
        raise RuntimeError("the handler context carries the app's withdrawal rules")
    page: WithdrawalPage = await service.list_withdrawals(
        session,
        rules=ctx.withdraw_rules,
        channel=Channel.OFFICIAL_ACCOUNT,
        openid=openid,
        page=1,
        size=RECENT_WITHDRAWALS,
    )
    lines = ["提取进度"]
    for w in page.items:
        lines.append(
            f"{display.date_text(w.applied_on)} {w.kind_name} {format_yuan(w.amount)}"
            f"：{w.status_label}"
        )
        if w.reason and w.status in (WithdrawalStatus.REJECTED, WithdrawalStatus.FAILED):
            lines.append(f"  原因：{w.reason}")
    if not page.items:
        lines.append("您还没有提取申请。")
    elif page.total > len(page.items):
        lines.append(f"共{page.total}笔，以上为最近{len(page.items)}笔。")
    lines += ["", _link(ctx, "withdrawals", "查看提取记录")]
    return "\n".join(lines)


async def _eligibility(session: AsyncSession, openid: str, ctx: HandlerContext) -> str:
    """The withdrawal precheck in words: what the caller may apply for today, and why not."""
    if ctx.withdraw_rules is None or ctx.vault is None:
        raise RuntimeError("the handler context carries the app's withdrawal rules and vault")
    kinds = await withdraw_flows.eligibility(
        session,
        ctx.vault,
        rules=ctx.withdraw_rules,
        channel=Channel.OFFICIAL_ACCOUNT,
        openid=openid,
    )
    allowed = [k for k in kinds if k.eligible]
    lines = ["您现在可以申请的提取" if allowed else "您现在暂不能申请提取"]
    for k in allowed:
        most = (
            f"全部余额{k.max_amount_text}，提取后销户"
            if k.closes_account
            else f"最多{k.max_amount_text}"
        )
        lines.append(f"· {k.name}：{most}")
    refused = [k for k in kinds if not k.eligible]
    if refused:
        lines += ["", "暂不能申请" if allowed else "原因"]
        lines += [f"· {k.name}：{k.reason}" for k in refused]
    lines.append("")
    if allowed:
        lines.append(_link(ctx, "withdrawals/new", "在线申请提取"))
    else:
        lines.append(f"如有疑问请拨打{ctx.settings.centre.hotlines}。")
    return "\n".join(lines)


def _loan_lines(loan: LoanRead) -> list[str]:
    lines = [
        f"合同号：{loan.contract_no}",
        f"贷款金额：{format_yuan(loan.principal)}，{loan.term_months}期，"
        f"年利率{_ratio(loan.annual_rate_bp)}，{loan.method_label}",
        f"已还期数：{loan.periods_paid}/{loan.term_months}",
        f"剩余本金：{format_yuan(loan.remaining_principal)}",
    ]
    if loan.next_due_date and loan.next_due_amount is not None:
        lines.append(
            f"下次还款：{display.date_text(loan.next_due_date)} {format_yuan(loan.next_due_amount)}"
        )
    if loan.periods_overdue:
        lines.append(
            f"⚠ 已逾期{loan.periods_overdue}期，合计{format_yuan(loan.overdue_amount)}。"
            "请尽快存入还款账户，逾期将产生罚息并影响征信，且暂停办理公积金提取。"
        )
    return lines


async def _loan(session: AsyncSession, openid: str, ctx: HandlerContext) -> str:
    found = await loans.list_loans(session, channel=Channel.OFFICIAL_ACCOUNT, openid=openid)
    active = [loan for loan in found.items if loan.status is LoanStatus.ACTIVE]
    if not active:
        return "您名下暂无正在还款的公积金贷款。\n回复“贷款”查看贷款办事指南。"
    lines = ["公积金贷款"]
    for loan in active:
        lines += _loan_lines(loan)
    lines += ["", _link(ctx, "loan", "查看还款计划")]
    return "\n".join(lines)


async def _answer(summary: Summary, message: InboundMessage, ctx: HandlerContext) -> Reply:
    if ctx.sessionmaker is None:  # no database (handler unit tests): unbound
        return TextReply(ctx.content["binding"])
    try:
        async with session_scope(ctx.sessionmaker) as session:
            text = await summary(session, message.openid, ctx)
    except NotBound:
        return TextReply(ctx.content["binding"])
    except InitialPasswordMustChange:
        return TextReply(ctx.content["account_initial_password"])
    return TextReply(text)


async def account_query_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """账户查询: balance, status, monthly amount, paid-up-to month."""
    if ctx.reader is None:
        return await _answer(_overview, message, ctx)
    # The most asked question: on the read-only connections, without a unit of work.
    try:
        o = await service.read_overview(
            ctx.reader, channel=Channel.OFFICIAL_ACCOUNT, openid=message.openid,
            today=today_in_china(),
        )  # fmt: skip
    except NotBound:
        return TextReply(ctx.content["binding"])
    except InitialPasswordMustChange:
        return TextReply(ctx.content["account_initial_password"])
    return TextReply(_overview_text(o, ctx))


async def deposit_details_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return await _answer(_deposits, message, ctx)


async def withdrawal_progress_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return await _answer(_withdrawals, message, ctx)


async def withdrawal_eligibility_reply(
    message: InboundMessage, ctx: HandlerContext
) -> Reply | None:
    return await _answer(_eligibility, message, ctx)


async def loan_query_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return await _answer(_loan, message, ctx)


def register(registry: HandlerRegistry) -> None:
    # Registered before the guides: "提取进度" is a query, a bare "提取" the guide. Within
    # this module the specific words come first ("提取进度查询" is about withdrawals).
    registry.on_keyword(*ELIGIBILITY_WORDS)(withdrawal_eligibility_reply)
    registry.on_menu_key(menu_keys.WITHDRAWAL_PROGRESS)(withdrawal_progress_reply)
    registry.on_keyword("提取进度", "提取记录", "我的提取")(withdrawal_progress_reply)
    registry.on_menu_key(menu_keys.LOAN_QUERY)(loan_query_reply)
    registry.on_keyword("贷款查询", "我的贷款", "还款计划", "贷款余额")(loan_query_reply)
    registry.on_menu_key(menu_keys.DEPOSIT_DETAILS)(deposit_details_reply)
    registry.on_keyword("缴存明细", "缴存记录")(deposit_details_reply)
    registry.on_menu_key(menu_keys.ACCOUNT_QUERY)(account_query_reply)
    registry.on_keyword("余额", "账户查询")(account_query_reply)
    registry.on_keyword("明细")(deposit_details_reply)
    registry.on_keyword("查询", "账户")(account_query_reply)
    # Reads of the caller's own account, changing nothing: a resent delivery may read again.
    registry.mark_repeatable(
        account_query_reply,
        deposit_details_reply,
        withdrawal_progress_reply,
        loan_query_reply,
        withdrawal_eligibility_reply,
    )
