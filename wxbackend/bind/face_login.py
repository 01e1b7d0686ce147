"""Mini-program face login (刷脸登录, as in the national fund mini-program).

A holder who has signed already (a password of their own, or a binding on the official
account) opens the mini-program, enters name and ID number and passes a face check with
the mini-program's provider (WeChat 人脸核身 2.0, or 慧眼 where configured): the
mini-program openid is bound to the account, no password or SMS code needed. The face
check itself is signing's (`signing.start_face` / `check_face`: server-side result, the
identity and nonce of this procedure, single use).
"""

from __future__ import annotations

from wxbackend.bind import repository as repo
from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import MiniProgramOnly, NotSignedYet
from wxbackend.bind.models import Signing
from wxbackend.bind.signing import signing_account, submit_identity
from wxbackend.enums import Channel


async def submit_face_login_identity(
    ctx: BindContext, signing: Signing, *, name: str, id_no: str
) -> None:
    """Match name + ID number (sign-up's rules and limits); only a signed holder goes on."""
    if signing.channel is not Channel.MINI_PROGRAM:
        raise MiniProgramOnly()
    await submit_identity(ctx, signing, name=name, id_no=id_no)
    account = await signing_account(ctx, signing)
    signed = await repo.get_credential(ctx.session, account.id) is not None
    if not signed:
        raise NotSignedYet()
