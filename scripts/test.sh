#!/usr/bin/env bash
# Install what the tests need and run the whole suite:
#   lint + format check + types, then the tests on the embedded variant (SQLite +
#   in-process store), then again on PostgreSQL (127.0.0.1:5432, db `test`) + Redis
#   (127.0.0.1:6379). Without those services the second pass is skipped with a
#   warning -- except under CI (CI=true) or WXB_REQUIRE_SERVICES=1, where it fails.
#   WXB_TEST_NOW=2027-03-01T00:30:00+08:00 runs both passes on that moment (see
#   tests/conftest.py and docs/operations.md#any-day-any-time-zone).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh requirements-test.lock
bash scripts/vendor_weui.sh
bash scripts/vendor_desk.sh
bash scripts/vendor_apidocs.sh

# The browser tests (tests/browser/) drive Debian's chromium with Playwright; never
# `playwright install` (it downloads its own browsers). A Chinese font makes their
# screenshots readable. Under CI a missing chromium fails those tests, never skips them.
browser_packages=()
[ -x /usr/bin/chromium ] || browser_packages+=(chromium)
# Chromium's own words in Chinese (file pickers, date fields), as a centre's browsers show.
[ -e /usr/lib/chromium/locales/zh-CN.pak ] || browser_packages+=(chromium-l10n)
{ command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } ||
    browser_packages+=(fonts-wqy-microhei)
if [ "${#browser_packages[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing for the browser tests: apt-get install -y ${browser_packages[*]}"
        apt-get update -q && apt-get install -y -q "${browser_packages[@]}"
    else
        echo "WARNING: missing ${browser_packages[*]} (sudo apt-get install -y ${browser_packages[*]});" \
            "without chromium the browser tests are skipped here and fail under CI" >&2
    fi
fi

bash scripts/install_pdf_font.sh --with-poppler

# WXB_TESTS_ONLY=1 (the second, moved-clock run of .ci/run) skips the checks that do not
# depend on the clock.
if [ "${WXB_TESTS_ONLY:-}" != "1" ]; then
    echo "==> ruff (lint and format)"
    .venv/bin/ruff check wxbackend tests bench scripts
    .venv/bin/ruff format --check wxbackend tests bench scripts
    echo "==> mypy"
    .venv/bin/mypy wxbackend
fi

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
