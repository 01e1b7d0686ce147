#!/usr/bin/env bash
# Re-resolve the lock files from pyproject.toml: requirements-test.lock (the package and
# its test tools, for scripts/test.sh) and requirements.lock (the package alone, for
# scripts/dev.sh, pinned to the same versions). Every pin carries its PyPI hashes.
#   bash scripts/lock.sh                              # keep the pins pyproject still allows
#   bash scripts/lock.sh --upgrade                    # newest versions pyproject allows
#   bash scripts/lock.sh --upgrade-package fastapi    # one package (and what it needs)
# Resolved by uv (`uv pip compile`), installed from its own venv (.venv-tools/) at a
# pinned version; the two README commands install the result with plain pip.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="${UV_VERSION:-0.13.9}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
tools=.venv-tools
if ! "$tools/bin/uv" --version 2>/dev/null | grep -q "^uv $UV_VERSION "; then
    echo "==> installing uv $UV_VERSION into $tools"
    "$PYTHON" -m venv "$tools"
    "$tools/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
fi
common=(--universal --python-version 3.11 --generate-hashes --quiet
    --custom-compile-command "bash scripts/lock.sh")
echo "==> requirements-test.lock"
"$tools/bin/uv" pip compile pyproject.toml --extra test -o requirements-test.lock \
    "${common[@]}" "$@"
echo "==> requirements.lock (the same pins, without the test tools)"
"$tools/bin/uv" pip compile pyproject.toml --constraints requirements-test.lock \
    -o requirements.lock "${common[@]}"
