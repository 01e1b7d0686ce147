"""The certificate as a PDF: the facts as certified, the code and a QR code to verify."""

from __future__ import annotations

from datetime import datetime

from wxbackend.account.display import date_text, month_text_of
from wxbackend.certificates.codes import grouped
from wxbackend.certificates.models import DepositCertificate
from wxbackend.money import format_yuan
from wxbackend.pdf.document import ChineseDocument, qr_png


def ratio_text(basis_points: int) -> str:
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def fact_rows(facts: dict[str, object], *, name: str) -> list[tuple[str, str]]:
    """The certified facts as label / value, in the order printed (and shown on the web)."""
    paid = facts.get("paid_up_to")
    base = int(str(facts["deposit_base"]))
    return [
        ("姓名", name),
        ("身份证号", str(facts["id_masked"])),
        ("个人账号", str(facts["account_no_masked"])),
        ("缴存单位", str(facts["employer"])),
        ("账户状态", str(facts["status_label"])),
        ("缴存基数", format_yuan(base)),
        (
            "缴存比例",
            f"单位 {ratio_text(int(str(facts['employer_ratio_bp'])))}，"
            f"个人 {ratio_text(int(str(facts['employee_ratio_bp'])))}",
        ),
        ("月缴存额", format_yuan(int(str(facts["monthly_amount"])))),
        ("缴至年月", month_text_of(str(paid)) if paid else "尚未缴存"),
        ("账户余额", format_yuan(int(str(facts["balance"])))),
    ]


def render_certificate(
    certificate: DepositCertificate,
    *,
    code: str,
    holder_name: str,
    base_url: str,
    font_path: str,
    now: datetime,
    centre: str,
) -> bytes:
    doc = ChineseDocument(
        font_path=font_path,
        title="住房公积金缴存证明",
        footer=f"{centre} · 验证码 {grouped(code)}",
        created=now,
    )
    doc.add_page()
    doc.heading("住房公积金缴存证明")
    doc.paragraph(f"证明编号（验证码）：{grouped(code)}", size=10)
    doc.ln(2)
    doc.paragraph(
        f"兹证明以下职工在{centre}缴存住房公积金，截至{date_text(certificate.issued_on)}"
        "的缴存情况如下："
    )
    doc.ln(2)
    doc.facts(fact_rows(certificate.facts, name=holder_name))
    doc.ln(4)
    doc.paragraph(
        f"本证明自开具之日起至{date_text(certificate.expires_on)}有效。"
        "收件单位可扫描右侧二维码或登录中心网站输入验证码核验真伪；"
        "核验页面显示的信息与本证明一致方为有效。本证明仅证明缴存情况，不作其他用途。",
        size=9.5,
    )
    y = doc.get_y() + 4
    link = verify_url(base_url, code)
    doc.image(qr_png(link), x=doc.w - 20 - 38, y=y, w=38, h=38)
    doc.set_xy(20, y + 6)
    doc.paragraph(f"开具单位：{centre}", size=11)
    doc.set_x(20)
    doc.paragraph(f"开具日期：{date_text(certificate.issued_on)}", size=11)
    doc.set_x(20)
    doc.paragraph(f"核验网址：{link}", size=8)
    return doc.pdf_bytes()
