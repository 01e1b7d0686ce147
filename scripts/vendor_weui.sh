#!/usr/bin/env bash
# Vendor WeUI (WeChat's own style library) from the npm registry into the package, so the
# H5 pages never load a stylesheet from a CDN at run time. The copy is a build product:
# wxbackend/h5/static/weui/ is in .gitignore. Without it the pages fall back to
# wxbackend/h5/static/app.css alone (plainer, still usable).
#   WEUI_VERSION=2.6.26 bash scripts/vendor_weui.sh    # pin another version
set -euo pipefail
cd "$(dirname "$0")/.."

version="${WEUI_VERSION:-2.6.26}"
dest="wxbackend/h5/static/weui"
if [ -f "$dest/weui.min.css" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$version" ]; then
    echo "==> WeUI $version already vendored in $dest"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "WARNING: npm not found: WeUI not vendored, the H5 pages use app.css only" >&2
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "==> vendoring WeUI $version from the npm registry into $dest"
if ! (cd "$tmp" && npm pack --silent "weui@$version" >/dev/null 2>&1 && tar -xzf weui-*.tgz); then
    echo "WARNING: could not fetch weui@$version from the npm registry; the H5 pages use" \
        "app.css only" >&2
    exit 0
fi
css="$tmp/package/dist/style/weui.min.css"
if [ ! -f "$css" ]; then
    echo "FAILED: $css not in the weui package" >&2
    exit 1
fi
mkdir -p "$dest"
cp "$css" "$dest/weui.min.css"
cp "$tmp/package/LICENSE" "$dest/LICENSE" 2>/dev/null || true
echo "$version" >"$dest/VERSION"
