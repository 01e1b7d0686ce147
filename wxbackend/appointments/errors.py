"""What booking refuses with, in words a depositor can act on."""

from __future__ import annotations

from wxbackend.errors import Conflict, Forbidden, InvalidInput, NotFound


class HallNotBookable(NotFound):
    code = "appointment.hall_not_bookable"
    default_message = "该网点暂不提供网上预约。"


class BusinessNotOffered(InvalidInput):
    code = "appointment.business_not_offered"
    default_message = "该网点不办理此项业务，请选择其他业务或网点。"


class SlotNotOpen(InvalidInput):
    code = "appointment.slot_not_open"
    default_message = "该时段不开放预约（非工作日、闭厅或超出可预约日期），请选择其他时段。"


class SlotFull(Conflict):
    code = "appointment.slot_full"
    default_message = "该时段已约满，请选择其他时段。"


class AlreadyBooked(Conflict):
    code = "appointment.already_booked"
    default_message = "您当天已预约该项业务，每人每天每项业务限预约一次。"


class TooManyNoShows(Forbidden):
    code = "appointment.too_many_no_shows"
    default_message = "您近期多次预约未到，暂不能网上预约，请直接到大厅取号办理。"


class AppointmentNotFound(NotFound):
    code = "appointment.not_found"
    default_message = "未找到该预约。"


class CannotCancel(Conflict):
    code = "appointment.cannot_cancel"
    default_message = "该预约已开始办理、已取消或已过期，无法取消。"


class CannotCheckIn(Conflict):
    code = "appointment.cannot_check_in"
    default_message = "只能为当天、尚未签到的预约签到。"


class NobodyWaiting(NotFound):
    code = "appointment.nobody_waiting"
    default_message = "当前没有已签到等候的预约。"


class DeskRoleRequired(Forbidden):
    code = "appointment.desk_role_required"
    default_message = "您的角色不能办理大厅预约业务。"
