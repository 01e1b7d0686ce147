"""One attempt at one notice: the user's channels in order, each send's answer classified.

Official-account template message first (idempotent through client_msg_id), then the
mini-program subscribe message (needs a consent left), then SMS. A channel that refuses
for good (no consent, invalid openid, blocked) moves on to the next; a transient failure
(-1, timeout, rate limit) ends the attempt, to be retried later on the same best channel.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import structlog

from wxbackend.errors import DomainError
from wxbackend.notify.kinds import LATE_REPLY, MOBILE_FIRST, SMS_TOPICS
from wxbackend.notify.models import NoticeChannel
from wxbackend.notify.templates import (
    NoticeFormatError,
    NoticeTemplates,
    render_fields,
    render_sms,
)
from wxbackend.sms.gateway import SmsInvalidPhone, SmsSender
from wxbackend.wechat.gateway import MiniProgramApi, OfficialAccountApi, WeChatApiError

log = structlog.get_logger(__name__)

# https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
# https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
NO_CONSENT = 43101  # refused, or no one-time consent left
MOVE_ON = frozenset(
    {
        40003,  # invalid openid (e.g. the binding is stale)
        40037,  # invalid template_id (configuration)
        41030,  # invalid page (configuration)
        43004,  # the user no longer follows the official account
        43019,  # the user blocked the official account
        NO_CONSENT,
        47003,  # bad data (formatting should make this impossible)
    }
)


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # this channel cannot carry it: try the next
    RETRY = "retry"  # transient: stop, try again later


@dataclass(frozen=True, slots=True)
class Notice:
    """What one attempt needs of an outbox row."""

    id: int
    kind: str
    values: dict[str, str]
    link_path: str | None
    attempt: int

    @property
    def client_msg_id(self) -> str:
        return f"outbox-{self.id}"


@dataclass(frozen=True, slots=True)
class Recipient:
    oa_openid: str | None = None
    mp_openid: str | None = None
    consents: dict[str, int] = field(default_factory=dict)
    mobile: str | None = None
    # SMS topics the holder turned off ("deposit", "withdrawal"): those SMS are not sent.
    sms_off: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ChannelResult:
    channel: NoticeChannel
    outcome: Outcome
    detail: str = ""
    msgid: int | None = None
    consent_template: str | None = None  # the subscribe template used or found exhausted
    errcode: int | None = None


@dataclass(frozen=True, slots=True)
class Senders:
    oa: OfficialAccountApi
    mp: MiniProgramApi
    sms: SmsSender
    public_base_url: str
    mp_app_id: str


def _wechat_failure(channel: NoticeChannel, exc: WeChatApiError, template: str) -> ChannelResult:
    outcome = Outcome.SKIPPED if exc.errcode in MOVE_ON else Outcome.RETRY
    return ChannelResult(
        channel,
        outcome,
        f"{channel.value} errcode {exc.errcode}",
        consent_template=template,
        errcode=exc.errcode,
    )


async def _template(
    senders: Senders, notice: Notice, templates: NoticeTemplates, openid: str
) -> ChannelResult:
    config = templates.template
    assert config is not None  # noqa: S101 - checked by the caller
    data = render_fields(config, notice.values)
    url = f"{senders.public_base_url}{notice.link_path}" if notice.link_path else None
    page = {"appid": senders.mp_app_id, "pagepath": config.page} if config.page else None
    try:
        msgid = await senders.oa.send_template(
            openid=openid,
            template_id=config.template_id,
            data=data,
            client_msg_id=notice.client_msg_id,
            url=url,
            miniprogram=page,
        )
    except WeChatApiError as exc:
        return _wechat_failure(NoticeChannel.TEMPLATE, exc, config.template_id)
    return ChannelResult(NoticeChannel.TEMPLATE, Outcome.SENT, msgid=msgid)


async def _subscribe(
    senders: Senders, notice: Notice, templates: NoticeTemplates, openid: str
) -> ChannelResult:
    config = templates.subscribe
    assert config is not None  # noqa: S101 - checked by the caller
    data = render_fields(config, notice.values)
    try:
        await senders.mp.send_subscribe(
            openid=openid, template_id=config.template_id, data=data, page=config.page
        )
    except WeChatApiError as exc:
        return _wechat_failure(NoticeChannel.SUBSCRIBE, exc, config.template_id)
    return ChannelResult(NoticeChannel.SUBSCRIBE, Outcome.SENT, consent_template=config.template_id)


async def _sms(
    senders: Senders, notice: Notice, templates: NoticeTemplates, mobile: str
) -> ChannelResult:
    config = templates.sms
    assert config is not None  # noqa: S101 - checked by the caller
    params = render_sms(config, notice.values)
    try:
        await senders.sms.send(phone=mobile, params=params, template_id=config.template_id)
    except SmsInvalidPhone as exc:
        return ChannelResult(NoticeChannel.SMS, Outcome.SKIPPED, f"sms {exc.code}")
    except DomainError as exc:
        return ChannelResult(NoticeChannel.SMS, Outcome.RETRY, f"sms {exc.code}")
    return ChannelResult(NoticeChannel.SMS, Outcome.SENT)


async def _one(
    channel: NoticeChannel,
    senders: Senders,
    notice: Notice,
    templates: NoticeTemplates,
    address: str,
) -> ChannelResult:
    try:
        if channel is NoticeChannel.TEMPLATE:
            return await _template(senders, notice, templates, address)
        if channel is NoticeChannel.SUBSCRIBE:
            return await _subscribe(senders, notice, templates, address)
        if channel is NoticeChannel.CUSTOM:
            await senders.oa.send_text(address, notice.values["text"])
            return ChannelResult(channel, Outcome.SENT)
        return await _sms(senders, notice, templates, address)
    except NoticeFormatError as exc:
        log.error("notify.bad_template", kind=notice.kind, channel=channel.value, error=str(exc))
        return ChannelResult(channel, Outcome.SKIPPED, f"{channel.value} format error")
    except Exception as exc:
        # An unexpected failure (network, SDK bug): the outcome is unknown, so retry the
        # same channel later — the template message's client_msg_id absorbs a resend.
        log.warning("notify.send_failed", channel=channel.value, error=type(exc).__name__)
        return ChannelResult(channel, Outcome.RETRY, f"{channel.value} {type(exc).__name__}")


def channels_for(
    templates: NoticeTemplates, recipient: Recipient, kind: str = ""
) -> list[tuple[NoticeChannel, str]]:
    """The channels that could carry this notice, best first, each with its address.

    WeChat first (template message, then subscribe message), then SMS; for the kinds in
    MOBILE_FIRST the SMS to the account's mobile leads and WeChat only stands in for it.
    """
    order: list[tuple[NoticeChannel, str]] = []
    if templates.template and recipient.oa_openid:
        order.append((NoticeChannel.TEMPLATE, recipient.oa_openid))
    subscribe = templates.subscribe
    if subscribe and recipient.mp_openid and recipient.consents.get(subscribe.template_id, 0) > 0:
        order.append((NoticeChannel.SUBSCRIBE, recipient.mp_openid))
    declined = SMS_TOPICS.get(kind) in recipient.sms_off
    if templates.sms and recipient.mobile and not declined:
        sms = (NoticeChannel.SMS, recipient.mobile)
        order = [sms, *order] if kind in MOBILE_FIRST else [*order, sms]
    return order


async def send_best(
    senders: Senders, notice: Notice, templates: NoticeTemplates, recipient: Recipient
) -> list[ChannelResult]:
    """Try the channels in order until one sends or one fails transiently."""
    results: list[ChannelResult] = []
    if notice.kind == LATE_REPLY:
        # Only where the user wrote, within WeChat's 48 h customer-service window.
        order = [(NoticeChannel.CUSTOM, recipient.oa_openid)] if recipient.oa_openid else []
    else:
        order = channels_for(templates, recipient, notice.kind)
    for channel, address in order:
        result = await _one(channel, senders, notice, templates, address)
        results.append(result)
        log.info(
            "notify.channel",
            notice_id=notice.id,
            kind=notice.kind,
            channel=channel.value,
            outcome=result.outcome.value,
            detail=result.detail,
        )
        if result.outcome is not Outcome.SKIPPED:
            break
    return results
