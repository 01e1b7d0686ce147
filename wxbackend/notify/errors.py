"""Errors of the notice endpoints, with the message the user reads."""

from __future__ import annotations

from wxbackend.errors import Forbidden


class ConsentsOnlyFromMiniProgram(Forbidden):
    code = "notify_consents_mini_program_only"
    default_message = "订阅消息授权仅在小程序中使用。"
