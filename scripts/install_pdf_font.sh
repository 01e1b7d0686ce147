#!/usr/bin/env bash
# The Chinese font the PDFs embed (deposit certificates, statements of deposits):
# Debian's fonts-wqy-microhei (TrueType outlines, which fpdf2 subsets and embeds), and
# for the tests poppler-utils (pdftoppm renders the PDF pages for docs/ and the tests).
# Installed from Debian's packages, never downloaded at run time; the path is
# WXB_CERTIFICATES__FONT_PATH (docs/certificates.md). Usage: install_pdf_font.sh [--with-poppler]
set -euo pipefail
font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
packages=()
[ -f "$font" ] || packages+=(fonts-wqy-microhei)
if [ "${1:-}" = "--with-poppler" ]; then
    command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
fi
[ "${#packages[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing for the PDFs: apt-get install -y ${packages[*]}"
    apt-get update -q && apt-get install -y -q "${packages[@]}"
else
    echo "WARNING: missing ${packages[*]} (sudo apt-get install -y ${packages[*]});" \
        "certificates and statements cannot be rendered without the font" >&2
fi
