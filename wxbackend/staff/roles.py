"""What each desk role may do: the one table every page and API endpoint is checked against.

Separation of duties: the counter helps a depositor in person and never decides a case;
an admin manages staff accounts and never sees a case; a supervisor decides anything a
reviewer may and what is above a reviewer's limit, and runs the operations pages.
"""

from __future__ import annotations

import enum

from wxbackend.staff.errors import StaffForbidden
from wxbackend.staff.models import StaffRole


class Capability(enum.StrEnum):
    REVIEW = "review"  # the queue, a case, its documents, approve/reject
    DECIDE_ABOVE_LIMIT = "decide_above_limit"  # what is beyond a reviewer's limit
    COUNTER = "counter"  # the service hall's actions on a depositor's account
    OPERATIONS = "operations"  # payouts, reconciliation, notices, audit trail, exports
    ADMIN = "admin"  # staff accounts, their second factor and sessions


R, C = StaffRole, Capability
ROLE_CAPABILITIES: dict[StaffRole, frozenset[Capability]] = {
    R.REVIEWER: frozenset({C.REVIEW}),
    R.SUPERVISOR: frozenset({C.REVIEW, C.DECIDE_ABOVE_LIMIT, C.OPERATIONS}),
    R.COUNTER: frozenset({C.COUNTER}),
    R.ADMIN: frozenset({C.ADMIN, C.OPERATIONS}),
}

ROLE_NAMES: dict[StaffRole, str] = {
    R.REVIEWER: "审核员",
    R.SUPERVISOR: "主管",
    R.COUNTER: "柜员",
    R.ADMIN: "系统管理员",
}


def may(role: StaffRole, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES[role]


def ensure(role: StaffRole, capability: Capability) -> None:
    if not may(role, capability):
        raise StaffForbidden()
