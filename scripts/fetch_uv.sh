#!/usr/bin/env bash
# Print the path of uv $UV_VERSION, fetching it first when needed (from PyPI, with the
# interpreter's own pip, no venv needed) into the user's cache, where every clone finds
# it: ${XDG_CACHE_HOME:-~/.cache}/wxbackend/uv-VERSION. Exit 1 when it cannot be had.
# Used by scripts/install.sh (installs) and scripts/lock.sh (resolves the lock files).
set -euo pipefail

UV_VERSION="${UV_VERSION:-0.13.9}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/wxbackend/uv-$UV_VERSION"
uv="$dir/bin/uv"
if ! "$uv" --version 2>/dev/null | grep -q "^uv $UV_VERSION "; then
    echo "==> fetching uv $UV_VERSION into $dir" >&2
    rm -rf "$dir"
    "$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
        --target "$dir" "uv==$UV_VERSION" 2>/dev/null
    "$uv" --version >/dev/null
fi
echo "$uv"
