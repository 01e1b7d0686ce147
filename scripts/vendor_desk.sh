#!/usr/bin/env bash
# Vendor Pico CSS (a small class-light stylesheet for semantic HTML, with visible keyboard
# focus) from the npm registry for the staff desk's desktop pages, so no desk page loads a
# stylesheet from a CDN. The copy is a build product: wxbackend/desk/static/pico/ is in
# .gitignore. Without it the desk falls back to wxbackend/desk/static/desk.css alone.
#   PICO_VERSION=2.1.1 bash scripts/vendor_desk.sh    # pin another version
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/vendor_npm.sh @picocss/pico "${PICO_VERSION:-2.1.1}" wxbackend/desk/static/pico \
    css/pico.min.css
