"""Keys of the official-account menu buttons (menus/official_account.toml uses these)."""

from __future__ import annotations

ACCOUNT_QUERY = "ACCOUNT_QUERY"
DEPOSIT_DETAILS = "DEPOSIT_DETAILS"
WITHDRAWAL_PROGRESS = "WITHDRAWAL_PROGRESS"
LOAN_QUERY = "LOAN_QUERY"
SERVICE_POINTS = "SERVICE_POINTS"
GUIDES = "GUIDES"
HOTLINE = "HOTLINE"
PASSWORD_SERVICE = "PASSWORD_SERVICE"  # noqa: S105 - a menu key, not a secret
HELP = "HELP"
