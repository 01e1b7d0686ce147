"""Reply → passive-reply XML (plaintext; safe mode encrypts it afterwards)."""

from __future__ import annotations

from wxbackend.handlers.messages import (
    InboundMessage,
    NewsReply,
    Reply,
    TextReply,
    truncate_utf8,
)

# WeChat: an empty body or "success" means "no reply" and stops its retries.
NO_REPLY = "success"


def cdata(value: str) -> str:
    # "]]>" would end the section early; split it across two sections.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_reply(reply: Reply, *, to: InboundMessage, now: int) -> str:
    """The reply to `to`: addressed back to the sender, from our account."""
    head = (
        f"<ToUserName>{cdata(to.from_user)}</ToUserName>"
        f"<FromUserName>{cdata(to.to_user)}</FromUserName>"
        f"<CreateTime>{now}</CreateTime>"
    )
    if isinstance(reply, TextReply):
        text = cdata(truncate_utf8(reply.text))
        body = f"<MsgType>{cdata('text')}</MsgType><Content>{text}</Content>"
    elif isinstance(reply, NewsReply):
        items = "".join(
            "<item>"
            f"<Title>{cdata(a.title)}</Title><Description>{cdata(a.description)}</Description>"
            f"<PicUrl>{cdata(a.pic_url)}</PicUrl><Url>{cdata(a.url)}</Url>"
            "</item>"
            for a in reply.articles
        )
        body = (
            f"<MsgType>{cdata('news')}</MsgType>"
            f"<ArticleCount>{len(reply.articles)}</ArticleCount><Articles>{items}</Articles>"
        )
    else:  # pragma: no cover - Reply is a closed union
        raise TypeError(type(reply))
    return f"<xml>{head}{body}</xml>"
