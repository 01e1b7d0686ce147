"""An A4 document in Simplified Chinese: one embedded CJK font, titles, fact tables.

fpdf2 subsets the font into each file, so a certificate reads the same in any viewer.
The font is a file from the system's packages (Debian's fonts-wqy-microhei by default,
WXB_CERTIFICATES__FONT_PATH); nothing is downloaded at run time.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT = "cjk"


class FontMissing(RuntimeError):
    """The configured CJK font file is not there (install fonts-wqy-microhei)."""


def qr_png(text: str, *, scale: int = 6) -> bytes:
    """A QR code (error correction M) as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


class ChineseDocument(FPDF):
    """A4 portrait, 20 mm margins, the CJK font loaded, a footer with the page number."""

    def __init__(self, *, font_path: str, title: str, footer: str, created: datetime) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        path = Path(font_path)
        if not path.is_file():
            raise FontMissing(
                f"no font at {path}: apt-get install fonts-wqy-microhei, "
                "or set WXB_CERTIFICATES__FONT_PATH"
            )
        self.add_font(FONT, "", str(path), collection_font_number=0)
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(title)
        self.set_creator("wxbackend")
        self.set_creation_date(created)
        self._footer_text = footer
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self._footer_text}    第 {self.page_no()} / {{nb}} 页", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, *, size: float = 18) -> None:
        self.set_font(FONT, size=size)
        self.cell(0, 12, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, size: float = 10.5, height: float = 6.5) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def facts(self, rows: Sequence[tuple[str, str]], *, label_w: float = 42) -> None:
        """A two-column table of label / value, bordered."""
        self.set_font(FONT, size=11)
        value_w = self.epw - label_w
        for label, value in rows:
            self.set_fill_color(242, 244, 247)
            self.cell(label_w, 9, label, border=1, fill=True)
            self.cell(value_w, 9, value, border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A table whose header repeats on every page; numbers right-aligned."""

        def head() -> None:
            self.set_font(FONT, size=9.5)
            self.set_fill_color(230, 234, 240)
            for text, width in zip(header, widths, strict=True):
                self.cell(width, 8, text, border=1, fill=True, align="C")
            self.ln()

        head()
        self.set_font(FONT, size=9.5)
        for row in rows:
            if self.will_page_break(7):
                self.add_page()
                head()
                self.set_font(FONT, size=9.5)
            for i, (text, width) in enumerate(zip(row, widths, strict=True)):
                self.cell(width, 7, text, border=1, align="L" if i < 2 else "R")
            self.ln()

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())
