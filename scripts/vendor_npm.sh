#!/usr/bin/env bash
# Vendor files of one npm package from the npm registry into the Python package, so no page
# loads a script or stylesheet from a CDN at run time. The copies are build products, listed
# in .gitignore and never committed. Used by vendor_weui.sh and vendor_apidocs.sh:
#   bash scripts/vendor_npm.sh NAME VERSION DEST FILE...    (FILE: a path in the package)
# Without npm or the registry it warns and leaves DEST as it is (the pages say what is
# missing); a FILE missing from the package fails.
set -euo pipefail
cd "$(dirname "$0")/.."

name="$1" version="$2" dest="$3"
shift 3
if [ -f "$dest/$(basename "$1")" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$version" ]; then
    echo "==> $name $version already vendored in $dest"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "WARNING: npm not found: $name not vendored into $dest" >&2
    exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "==> vendoring $name $version from the npm registry into $dest"
if ! (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>&1 && tar -xzf ./*.tgz); then
    echo "WARNING: could not fetch $name@$version from the npm registry; $dest not vendored" >&2
    exit 0
fi
for file in "$@"; do
    if [ ! -f "$tmp/package/$file" ]; then
        echo "FAILED: $file not in the $name package" >&2
        exit 1
    fi
done
mkdir -p "$dest"
for file in "$@"; do
    cp "$tmp/package/$file" "$dest/$(basename "$file")"
done
cp "$tmp/package/LICENSE" "$dest/LICENSE" 2>/dev/null || true
echo "$version" >"$dest/VERSION"
