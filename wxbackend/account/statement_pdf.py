"""The yearly statement as a PDF (A4, Chinese font embedded, header repeated per page)."""

from __future__ import annotations

from datetime import datetime

from wxbackend.account.display import date_text
from wxbackend.account.statement import Statement
from wxbackend.money import format_yuan
from wxbackend.pdf.document import ChineseDocument

_WIDTHS = (30, 52, 28, 28, 32)


def render_statement_pdf(
    statement: Statement, *, centre: str, hotlines: str, font_path: str, now: datetime
) -> bytes:
    s = statement
    title = f"{s.year}年度住房公积金个人账户对账单"
    doc = ChineseDocument(
        font_path=font_path,
        title=title,
        footer=f"{centre} · 服务热线 {hotlines} · 打印日期 {date_text(s.generated_on)}",
        created=now,
    )
    doc.add_page()
    doc.heading(title, size=16)
    doc.paragraph(centre, size=10)
    doc.ln(1)
    doc.facts(
        [
            ("姓名", s.name),
            ("个人账号", s.account_no),
            ("身份证号", s.id_no),
            ("缴存单位", s.employer),
            ("账户状态", s.status_label),
            ("对账期间", f"{s.year}年1月1日至{s.year}年12月31日"),
        ],
        label_w=32,
    )
    doc.ln(3)
    doc.grid(
        ("年初余额", "本年缴存", "本年结息", "本年提取", "年末余额"),
        [
            (
                format_yuan(s.opening_balance),
                format_yuan(s.deposits),
                format_yuan(s.interest),
                format_yuan(s.withdrawals),
                format_yuan(s.closing_balance),
            )
        ],
        (34, 34, 34, 34, 34),
    )
    doc.ln(3)
    rows = [
        (
            date_text(line.value_date),
            line.label,
            format_yuan(line.amount) if line.amount > 0 else "",
            format_yuan(-line.amount) if line.amount < 0 else "",
            format_yuan(line.balance),
        )
        for line in s.lines
    ]
    doc.grid(
        ("日期", "摘要", "收入", "支出", "余额"), rows or [("", "本年无变动", "", "", "")], _WIDTHS
    )
    doc.ln(3)
    doc.paragraph(
        "本对账单由系统生成，个人信息已脱敏显示。如对账户变动有疑问，请致电12329或到服务网点查询。",
        size=9,
    )
    return doc.pdf_bytes()
