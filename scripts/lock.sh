#!/usr/bin/env bash
# Re-resolve the lock files from pyproject.toml: requirements-test.lock (the package and
# its test tools, for scripts/test.sh) and requirements.lock (the package alone, for
# scripts/dev.sh, pinned to the same versions). Every pin carries its PyPI hashes.
#   bash scripts/lock.sh                              # keep the pins pyproject still allows
#   bash scripts/lock.sh --upgrade                    # newest versions pyproject allows
#   bash scripts/lock.sh --upgrade-package fastapi    # one package (and what it needs)
# Resolved by uv (`uv pip compile`) at a pinned version, fetched by
# scripts/fetch_uv.sh (pip installs the locks just as well: WXB_INSTALLER=pip).
set -euo pipefail
cd "$(dirname "$0")/.."

uv="$(bash scripts/fetch_uv.sh)"
common=(--universal --python-version 3.11 --generate-hashes --quiet
    --custom-compile-command "bash scripts/lock.sh")
echo "==> requirements-test.lock"
"$uv" pip compile pyproject.toml --extra test -o requirements-test.lock \
    "${common[@]}" "$@"
echo "==> requirements.lock (the same pins, without the test tools)"
"$uv" pip compile pyproject.toml --constraints requirements-test.lock \
    -o requirements.lock "${common[@]}"
