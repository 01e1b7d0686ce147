#!/usr/bin/env bash
# Vendor WeUI (WeChat's own style library) from the npm registry into the package, so the
# H5 pages never load a stylesheet from a CDN at run time. The copy is a build product:
# wxbackend/h5/static/weui/ is in .gitignore. Without it the pages fall back to
# wxbackend/h5/static/app.css alone (plainer, still usable).
#   WEUI_VERSION=2.6.26 bash scripts/vendor_weui.sh    # pin another version
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/vendor_npm.sh weui "${WEUI_VERSION:-2.6.26}" wxbackend/h5/static/weui \
    dist/style/weui.min.css
