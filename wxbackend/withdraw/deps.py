"""Request-scoped dependencies of the withdrawal endpoints and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wxbackend.withdraw.rules import RuleBook


def withdraw_rules(request: Request) -> RuleBook:
    """The rules loaded (and validated) when the app was built."""
    rules: RuleBook = request.app.state.withdraw_rules
    return rules


RulesDep = Annotated[RuleBook, Depends(withdraw_rules)]
