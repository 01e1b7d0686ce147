"""`wxbackend certificates revoke CODE`: the verify page says 已作废 from then on."""

from __future__ import annotations

from typing import Annotated

import typer

from wxbackend import clock
from wxbackend.certificates import service
from wxbackend.cli.errors import CliFailure
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope

app = typer.Typer(help="Deposit certificates: revoke one.", no_args_is_help=True)


@app.command("revoke")
def revoke(
    code: Annotated[str, typer.Argument(help="The verification code printed on the certificate.")],
    reason: Annotated[str, typer.Option(help="Why (kept with the certificate).")] = "中心作废",
) -> None:
    """Revoke a certificate by its code."""
    settings = load_cli_settings()

    async def _revoke() -> bool:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await service.revoke_certificate(
                session, rt.vault, text=code, reason=reason[:200], at=clock.now()
            )

    if not run(_revoke()):
        raise CliFailure(
            "no valid certificate with that code", "check the code (or it was revoked before)"
        )
    typer.echo("revoked")
