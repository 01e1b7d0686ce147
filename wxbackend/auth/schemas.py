"""Request and response bodies of the login endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MiniProgramLoginCreate(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="wx.login() code")


class MiniProgramLoginRead(BaseModel):
    token: str = Field(description="Bearer token for the Authorization header")
    expires_in: int = Field(description="Idle lifetime in seconds; each use extends it")
    bound: bool = Field(description="Whether this WeChat user is bound to a fund account")
