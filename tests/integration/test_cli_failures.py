"""Operator commands fail in one line with a non-zero exit, never a traceback.

Each test runs the installed `wxbackend` console script in a subprocess, as an operator
would, against the test database and the sandbox (told to answer WeChat errors where
the failure is WeChat's).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sandbox_server import SandboxServer
from wxbackend.sandbox.wechat.state import Fault

WXBACKEND = Path(sys.executable).with_name("wxbackend")


async def _wxbackend(
    home: Path, *args: str, database_url: str, **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WXB_", "DATABASE_URL"))}
    env.update({"WXB_HOME": str(home), "WXB_ENV": "test", "WXB_DATABASE__URL": database_url})
    env.update(settings)
    return await asyncio.to_thread(
        subprocess.run,
        [str(WXBACKEND), *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _one_line_failure(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The failure's only line, after checking the exit code and that nothing else printed."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"wxbackend {command} failed: "), lines[0]
    return lines[0]


async def _menu(home: Path, command: str, database_url: str, wechat_url: str) -> str:
    """`wxbackend menu COMMAND` against the WeChat API at wechat_url; its failure line."""
    result = await _wxbackend(
        home,
        "menu",
        command,
        database_url=database_url,
        WXB_WECHAT__API_BASE_URL=wechat_url,
        WXB_WECHAT__TIMEOUT_S="2",
    )
    return _one_line_failure(result, f"menu {command}")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home (no .env), which is also where the commands run from."""
    return tmp_path


async def test_menu_push_refused_by_wechat_names_the_errcode_and_the_fix(
    home: Path, database_url: str, wechat_sandbox: SandboxServer
) -> None:
    wechat_sandbox.wechat.add_fault(
        "/cgi-bin/menu/create", Fault(40018, "invalid button name size", 0.0, 1)
    )
    line = await _menu(home, "push", database_url, wechat_sandbox.wechat_url)
    assert "publishing the menu: WeChat errcode 40018 (invalid button name length" in line
    assert "menus/official_account.toml" in line
    assert wechat_sandbox.wechat.menus == {}


async def test_menu_diff_with_a_rejected_token_says_what_to_check(
    home: Path, database_url: str, wechat_sandbox: SandboxServer
) -> None:
    # Twice: the gateway refreshes the token once and retries once before giving up.
    wechat_sandbox.wechat.add_fault("/cgi-bin/menu/get", Fault(40001, "invalid credential", 0, 2))
    line = await _menu(home, "diff", database_url, wechat_sandbox.wechat_url)
    assert "reading the live menu: WeChat errcode 40001 (invalid credential" in line
    assert "WXB_WECHAT__OA__APP_SECRET" in line


async def test_menu_push_with_wechat_unreachable_fails_in_one_line(
    home: Path, database_url: str
) -> None:
    line = await _menu(home, "push", database_url, "http://127.0.0.1:9/sandbox/wechat")
    assert "WeChat errcode -1" in line
    assert "WXB_WECHAT__API_BASE_URL" in line


async def test_passwords_for_an_unknown_employer_leave_no_sheet(
    home: Path, database_url: str
) -> None:
    result = await _wxbackend(
        home, "passwords", "issue", "--employer", "E9999", database_url=database_url
    )
    line = _one_line_failure(result, "passwords issue")
    assert "no employer with code E9999" in line
    assert await asyncio.to_thread(lambda: list(home.iterdir())) == []


async def test_commands_on_an_unmigrated_database_say_to_migrate(home: Path) -> None:
    empty = f"sqlite+aiosqlite:///{home / 'empty.db'}"
    ledger = await _wxbackend(home, "ledger", "check", database_url=empty)
    assert "run `wxbackend db upgrade`" in _one_line_failure(ledger, "ledger check")
    serve = await _wxbackend(home, "serve", "--port", "9", database_url=empty)
    line = _one_line_failure(serve, "serve")
    assert "the database is not migrated" in line
    assert "run `wxbackend db upgrade`" in line


async def test_an_unreachable_database_fails_in_one_line(home: Path) -> None:
    nowhere = "postgresql+asyncpg://postgres@127.0.0.1:9/wxbackend"
    result = await _wxbackend(home, "demo", database_url=nowhere)
    line = _one_line_failure(result, "demo")
    assert "cannot use the database" in line
    assert "WXB_DATABASE__URL" in line


async def test_refused_production_settings_are_one_line(home: Path, database_url: str) -> None:
    result = await _wxbackend(
        home, "outbox", "list", database_url=database_url, WXB_ENV="production"
    )
    line = _one_line_failure(result, "outbox list")
    assert "refusing production settings" in line
    assert "sandbox is enabled" in line
