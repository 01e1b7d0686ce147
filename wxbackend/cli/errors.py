"""Operator commands fail in one English line: what failed, why, what to do; exit non-zero.

Commands raise `CliFailure` for failures they can explain; the root command group
(`FailInOneLine`) turns it, and every other exception, into that line on stderr.
`wxbackend --traceback ...` shows the traceback instead, for a bug report.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

import typer
from pydantic import ValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from typer.core import TyperGroup

from wxbackend.errors import DomainError
from wxbackend.wechat.gateway import WeChatApiError

# WeChat's errcodes an operator meets, in its documentation's words, and what to do.
# https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
WECHAT_ERRCODES: dict[int, tuple[str, str]] = {
    -1: (
        "WeChat is busy or could not be reached",
        "check WXB_WECHAT__API_BASE_URL (in development: is `wxbackend serve` running?), "
        "then try again in a minute",
    ),
    40001: (
        "invalid credential: the access_token is invalid or the AppSecret is wrong",
        "check WXB_WECHAT__OA__APP_ID and WXB_WECHAT__OA__APP_SECRET, and that no other "
        "system fetches tokens with /cgi-bin/token for this account",
    ),
    40013: ("invalid AppID", "check WXB_WECHAT__OA__APP_ID"),
    40014: ("invalid access_token", "try again; check that the AppSecret is current"),
    40016: ("invalid number of buttons (1-3 top-level)", "fix menus/official_account.toml"),
    40017: ("invalid button type", "fix menus/official_account.toml"),
    40018: (
        "invalid button name length (top-level <= 16 bytes, sub-buttons <= 60)",
        "shorten the name in menus/official_account.toml, then `wxbackend menu validate`",
    ),
    40019: ("invalid button key length (<= 128 bytes)", "fix menus/official_account.toml"),
    40020: ("invalid button URL length (<= 1024 bytes)", "fix menus/official_account.toml"),
    40023: ("invalid number of sub-buttons (<= 5)", "fix menus/official_account.toml"),
    40125: ("invalid AppSecret", "check WXB_WECHAT__OA__APP_SECRET"),
    40164: (
        "this server's IP is not on the account's API whitelist",
        "add it in the official-account admin console (基本配置 -> IP白名单)",
    ),
    40165: ("invalid mini-program appid or pagepath", "fix menus/official_account.toml"),
    41001: ("access_token missing", "try again; this is a bug if it persists"),
    42001: ("access_token expired", "try again (a new token is fetched)"),
    45009: ("the API's daily quota is used up", "try again tomorrow"),
    48001: ("the account is not authorised for this API", "check the account's permissions"),
}


class CliFailure(Exception):
    """A failure the operator can act on: `problem` and `hint` make the one line."""

    def __init__(self, problem: str, hint: str = "", *, exit_code: int = 1) -> None:
        self.problem = problem
        self.hint = hint
        self.exit_code = exit_code
        super().__init__(problem)

    def line(self, command: str) -> str:
        text = f"{command} failed: {self.problem}" + (f"; {self.hint}" if self.hint else "")
        return " ".join(text.split())


def wechat_failure(exc: WeChatApiError, doing: str) -> CliFailure:
    """`doing` failed because WeChat answered `exc.errcode`."""
    meaning, hint = WECHAT_ERRCODES.get(exc.errcode, (exc.errmsg or "unknown error", ""))
    if exc.errcode == -1 and exc.errmsg:
        meaning = f"{meaning} ({exc.errmsg})"
    return CliFailure(
        f"{doing}: WeChat errcode {exc.errcode} ({meaning})",
        hint or "see WeChat's global return codes",
    )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def explain(exc: BaseException) -> CliFailure:
    """The one-line failure for any exception a command let through."""
    if isinstance(exc, CliFailure):
        return exc
    if isinstance(exc, WeChatApiError):
        return wechat_failure(exc, "calling WeChat")
    if isinstance(exc, OperationalError | ProgrammingError) and "no such table" in str(exc):
        return CliFailure("the database has no tables", "run `wxbackend db upgrade`")
    if isinstance(exc, ProgrammingError) and "does not exist" in str(exc):
        return CliFailure(f"database: {_first_line(exc)}", "run `wxbackend db upgrade`")
    if isinstance(exc, OperationalError) and "unable to open database file" in str(exc):
        return CliFailure(
            "cannot open the SQLite database file",
            "run `wxbackend db upgrade` (it creates the file), or check WXB_DATABASE__URL",
        )
    if isinstance(exc, socket.gaierror):
        return CliFailure(
            f"cannot resolve a host name ({_first_line(exc)})",
            "check the host in WXB_DATABASE__URL (or DATABASE_URL)",
        )
    if isinstance(exc, DBAPIError | ConnectionError):
        return CliFailure(
            f"cannot use the database ({_first_line(exc)})",
            "check WXB_DATABASE__URL and that the database server is running",
        )
    if isinstance(exc, RedisError):
        return CliFailure(f"Redis: {_first_line(exc)}", "check WXB_STORE__REDIS_URL")
    if isinstance(exc, ValidationError):
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or exc.title}: {e['msg']}" for e in exc.errors()
        )
        return CliFailure(
            f"invalid settings ({details})", "check the WXB_* variables and the home's .env"
        )
    if isinstance(exc, DomainError):
        return CliFailure(f"refused ({exc.code})", "check the arguments (--help)")
    if isinstance(exc, OSError):
        return CliFailure(_first_line(exc), "check the path and its permissions")
    return CliFailure(
        f"unexpected {type(exc).__name__}: {_first_line(exc)}",
        "this is a bug: rerun with `wxbackend --traceback ...` and report the output",
    )


class FailInOneLine(TyperGroup):
    """The root `wxbackend` group: what a command lets through becomes one line and exit 1."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["wxbackend.command"] = command_words(self, args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            if ctx.params.get("traceback"):
                raise
            failure = explain(exc)
            typer.echo(failure.line(ctx.meta.get("wxbackend.command", "wxbackend")), err=True)
            raise typer.Exit(failure.exit_code) from None


def command_words(root: Any, args: Sequence[str]) -> str:
    """`wxbackend menu push` for args ["menu", "push", "-f", "x.toml"] (root: a click group)."""
    words = ["wxbackend"]
    commands = getattr(root, "commands", None)
    for arg in args:
        if not isinstance(commands, dict):
            break
        if arg.startswith("-"):
            continue
        if arg not in commands:
            break
        words.append(arg)
        commands = getattr(commands[arg], "commands", None)
    return " ".join(words)
