"""Operations: `serve` refuses what it cannot do safely; /metrics counts what matters."""

from __future__ import annotations

from pydantic import SecretStr
from typer.testing import CliRunner

from tests.api.edge_app import app_client, with_settings
from tests.api.signing_world import World
from tests.unit.test_config import SAFE_PRODUCTION
from wxbackend.cli import app as cli
from wxbackend.config import Settings
from wxbackend.store import Store


def _serve(env: dict[str, str | None], *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["serve", *args], env=env)
    return result.exit_code, [line for line in result.output.splitlines() if line]


def test_several_workers_with_the_sandbox_refuse_in_one_line() -> None:
    # Finding 18: the sandbox inside `serve --workers 2` split its state between processes.
    env: dict[str, str | None] = {
        "WXB_ENV": "development",
        "WXB_SANDBOX__ENABLED": "true",
        "WXB_STORE__REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    code, lines = _serve(env, "--workers", "2", "--port", "18399")
    assert code == 2
    assert len(lines) == 1
    assert "sandbox" in lines[0]


def test_production_without_redis_refuses_to_serve() -> None:
    env: dict[str, str | None] = {"WXB_ENV": "production", "WXB_STORE__REDIS_URL": ""}
    code, lines = _serve(env, "--port", "18399")
    assert code != 0
    assert any("no shared store" in line for line in lines), lines


async def test_metrics_count_callbacks_logins_and_outbox(world: World) -> None:
    token = await world.mp_login()
    await world.sign_up(token, await world.person())
    response = await world.client.get("/metrics")
    assert response.status_code == 200
    text = response.text
    for name in (
        "wxb_logins_total",
        "wxb_callback_seconds",
        "wxb_callback_deadline_fallbacks_total",
        "wxb_wechat_token_refreshes_total",
        "wxb_dependency_errors_total",
        "wxb_lockouts_total",
        "wxb_outbox_backlog",
        "wxb_outbox_dead",
        "wxb_withdrawals",
    ):
        assert name in text, name
    assert 'wxb_logins_total{kind="miniprogram",outcome="ok"}' in text


async def test_metrics_need_their_token_in_production(settings: Settings, store: Store) -> None:
    guarded = with_settings(settings, server={"metrics_token": SecretStr("m" * 8)})
    async with app_client(guarded, store) as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get("/metrics", headers={"Authorization": "Bearer " + "m" * 8})
    assert (anonymous.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    production = Settings(**SAFE_PRODUCTION)  # type: ignore[arg-type]
    hidden = with_settings(settings, server={"metrics_token": None}).model_copy(
        update={"env": production.env}
    )
    async with app_client(hidden, store) as client:
        assert (await client.get("/metrics")).status_code == 404
