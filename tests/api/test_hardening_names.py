"""Names are sealed at rest like ID numbers; every page still shows the surname."""

from __future__ import annotations

from sqlalchemy import text

from tests.api.signing_world import World


async def test_names_are_not_stored_in_plaintext_and_still_show_masked(world: World) -> None:
    # Finding 14: names were the one personal field in plaintext next to balances.
    person = await world.person(name="欧阳娜娜")
    token = await world.mp_login()
    await world.sign_up(token, person)
    async with world.sessionmaker() as session:
        row = (
            await session.execute(
                text("SELECT * FROM fund_account WHERE id = :id"), {"id": person.account.id}
            )
        ).one()
    assert "欧阳娜娜" not in repr(tuple(row))
    assert "娜娜" not in repr(tuple(row))
    binding = await world.call(token, "GET", "/api/binding")
    assert binding.json()["name"] == "欧阳**"
    account = await world.call(token, "GET", "/api/account")
    assert account.json()["name"] == "欧阳**", account.text
