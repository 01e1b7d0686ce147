"""Request and response bodies of the signing and binding API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from wxbackend.bind.models import SigningStep
from wxbackend.enums import Channel

SixDigits = Field(min_length=6, max_length=6, pattern=r"^\d{6}$")
# Passwords are checked by the service, which says in Chinese what is wrong (7 digits,
# letters …); the schema only bounds the size.
PasswordText = Field(
    min_length=1, max_length=32, description="Exactly 6 digits; anything else is refused (422)"
)


class ProcedureRead(BaseModel):
    step: SigningStep
    agreement_version: str | None = Field(None, description="Version to accept (signing only)")
    masked_mobile: str | None = Field(None, description="Where SMS codes go, e.g. 138****5678")
    password_must_set: bool | None = Field(
        None, description="Password step: true = set a new one, false = enter the existing one"
    )
    face_provider: str | None = None


class AgreementCreate(BaseModel):
    version: str = Field(max_length=32)


class IdentityCreate(BaseModel):
    name: str = Field(min_length=1, max_length=32)
    id_no: str = Field(min_length=15, max_length=18, description="18-digit resident ID number")


class SmsSent(BaseModel):
    masked_mobile: str
    expires_in: int


class NewMobileCreate(BaseModel):
    mobile: str | None = Field(
        None, max_length=20, description="Changing the mobile only: the new 11-digit number"
    )


class SmsCodeCreate(BaseModel):
    code: str = SixDigits


class FaceStartCreate(BaseModel):
    redirect_path: str | None = Field(
        None, description="H5 only: our page the face check returns to (path under /h5/)"
    )


class FaceStartRead(BaseModel):
    provider: str
    url: str | None = Field(None, description="H5: open this page for the face check")
    token: str = Field(description="Mini-program: BizToken (慧眼) or verify_id (微信人脸核身)")


class FaceResultCreate(BaseModel):
    token: str | None = Field(
        None, max_length=128, description="The token the face check returned, if any"
    )


class PasswordCreate(BaseModel):
    password: str = PasswordText


class SigningPasswordCreate(BaseModel):
    password: str = PasswordText
    forgot: bool = Field(
        False,
        description=(
            "The account has a password the holder forgot: set this one instead of "
            "confirming the old (the SMS code and face check of this sign-up passed)"
        ),
    )


class PasswordLoginCreate(BaseModel):
    login: str = Field(
        min_length=1,
        max_length=32,
        description="Personal account number (9-12 digits) or 18-digit resident ID number",
    )
    password: str = PasswordText


class PasswordChange(BaseModel):
    old_password: str = PasswordText
    new_password: str = PasswordText


class BindingRead(BaseModel):
    bound: bool
    channel: Channel
    account_no: str | None = Field(None, description="Masked: ****1234")
    name: str | None = Field(None, description="Masked: 张*")
    bound_at: datetime | None = None
