"""The admin's page: staff accounts, their second factor and their sessions."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.deps import AuditDep, SessionDep
from wxbackend.desk.web import DeskRoute, DeskUserDep, FormDep, redirect, render
from wxbackend.staff import admin

router = APIRouter(prefix="/desk/admin", route_class=DeskRoute, include_in_schema=False)

DONE = {
    "revoked": "已结束该工作人员的全部会话。",
    "totp_reset": "已重置动态码，该工作人员下次登录时重新绑定。",
    "disabled": "已停用该工作人员。",
}


@router.get("/staff")
async def staff_list(request: Request, user: DeskUserDep, session: SessionDep) -> Response:
    rows = await admin.staff_overview(session, staff=user.staff)
    done = DONE.get(request.query_params.get("done", ""), "")
    return render(request, "staff.html", user=user, title="工作人员", rows=rows, done=done)


@router.post("/staff/{username}/{action}")
async def staff_action(
    username: str,
    action: str,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    done = await admin.act_on_staff(
        session, audit=audit, staff=user.staff, username=username[:64], action=action[:16]
    )
    return redirect("/desk/admin/staff", done=done)
