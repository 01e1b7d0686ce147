"""Builds tencentcloud-sdk-python clients from settings and runs their calls off the loop.

The SDK is synchronous (`requests`), so every call goes through `call_sdk`, which runs it
in a worker thread and turns SDK exceptions into `TencentCloudError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from wxbackend.config import TencentCloudSettings
from wxbackend.errors import UpstreamUnavailable

C = TypeVar("C")


class TencentCloudError(UpstreamUnavailable):
    """Tencent Cloud refused a call or could not be reached; `sdk_code` says why."""

    code = "tencent_cloud_unavailable"
    default_message = "服务暂时不可用，请稍后再试。"

    def __init__(
        self, message: str | None = None, *, sdk_code: str, request_id: str | None = None
    ) -> None:
        super().__init__(message, sdk_code=sdk_code, request_id=request_id)
        self.sdk_code = sdk_code
        self.request_id = request_id


def build_sdk_client(
    client_class: Callable[[Credential, str, ClientProfile], C],
    settings: TencentCloudSettings,
    *,
    timeout_s: float = 10.0,
    secret_key: str | None = None,
) -> C:
    """An SDK client (FaceidClient, SmsClient, …) aimed at `settings.endpoint`.

    An empty endpoint means the real `<service>.tencentcloudapi.com`. The endpoint may
    carry a port and a path ("127.0.0.1:8000/sandbox/tencent"): the SDK posts to
    `<protocol>://<endpoint>` and signs the canonical URI "/" with that whole string as
    the Host header, which is what the sandbox checks.
    """
    http = HttpProfile(
        endpoint=settings.endpoint or None,
        protocol=settings.protocol,
        reqTimeout=timeout_s,
    )
    credential = Credential(
        settings.secret_id.get_secret_value(),
        secret_key if secret_key is not None else settings.secret_key.get_secret_value(),
    )
    return client_class(credential, settings.region, ClientProfile(httpProfile=http))


async def call_sdk(method: Callable[[Any], Any], request: Any) -> Any:
    """`method(request)` in a worker thread; SDK and network failures → TencentCloudError."""
    return await asyncio.to_thread(_call_blocking, method, request)


def _call_blocking(method: Callable[[Any], Any], request: Any) -> Any:
    try:
        return method(request)
    except TencentCloudSDKException as exc:
        # Only the code travels on: messages may echo request values.
        raise TencentCloudError(
            sdk_code=str(exc.get_code()), request_id=exc.get_request_id()
        ) from None
    except requests.RequestException as exc:
        raise TencentCloudError(sdk_code=f"ClientNetworkError.{type(exc).__name__}") from None
