#!/usr/bin/env bash
# Make sure .venv-tools/uv/bin/uv is uv $UV_VERSION (fetched from PyPI with the
# interpreter's own pip, no venv needed); exit 1 when it cannot be had. Used by
# scripts/install.sh (installs) and scripts/lock.sh (resolves the lock files).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="${UV_VERSION:-0.13.9}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
uv=.venv-tools/uv/bin/uv
if "$uv" --version 2>/dev/null | grep -q "^uv $UV_VERSION "; then
    exit 0
fi
echo "==> fetching uv $UV_VERSION into .venv-tools/uv"
rm -rf .venv-tools/uv
"$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
    --target .venv-tools/uv "uv==$UV_VERSION" 2>/dev/null
"$uv" --version >/dev/null
