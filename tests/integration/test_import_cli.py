"""`wxbackend import`, `demo` and `ledger check` end to end, on a fresh database."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner, Result

from tests.builders import valid_id_no
from wxbackend.cli import app
from wxbackend.config import DatabaseSettings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.fund.models import FundAccount
from wxbackend.importer import ImportWriteError, import_csv
from wxbackend.importer.accounts import AccountImporter, AccountRow
from wxbackend.importer.base import NoProgress, run_import
from wxbackend.security.pii import Vault

TODAY = date(2026, 11, 20)


async def _cli(url: str, *args: str) -> Result:
    # The command runs its own event loop (asyncio.run), so it runs in a worker thread.
    runner = CliRunner()
    env: dict[str, str | None] = {"WXB_DATABASE__URL": url, "WXB_ENV": "test"}
    return await asyncio.to_thread(lambda: runner.invoke(app, list(args), env=env))


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_import_exit_codes_and_ledger_check(fresh_database_url: str, tmp_path: Path) -> None:
    url = fresh_database_url
    employers = _write(tmp_path / "employers.csv", "code,name", "E9,成都测试有限公司")
    result = await _cli(url, "import", "employers", str(employers))
    assert result.exit_code == 0, result.output
    assert "1 imported, 0 rejected" in result.output

    bad_mobile = "23912345678"
    accounts = _write(
        tmp_path / "accounts.csv",
        "account_no,name,id_no,mobile,employer_code,status,deposit_base,"
        "employer_ratio,employee_ratio,opened_on,opening_balance",
        f"100000000001,甲,{valid_id_no(1)},13900000001,E9,正常,6000,10,10,2020-01-01,5000.00",
        f"100000000002,乙,{valid_id_no(2)},{bad_mobile},E9,正常,6000,10,10,2020-01-01,",
    )
    report = tmp_path / "rejected.csv"
    result = await _cli(url, "import", "accounts", str(accounts), "--report", str(report))
    assert result.exit_code == 1, result.output
    assert "1 imported, 1 rejected" in result.output
    assert "line 3:" in result.output
    assert bad_mobile not in result.output
    assert report.read_text(encoding="utf-8").splitlines()[0] == "line,reason"
    assert report.read_text(encoding="utf-8").splitlines()[1].startswith("3,")

    result = await _cli(url, "import", "deposits", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2
    wrong = _write(tmp_path / "wrong.csv", "account,month", "1,2025-01")
    result = await _cli(url, "import", "deposits", str(wrong))
    assert result.exit_code == 2
    assert "missing columns" in result.output
    result = await _cli(url, "import", "salaries", str(wrong))
    assert result.exit_code == 2

    result = await _cli(url, "demo", "--accounts", "20")
    assert result.exit_code == 0
    assert "already present" in result.output

    result = await _cli(url, "ledger", "check")
    assert result.exit_code == 0, result.output
    engine = create_engine(DatabaseSettings(url=url))
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE fund_account SET balance = balance + 100 WHERE account_no = :no"),
            {"no": "100000000001"},
        )
    await engine.dispose()
    result = await _cli(url, "ledger", "check")
    assert result.exit_code == 1
    assert "100000000001" in result.output


async def test_demo_command_fills_an_empty_database(fresh_database_url: str) -> None:
    result = await _cli(fresh_database_url, "demo", "--accounts", "60", "--seed", "5")
    assert result.exit_code == 0, result.output
    assert "accounts:          60" in result.output
    assert "docs/demo.md" in result.output
    result = await _cli(fresh_database_url, "ledger", "check")
    assert result.exit_code == 0, result.output


class _FailingAccountImporter(AccountImporter):
    """Fails on the second write, after one account was already flushed."""

    writes = 0

    async def write(self, item: AccountRow) -> None:
        self.writes += 1
        if self.writes == 2:
            raise RuntimeError("disk full")
        await super().write(item)


async def test_failed_write_leaves_nothing_behind(fresh_database_url: str, vault: Vault) -> None:
    engine = create_engine(DatabaseSettings(url=fresh_database_url))
    sessions = create_sessionmaker(engine)
    async with session_scope(sessions) as session:
        await import_csv(
            session, vault, "employers", ["code,name\n", "E1,成都测试有限公司\n"], TODAY
        )
    rows = [
        "account_no,name,id_no,mobile,employer_code,status,deposit_base,"
        "employer_ratio,employee_ratio,opened_on,opening_balance\n",
        f"100000000011,甲,{valid_id_no(11)},,E1,normal,6000,10,10,2020-01-01,100\n",
        f"100000000012,乙,{valid_id_no(12)},,E1,normal,6000,10,10,2020-01-01,100\n",
    ]

    async def import_in_one_transaction() -> None:
        async with session_scope(sessions) as session:
            importer = _FailingAccountImporter(session, vault, TODAY)
            await run_import(importer, rows, NoProgress())

    with pytest.raises(ImportWriteError) as caught:
        await import_in_one_transaction()
    assert caught.value.line == 3
    async with session_scope(sessions) as session:
        assert await session.scalar(select(func.count()).select_from(FundAccount)) == 0
    await engine.dispose()
