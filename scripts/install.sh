#!/usr/bin/env bash
# Create .venv if needed and install LOCK's pinned dependencies (hash-checked), then
# wxbackend itself (editable, taking no dependency of its own choosing). Skipped when .venv
# already holds exactly this lock and this pyproject.toml. Used by dev.sh and test.sh:
#   bash scripts/install.sh requirements.lock | requirements-test.lock
# The lock files are made by scripts/lock.sh (see docs/operations.md).
#
# Installs with uv (the pinned version scripts/lock.sh uses, see fetch_uv.sh): several
# times faster than pip, whose install was most of a fresh clone's set-up time.
# WXB_INSTALLER=pip, or uv not to be had, installs with pip instead.
set -euo pipefail
cd "$(dirname "$0")/.."

lock="$1"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
stamp() { echo ".venv/.installed-$(basename "$1")"; }
digest() { cat "$1" pyproject.toml | sha256sum | cut -d' ' -f1; }
if [ -x .venv/bin/python ] && [ "$(cat "$(stamp "$lock")" 2>/dev/null)" = "$(digest "$lock")" ]; then
    echo "==> .venv already matches $lock"
    exit 0
fi

installer="${WXB_INSTALLER:-uv}"
if [ "$installer" = uv ] && ! uv="$(bash scripts/fetch_uv.sh)"; then
    echo "WARNING: uv could not be fetched; installing with pip" >&2
    installer=pip
fi

if [ "$installer" = uv ]; then
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv with $PYTHON"
        "$uv" venv -q --seed --python "$PYTHON" .venv
    fi
    echo "==> installing the pinned dependencies ($lock) into .venv (uv)"
    # Compiled now: a process that finds no .pyc compiles every module it imports, every
    # time, where PYTHONDONTWRITEBYTECODE is set (pip compiles at install too).
    "$uv" pip install -q --python .venv/bin/python --compile-bytecode --require-hashes -r "$lock"
    echo "==> installing wxbackend (editable)"
    "$uv" pip install -q --python .venv/bin/python --no-deps -e .
else
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv with $PYTHON"
        "$PYTHON" -m venv .venv
    fi
    pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
    echo "==> installing the pinned dependencies ($lock) into .venv (pip)"
    "${pip[@]}" --require-hashes -r "$lock"
    echo "==> installing wxbackend (editable)"
    "${pip[@]}" --no-deps -e .
fi
rm -f .venv/.installed-*
digest "$lock" >"$(stamp "$lock")"
# requirements.lock pins a subset of requirements-test.lock (lock.sh makes it so).
if [ "$lock" = requirements-test.lock ]; then
    digest requirements.lock >"$(stamp requirements.lock)"
fi
