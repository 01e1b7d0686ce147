#!/usr/bin/env bash
# Run the service on the embedded default: SQLite file, in-process store, sandbox, demo data.
# Sets up everything on a fresh clone; safe to run again (the demo is generated once).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh requirements.lock
bash scripts/install_pdf_font.sh
# Vendoring (npm) only has to be done before serving: beside the migration and the demo.
(bash scripts/vendor_weui.sh && bash scripts/vendor_apidocs.sh && bash scripts/vendor_desk.sh) &
vendoring=$!

echo "==> migrating the database"
.venv/bin/wxbackend db upgrade
echo "==> loading the demo centre (once)"
.venv/bin/wxbackend demo
wait "$vendoring"
echo "==> starting: API docs at /docs, health at /readyz, demo identities in docs/demo.md"
exec .venv/bin/wxbackend serve "$@"
