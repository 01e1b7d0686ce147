"""SMS service: deposits are told, a backfill is not; every SMS says how to stop it.

The worker honouring the holder's choices: tests/integration/test_notify_worker.py.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_account
from wxbackend.importer import import_csv
from wxbackend.notify.models import OutboxNotice
from wxbackend.notify.templates import SMS_OPT_OUT, load_templates
from wxbackend.security.pii import Vault

TODAY = date(2026, 11, 20)


def test_the_sms_sent_are_bodies_that_say_how_to_stop_them() -> None:
    book = load_templates()
    for kind in ("withdrawal_paid", "deposit_posted"):
        sms = book.for_kind(kind).sms
        assert sms is not None
        assert SMS_OPT_OUT in sms.text


async def test_importing_this_months_deposit_tells_the_holder_but_not_a_backfill(
    session: AsyncSession, vault: Vault
) -> None:
    account = await make_account(session, vault)
    rows = [
        "account_no,month,posted_on\n",
        f"{account.account_no},2026-11,2026-11-15\n",
        f"{account.account_no},2025-03,2025-03-15\n",
    ]
    report = await import_csv(session, vault, "deposits", rows, TODAY)
    assert report.imported == 2
    notices = (
        await session.scalars(select(OutboxNotice).where(OutboxNotice.account_id == account.id))
    ).all()
    assert [(n.kind, n.payload["month"], n.payload["amount"]) for n in notices] == [
        ("deposit_posted", "2026年11月", "¥1,920.00")
    ]
    assert notices[0].link_path == "/h5/deposits"
