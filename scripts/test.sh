#!/usr/bin/env bash
# Install what the tests need and run the whole suite:
#   lint + format check + types, then the tests on the embedded variant (SQLite +
#   in-process store), then again on PostgreSQL (127.0.0.1:5432, db `test`) + Redis
#   (127.0.0.1:6379). Without those services the second pass is skipped with a
#   warning -- except under CI (CI=true) or WXB_REQUIRE_SERVICES=1, where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
echo "==> installing wxbackend with its test tools"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

echo "==> ruff (lint and format)"
.venv/bin/ruff check wxbackend tests bench scripts
.venv/bin/ruff format --check wxbackend tests bench scripts
echo "==> mypy"
.venv/bin/mypy wxbackend

echo "==> tests: embedded (SQLite + in-process store)"
WXB_TEST_BACKEND=embedded .venv/bin/pytest -q -p no:cacheprovider "$@"

require_services="${WXB_REQUIRE_SERVICES:-${CI:-}}"
if .venv/bin/python scripts/services_reachable.py; then
    echo "==> tests: services (PostgreSQL + Redis)"
    WXB_TEST_BACKEND=services .venv/bin/pytest -q -p no:cacheprovider "$@"
elif [ "$require_services" = "1" ] || [ "$require_services" = "true" ]; then
    echo "FAILED: PostgreSQL and Redis must be reachable here (CI or WXB_REQUIRE_SERVICES=1)" >&2
    exit 1
else
    echo "WARNING: PostgreSQL/Redis not reachable: the services pass did NOT run" >&2
fi
