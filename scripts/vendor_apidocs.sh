#!/usr/bin/env bash
# Vendor Swagger UI and ReDoc from the npm registry into the package, so /docs and /redoc
# (and the sandbox's control docs) render without internet. Build products, in .gitignore:
# wxbackend/apidocs/static/. Without them /docs says how to vendor them.
#   SWAGGER_UI_VERSION=5.35.0 REDOC_VERSION=2.5.4 bash scripts/vendor_apidocs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/vendor_npm.sh swagger-ui-dist "${SWAGGER_UI_VERSION:-5.35.0}" \
    wxbackend/apidocs/static/swagger-ui swagger-ui-bundle.js swagger-ui.css favicon-32x32.png
bash scripts/vendor_npm.sh redoc "${REDOC_VERSION:-2.5.4}" \
    wxbackend/apidocs/static/redoc bundles/redoc.standalone.js
