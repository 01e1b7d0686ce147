"""Tencent Cloud plumbing shared by face verification (慧眼) and SMS: clients and errors."""

from __future__ import annotations

from wxbackend.tencent.client import TencentCloudError, build_sdk_client, call_sdk

__all__ = ["TencentCloudError", "build_sdk_client", "call_sdk"]
