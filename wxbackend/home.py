"""The service's home: where `.env`, `var/` and relative paths in settings live.

`WXB_HOME` names it. Unset, it is the source checkout the code runs from (the usual
development case: `pip install -e .`), otherwise `~/.local/share/wxbackend`. Never the
current directory, so every command works wherever it is started from.

This module and `config.py` are the only readers of the environment: the home must be
known before `Settings` can find its `.env`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
SERVER_RECORD = "serve.json"


def home_dir() -> Path:
    """WXB_HOME, else the source checkout, else ~/.local/share/wxbackend."""
    configured = os.environ.get("WXB_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "wxbackend").is_dir():
        return _CHECKOUT
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "wxbackend"


def resolve(path: str | Path) -> Path:
    """An absolute path as is; a relative one against the home."""
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else home_dir() / candidate


def sqlite_url_in_home(url: str) -> str:
    """A SQLite URL whose relative file path is made absolute against the home."""
    scheme, sep, rest = url.partition(":///")
    if not scheme.startswith("sqlite") or not sep or rest.startswith(("/", ":memory:", "file:")):
        return url
    path, query_sep, query = rest.partition("?")
    return f"{scheme}:///{resolve(path)}{query_sep}{query}"


def var_dir() -> Path:
    return home_dir() / "var"


@dataclass(frozen=True)
class RunningServer:
    """Where `wxbackend serve` listens, as it recorded in var/serve.json."""

    host: str
    port: int
    pid: int


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def record_server(host: str, port: int) -> Path:
    """Note where this process serves, so other commands on this home can find it."""
    path = var_dir() / SERVER_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"host": host, "port": port, "pid": os.getpid()}) + "\n")
    return path


def forget_server() -> None:
    """Remove this process's record (another server's record stays)."""
    running = running_server()
    if running is not None and running.pid == os.getpid():
        (var_dir() / SERVER_RECORD).unlink(missing_ok=True)


def running_server() -> RunningServer | None:
    """The live server recorded in this home, if any."""
    try:
        data = json.loads((var_dir() / SERVER_RECORD).read_text())
        running = RunningServer(
            host=str(data["host"]), port=int(data["port"]), pid=int(data["pid"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return running if _alive(running.pid) else None
