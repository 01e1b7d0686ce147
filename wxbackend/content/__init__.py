"""Reply texts shown to users, kept as files so editors change wording without code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from wxbackend.config import CentreSettings

CONTENT_DIR = Path(__file__).parent
# WeChat's limit on a passive text reply's Content: every reply text must fit in one.
TEXT_REPLY_MAX_BYTES = 2048

# Every text a handler asks for; loading fails if one is missing.
REQUIRED = (
    "apology",
    "binding",
    "default",
    "guide_deposit",
    "guide_loan",
    "guide_withdrawal",
    "guides",
    "help",
    "hotline",
    "media",
    "menu_gone",
    "password",
    "points_how",
    "service_points",
    "welcome",
    "welcome_back",
    "welcome_back_bound",
)

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class ContentError(ValueError):
    """A content file is missing, empty, too long or uses an unknown placeholder."""


@dataclass(frozen=True, slots=True)
class Content:
    """The loaded, validated texts by name (file name without `.md`)."""

    texts: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.texts[name]


def centre_values(centre: CentreSettings) -> dict[str, str]:
    """The centre's profile as the placeholders every text may use."""
    return {
        "centre_name": centre.name,
        "hotlines": centre.hotlines,
        "national_hotline": centre.national_hotline,
        "sms_number": centre.sms_number,
        "centre_address": centre.address,
        "service_hours": centre.hours,
    }


def load_content(
    *,
    public_base_url: str,
    centre: CentreSettings | None = None,
    directory: Path = CONTENT_DIR,
) -> Content:
    """Read every `*.md`, fill placeholders, and check each fits one WeChat text reply.

    The centre's name, numbers, address and hours come from `settings.centre` (one place
    for every reply, page and statement); the texts only say where they go.
    """
    values = centre_values(centre or CentreSettings())
    base = public_base_url.rstrip("/")
    values["public_base_url"] = base
    values["signup_url"] = f"{base}/h5/signup"
    texts: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.md")):
        name = path.stem
        raw = path.read_text("utf-8").strip()
        unknown = sorted({m for m in _PLACEHOLDER.findall(raw) if m not in values})
        if unknown:
            problems.append(f"{path.name}: unknown placeholder(s) {', '.join(unknown)}")
            continue
        text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], raw)
        size = len(text.encode("utf-8"))
        if not text:
            problems.append(f"{path.name}: empty")
        elif size > TEXT_REPLY_MAX_BYTES:
            problems.append(f"{path.name}: {size} bytes, over WeChat's {TEXT_REPLY_MAX_BYTES}")
        texts[name] = text
    problems.extend(f"{name}.md: missing" for name in REQUIRED if name not in texts)
    if problems:
        raise ContentError("; ".join(problems))
    return Content(texts=texts)
