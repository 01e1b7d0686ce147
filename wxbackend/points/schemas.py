"""Service points as the API shows them."""

from __future__ import annotations

from pydantic import BaseModel

from wxbackend.points.display import map_url
from wxbackend.points.service import FoundPoint


class PointRead(BaseModel):
    code: str
    name: str
    district: str
    address: str
    latitude: float
    longitude: float
    hours: str  # as stored: "mon-fri 09:00-12:00,13:30-17:00"
    hours_text: str  # 周一至周五 09:00-12:00、13:30-17:00
    phone: str
    services: list[str]
    open_now: bool | None  # None when the hours cannot be read
    distance_m: int | None = None
    map_url: str

    @classmethod
    def of(cls, found: FoundPoint) -> PointRead:
        p = found.point
        return cls(
            code=p.code,
            name=p.name,
            district=p.district,
            address=p.address,
            latitude=p.latitude,
            longitude=p.longitude,
            hours=p.hours,
            hours_text=p.hours_text,
            phone=p.phone,
            services=list(p.services),
            open_now=found.open_now,
            distance_m=None if found.distance_m is None else round(found.distance_m),
            map_url=map_url(latitude=p.latitude, longitude=p.longitude, name=p.name),
        )


class PointList(BaseModel):
    items: list[PointRead]
