"""The notice templates (templates.toml): loaded and checked once, rendered per notice."""

from __future__ import annotations

import re
import string
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wxbackend.notify.formatting import NoticeFormatError, field_type, format_value
from wxbackend.notify.kinds import SECURITY_KINDS, allowed_values

DEFAULT_FILE = Path(__file__).with_name("templates.toml")
_SMS_PARAM_MAX = 20  # Tencent Cloud SMS: a template variable of a notice is ≤ 20 characters


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WeChatTemplate(_Strict):
    template_id: str = Field(min_length=1, max_length=64)
    fields: dict[str, str] = Field(min_length=1)
    page: str | None = None  # mini-program page: subscribe messages, or a template's link

    @model_validator(mode="after")
    def _known_types(self) -> WeChatTemplate:
        for key in self.fields:
            field_type(key)
        return self


# Every notice SMS ends with how to stop it (the centre's SMS notices promise opt-out),
# except the security notices, which cannot be stopped and say what to do instead.
SMS_OPT_OUT = "不需要此类短信可在公众号“短信服务”中关闭"
SECURITY_LINE = "如非本人操作"


class SmsTemplate(_Strict):
    template_id: str = Field(min_length=1)
    params: list[str]
    # The body as registered in the Tencent SMS console ({1}, {2} … are the params): kept
    # here so a template that forgets the opt-out line (or, for a security notice, the
    # "not you?" line), or miscounts its params, is refused at start-up rather than found
    # by a holder.
    text: str = Field(min_length=1)

    @model_validator(mode="after")
    def _body_matches(self) -> SmsTemplate:
        slots = sorted({int(n) for n in re.findall(r"\{(\d+)\}", self.text)})
        if slots != list(range(1, len(self.params) + 1)):
            raise ValueError(
                f"SMS template {self.template_id}: the body's slots {slots} do not match "
                f"its {len(self.params)} params"
            )
        return self


class NoticeTemplates(_Strict):
    template: WeChatTemplate | None = None
    subscribe: WeChatTemplate | None = None
    sms: SmsTemplate | None = None


class TemplateBook(_Strict):
    kinds: dict[str, NoticeTemplates]

    def for_kind(self, kind: str) -> NoticeTemplates:
        return self.kinds.get(kind) or NoticeTemplates()

    @property
    def subscribe_template_ids(self) -> frozenset[str]:
        return frozenset(t.subscribe.template_id for t in self.kinds.values() if t.subscribe)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_sms_body(kind: str, sms: SmsTemplate) -> None:
    """Opt-out SMS say how to stop them; security SMS cannot be stopped and say so not."""
    if kind in SECURITY_KINDS:
        if SMS_OPT_OUT in sms.text or SECURITY_LINE not in sms.text:
            raise ValueError(
                f"{kind}: a security SMS ({sms.template_id}) carries {SECURITY_LINE!r} "
                f"and not the opt-out line"
            )
    elif SMS_OPT_OUT not in sms.text:
        raise ValueError(f"SMS template {sms.template_id}: the body lacks {SMS_OPT_OUT!r}")


def _check(book: TemplateBook) -> None:
    for kind, templates in book.kinds.items():
        allowed = set(allowed_values(kind))
        if templates.sms is not None:
            _check_sms_body(kind, templates.sms)
        texts = [*(templates.sms.params if templates.sms else [])]
        for wechat in (templates.template, templates.subscribe):
            if wechat is not None:
                texts += [*wechat.fields.values(), wechat.page or ""]
        for text in texts:
            unknown = _placeholders(text) - allowed
            if unknown:
                raise ValueError(f"{kind}: unknown values {sorted(unknown)} in {text!r}")


def parse_templates(raw: dict[str, object]) -> TemplateBook:
    book = TemplateBook.model_validate({"kinds": raw})
    _check(book)
    return book


@lru_cache(maxsize=4)
def load_templates(path: str = "") -> TemplateBook:
    """The templates file (empty: the shipped one), validated; raises on any mistake."""
    with (Path(path) if path else DEFAULT_FILE).open("rb") as file:
        return parse_templates(tomllib.load(file))


def render_fields(template: WeChatTemplate, values: dict[str, str]) -> dict[str, str]:
    """WeChat data for one message, every value cut to its type's limits."""
    return {
        key: format_value(key, text.format_map(values)) for key, text in template.fields.items()
    }


def render_sms(template: SmsTemplate, values: dict[str, str]) -> list[str]:
    params = [" ".join(text.format_map(values).split()) for text in template.params]
    return [p if len(p) <= _SMS_PARAM_MAX else p[: _SMS_PARAM_MAX - 1] + "…" for p in params]


__all__ = [
    "NoticeFormatError",
    "NoticeTemplates",
    "SmsTemplate",
    "TemplateBook",
    "WeChatTemplate",
    "load_templates",
    "parse_templates",
    "render_fields",
    "render_sms",
]
