#!/usr/bin/env bash
# Create .venv if needed and install LOCK's pinned dependencies (hash-checked), then
# wxbackend itself (editable, taking no dependency of its own choosing). Skipped when .venv
# already holds exactly this lock and this pyproject.toml. Used by dev.sh and test.sh:
#   bash scripts/install.sh requirements.lock | requirements-test.lock
# The lock files are made by scripts/lock.sh (see docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."

lock="$1"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $PYTHON"
    "$PYTHON" -m venv .venv
fi
stamp() { echo ".venv/.installed-$(basename "$1")"; }
digest() { cat "$1" pyproject.toml | sha256sum | cut -d' ' -f1; }
if [ "$(cat "$(stamp "$lock")" 2>/dev/null)" = "$(digest "$lock")" ]; then
    echo "==> .venv already matches $lock"
    exit 0
fi
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
echo "==> installing the pinned dependencies ($lock) into .venv"
"${pip[@]}" --require-hashes -r "$lock"
echo "==> installing wxbackend (editable)"
"${pip[@]}" --no-deps -e .
rm -f .venv/.installed-*
digest "$lock" >"$(stamp "$lock")"
# requirements.lock pins a subset of requirements-test.lock (lock.sh makes it so).
if [ "$lock" = requirements-test.lock ]; then
    digest requirements.lock >"$(stamp requirements.lock)"
fi
