"""Development URLs that follow the server's port, unless a setting names them.

In development one port serves everything: the app, its public pages and the sandbox's
stand-ins of WeChat, Tencent Cloud and the bank. `wxbackend serve --port 18100` (or
WXB_SERVER__PORT) therefore moves the public base URL and every sandbox endpoint with it.
A value given explicitly (environment, .env, code) is never changed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from pydantic import BaseModel


def origin(host: str, port: int) -> str:
    """http://host:port as a client on this machine reaches it (a wildcard -> 127.0.0.1)."""
    try:
        address = ipaddress.ip_address(host.strip("[]")) if host else None
    except ValueError:  # a host name
        return f"http://{host}:{port}"
    if address is None or address.is_unspecified:
        return f"http://127.0.0.1:{port}"
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


def _given(group: Any) -> dict[str, Any]:
    """The values explicitly given for a settings group (a dict or a model)."""
    if isinstance(group, BaseModel):
        return {name: getattr(group, name) for name in group.model_fields_set}
    return dict(group) if isinstance(group, dict) else {}


def default_unless_given(data: dict[str, Any], section: str, field: str, value: str) -> None:
    """Set data[section][field] (raw settings input) to `value` unless it was given."""
    group = data.get(section, {})
    if isinstance(group, BaseModel):
        if field not in group.model_fields_set:
            data[section] = group.model_copy(update={field: value})
    elif isinstance(group, dict):
        data[section] = {field: value, **group}


def follow_the_port(data: dict[str, Any]) -> dict[str, Any]:
    """Fill in the public base URL and the sandbox endpoints from server.host/port.

    Server-to-server endpoints (WeChat API, Tencent Cloud, the bank) use the local
    address; the OAuth authorize page, which a browser opens, the public base URL.
    """
    server = _given(data.get("server"))
    local = origin(str(server.get("host", "127.0.0.1")), int(server.get("port", 8000)))
    public = str(server.get("public_base_url") or local).rstrip("/")
    default_unless_given(data, "server", "public_base_url", public)
    default_unless_given(data, "wechat", "api_base_url", local + "/sandbox/wechat")
    default_unless_given(data, "wechat", "open_base_url", public + "/sandbox/wechat")
    tencent = local.removeprefix("http://") + "/sandbox/tencent"
    default_unless_given(data, "tencent", "endpoint", tencent)
    default_unless_given(data, "bank", "base_url", local + "/sandbox/bank")
    return data
