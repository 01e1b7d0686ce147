"""What the certificate API returns."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from wxbackend.certificates.codes import grouped
from wxbackend.certificates.render import verify_url
from wxbackend.certificates.service import Issued


class CertificateRead(BaseModel):
    id: int
    code: str  # ABCD-EFGH-JKMN-PQRS-TVWX, printed on the PDF
    issued_on: date
    expires_on: date
    pdf_path: str
    verify_url: str

    @classmethod
    def of(cls, issued: Issued, *, base_url: str) -> CertificateRead:
        c = issued.certificate
        return cls(
            id=c.id,
            code=grouped(issued.code),
            issued_on=c.issued_on,
            expires_on=c.expires_on,
            pdf_path=f"/api/certificates/{c.id}/pdf",
            verify_url=verify_url(base_url, issued.code),
        )
