"""How a point is shown: distance text and a Tencent Maps marker link."""

from __future__ import annotations

from urllib.parse import quote

MAP_MARKER_URL = "https://apis.map.qq.com/uri/v1/marker"
MAP_REFERER = "wxbackend"


def distance_text(metres: float) -> str:
    """850米, 1.2公里, 35公里."""
    rounded = max(10, round(metres / 10) * 10)
    if rounded < 1000:
        return f"{rounded}米"
    km = metres / 1000
    return f"{km:.1f}公里" if km < 100 else f"{round(km)}公里"


def map_url(*, latitude: float, longitude: float, name: str) -> str:
    """A marker on Tencent Maps (opens in WeChat's browser); the title is URL-encoded."""
    marker = f"coord:{latitude:.6f},{longitude:.6f};title:{name}"
    return f"{MAP_MARKER_URL}?marker={quote(marker, safe=':,;')}&referer={MAP_REFERER}"
