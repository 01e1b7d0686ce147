"""A deterministic FaceVerifier for unit tests of the signing flow: no I/O.

    faces = FakeFaceVerifier()
    faces.set_outcome("110101199001011234", FaceReason.FACE_MISMATCH)
    session = await faces.start(openid="o-1", identity=me, nonce="n-1", channel="h5")
    faces.complete(session.token)                  # the user "did" the check
    await faces.result(token=session.token, openid="o-1", identity=me, nonce="n-1")

Outcomes are per ID number (default: passed). A result read before `complete` is
NOT_FINISHED; identity and nonce are checked as the real adapters check them.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from datetime import timedelta

from wxbackend import clock
from wxbackend.faceid.gateway import (
    FaceChannel,
    FaceProvider,
    FaceReason,
    FaceResult,
    FaceSession,
    FaceVerificationUnavailable,
    Identity,
)


@dataclass
class FakeCheck:
    openid: str
    identity: Identity
    nonce: str
    channel: FaceChannel
    redirect_url: str | None
    completed: bool = False


class FakeFaceVerifier:
    """Records every started check; verdicts come from `set_outcome`."""

    def __init__(self, *, provider: FaceProvider = "fake", ttl_s: int = 7200) -> None:
        self.provider: FaceProvider = provider
        self.checks: dict[str, FakeCheck] = {}
        self._outcomes: dict[str, FaceReason] = {}
        self._ttl = timedelta(seconds=ttl_s)
        self._ids = itertools.count(1)
        self._unavailable = False

    @property
    def costed_calls(self) -> int:
        return len(self.checks)

    def set_outcome(self, id_no: str, reason: FaceReason) -> None:
        """What the check of this ID number will end in."""
        self._outcomes[id_no] = reason

    def make_unavailable(self, unavailable: bool = True) -> None:
        """Every call raises FaceVerificationUnavailable until switched back."""
        self._unavailable = unavailable

    def complete(self, token: str) -> None:
        self.checks[token].completed = True

    async def start(
        self,
        *,
        openid: str,
        identity: Identity,
        nonce: str,
        channel: FaceChannel,
        redirect_url: str | None = None,
    ) -> FaceSession:
        if self._unavailable:
            raise FaceVerificationUnavailable()
        # Unique across fakes too, as real tokens are: signings keep them in a unique column.
        token = f"fake-face-{secrets.token_hex(6)}-{next(self._ids)}"
        self.checks[token] = FakeCheck(openid, identity, nonce, channel, redirect_url)
        return FaceSession(
            provider=self.provider,
            channel=channel,
            token=token,
            expires_at=clock.now() + self._ttl,
            url=f"https://face.example/{token}" if channel == "h5" else None,
        )

    async def result(
        self, *, token: str, openid: str, identity: Identity, nonce: str
    ) -> FaceResult:
        if self._unavailable:
            raise FaceVerificationUnavailable()
        check = self.checks.get(token)
        if check is None:
            return FaceResult.of(FaceReason.REJECTED, provider_code="unknown_token")
        if not check.completed:
            return FaceResult.of(FaceReason.NOT_FINISHED)
        reason = self._outcomes.get(check.identity.id_no, FaceReason.PASSED)
        if reason is FaceReason.PASSED:
            if not identity.matches(name=check.identity.name, id_no=check.identity.id_no):
                reason = FaceReason.IDENTITY_MISMATCH
            elif nonce != check.nonce:
                reason = FaceReason.NONCE_MISMATCH
        similarity = 95.0 if reason is FaceReason.PASSED else None
        return FaceResult.of(reason, provider_code=reason.value, similarity=similarity)
