"""HTML for the sandbox's own pages (a developer tool): a page, a table, a list of links.

Every value is escaped here; callers pass plain text, and (href, label) pairs for links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from html import escape

from fastapi.responses import HTMLResponse

from wxbackend.clock import china_time_text

Link = tuple[str, str]

LATEST = 20  # rows shown per table, newest first
NOTE = "本地模拟的外部系统，仅供开发和测试使用；状态保存在内存中，服务重启后清空。"
HOME: list[Link] = [("../", "← 沙箱首页")]

_STYLE = """
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
background:#f5f6f8;color:#222;font-size:14px}
main{max-width:980px;margin:0 auto;padding:24px 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 8px}
p{color:#555;line-height:1.6;margin:6px 0}
nav a{margin-right:14px}
.card{background:#fff;border-radius:10px;padding:16px 18px;margin:16px 0}
table{border-collapse:collapse;width:100%;margin-top:8px}
th,td{border-bottom:1px solid #eceef2;padding:6px 8px;text-align:left;vertical-align:top;
word-break:break-all}
th{color:#888;font-weight:normal}
ul.links{margin:8px 0 0;padding-left:18px;line-height:1.9}
.empty{color:#999}.count{color:#07c160;font-weight:bold}
code{background:#f0f1f4;padding:1px 4px;border-radius:3px}
"""


def page(title: str, sections: Iterable[str], *, nav: Sequence[Link] = ()) -> HTMLResponse:
    """A whole page: the title, a navigation line, then each section (already HTML)."""
    links = "".join(f'<a href="{escape(href)}">{escape(label)}</a>' for href, label in nav)
    body = f"<nav>{links}</nav>" if nav else ""
    document = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}<h1>{escape(title)}</h1>{''.join(sections)}</main></body></html>"
    )
    return HTMLResponse(document)


def card(title: str, *parts: str) -> str:
    return f'<section class="card"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def text(value: str) -> str:
    return f"<p>{escape(value)}</p>"


def count(label: str, value: int) -> str:
    return f'<p>{escape(label)}：<span class="count">{value}</span></p>'


def links(items: Sequence[Link]) -> str:
    rows = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in items
    )
    return f'<ul class="links">{rows}</ul>'


def table(headers: Sequence[str], rows: Sequence[Sequence[str | Link]], *, empty: str) -> str:
    """Rows of cells: text, or (href, label) for a link. The newest rows should come first."""
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'

    def cell(value: str | Link) -> str:
        if isinstance(value, tuple):
            return f'<td><a href="{escape(value[0])}">{escape(value[1])}</a></td>'
        return f"<td>{escape(value)}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def when(moment: datetime | float) -> str:
    """China time of a datetime or a Unix timestamp."""
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    return china_time_text(moment)
