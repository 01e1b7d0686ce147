"""Settings of the service's own features: limits, pacing, files, the desk's sessions.

`config.Settings` groups these with the external systems' sections; a feature that needs
only its own section imports it from here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SigningSettings(BaseModel):
    """Limits of the signing and binding flow (each face check costs the centre money)."""

    agreement_version: str = "2026.1"
    identity_attempts_per_openid_per_day: int = 10
    identity_attempts_per_id_per_day: int = 5
    sms_code_ttl_s: int = 300
    sms_max_tries: int = 5
    sms_min_interval_s: int = 60
    sms_max_per_day: int = 5
    # All openids together, per account: the owner's phone is not texted more than this.
    sms_max_per_account_per_day: int = 20
    face_attempts_per_day: int = 5
    # Face provider per channel: Tencent Cloud FaceID 慧眼 or WeChat 人脸核身 2.0.
    face_provider_h5: Literal["tencent"] = "tencent"  # 人脸核身 2.0 is mini-program only
    face_provider_mp: Literal["tencent", "wechat"] = "tencent"
    password_max_failures: int = 5
    password_lock_s: int = 1800
    # Tencent SMS template telling the old number that the mobile was changed
    # ({1} = the new number masked, {2} = when).
    mobile_changed_sms_template_id: str = "100002"
    # Days an initial password (handed out by the employer agent) can be used to set one's
    # own; after that only "forgot password" (SMS + face) or a reissue. 0 = no limit.
    initial_password_valid_days: int = Field(30, ge=0, le=366)


class SessionSettings(BaseModel):
    idle_s: int = 1800
    absolute_s: int = 12 * 3600
    cookie_name: str = "wxb_session"
    # Browsers keep Secure cookies on http://localhost and 127.0.0.1 too.
    cookie_secure: bool = True


class WithdrawSettings(BaseModel):
    """Withdrawals: local rules, documents, review limits, payout pacing."""

    # TOML rules file; empty = the demo centre's rules shipped in wxbackend/withdraw.
    rules_file: str = ""
    max_document_bytes: int = 5 * 1024 * 1024
    # Reviewers approve up to this amount (fen) and no closing kinds; supervisors anything.
    reviewer_limit: int = 5_000_000
    payout_lease_s: float = 120.0
    payout_batch: int = 20
    payout_poll_s: float = 5.0
    # Attempts (each asks the bank first) before an unknown outcome is parked for an operator.
    payout_max_attempts: int = Field(6, ge=1)


class StaffSettings(BaseModel):
    """The staff desk (/desk) and the staff API: sessions."""

    # 等保 2.0 idle timeout: a staff session unused this long ends. 15 minutes is the most
    # allowed; shorter is fine (tests use seconds).
    idle_timeout_s: int = Field(15 * 60, ge=1, le=15 * 60)
    desk_cookie_name: str = "wxb_desk"
    desk_cookie_secure: bool = True


class NotifySettings(BaseModel):
    """Notices to users (outbox): channels' templates, retries, pacing."""

    # TOML templates file; empty = the one shipped in wxbackend/notify.
    templates_file: str = ""
    # Seconds to wait after the 1st, 2nd … failed attempt; the last value repeats.
    retry_schedule_s: list[float] = Field(default_factory=lambda: [30.0, 120.0, 600.0, 3600.0])
    max_attempts: int = 8
    # A claimed notice is another worker's again when its lease runs out (crash).
    lease_s: float = 120.0
    batch: int = 50
    # With Redis: Dramatiq threads per worker process delivering notices.
    job_threads: int = 4
    # Consents counted per user and template at most (the mini-program reports them).
    max_consents: int = 50


class AppointmentSettings(BaseModel):
    """Appointments at the halls: the book's files, how far ahead, no-show limits."""

    # TOML files; empty = the demo centre's, shipped in wxbackend/appointments. The
    # calendar's holidays and make-up days must be confirmed by the centre every year.
    halls_file: str = ""
    calendar_file: str = ""
    # Bookable from tomorrow up to this many days ahead.
    days_ahead: int = 7
    # Refuse new bookings to anyone with this many no-shows within the window (0 = never).
    no_show_limit: int = 3
    no_show_window_days: int = 90
    # Reminders for tomorrow's bookings go out from this hour (China time) on.
    reminder_hour: int = 9
    # Staff roles that may see a hall's list, check people in and call the next number.
    desk_roles: list[str] = Field(default_factory=lambda: ["reviewer", "supervisor"])


class CertificateSettings(BaseModel):
    """Deposit certificates: the PDF font, validity, limits of the public verify page."""

    # A TrueType font (or collection) with Chinese glyphs, embedded in every PDF: Debian's
    # fonts-wqy-microhei (installed by scripts/dev.sh and scripts/test.sh).
    font_path: str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    validity_days: int = 30
    # Certificates one account may have issued per day.
    max_per_day: int = 5
    # Verify-page lookups per client address and window.
    verify_limit: int = 30
    verify_window_s: int = 600
