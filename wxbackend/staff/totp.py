"""TOTP (RFC 6238) for the desk's second factor: secrets, codes, the enrolment QR code.

pyotp computes the codes; the time always comes from `wxbackend.clock`, never pyotp's
own clock. One step of drift either way is accepted (phones' clocks wander), and the
caller keeps the step a code was accepted for so the same code never works twice.
"""

from __future__ import annotations

import hmac

import pyotp
import segno

from wxbackend import clock

ISSUER = "公积金中心工作台"
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, *, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG (drawn here: the secret never leaves the server)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, title="动态码绑定二维码"))


def current_step() -> int:
    return int(clock.timestamp()) // 30


def matching_step(secret: str, code: str) -> int | None:
    """The 30-second step `code` belongs to (now ± one step), or None."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = current_step()
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_for(secret: str, *, step: int | None = None) -> str:
    """The code of a step (tests and the CLI's self-check)."""
    return pyotp.TOTP(secret).generate_otp(current_step() if step is None else step)


def manual_key(secret: str) -> str:
    """The secret in groups of four, for typing into an app that cannot scan."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
