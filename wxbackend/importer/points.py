"""points.csv: code,name,district,address,latitude,longitude,hours,phone,services."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from wxbackend.importer import fields
from wxbackend.importer.base import Importer
from wxbackend.importer.fields import RowInvalid
from wxbackend.points import hours as opening_hours
from wxbackend.points import service as points_service
from wxbackend.points.hours import HoursFormatError

_PHONE = re.compile(r"(?:0\d{2,3}-\d{7,8}(?:-\d{1,6})?|1\d{10}|12329|400-?\d{3}-?\d{4})")
_SERVICE_SEPARATORS = re.compile(r"[、;；|,，]")


def parse_hours(value: str) -> str:
    """'mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00', normalised to '; ' between days."""
    text = fields.required(value, "hours").lower()
    normalised = "; ".join(" ".join(s.split()) for s in text.split(";") if s.strip())
    try:
        opening_hours.parse_hours(normalised)  # the format the points service reads back
    except HoursFormatError as exc:
        example = "'mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00'"
        raise RowInvalid(f"hours must look like {example}") from exc
    return normalised


@dataclass(frozen=True, slots=True)
class PointRow:
    code: str
    name: str
    district: str
    address: str
    latitude: float
    longitude: float
    hours: str
    phone: str
    services: tuple[str, ...]


class PointImporter(Importer[PointRow]):
    kind = "points"
    required_columns = (
        "code",
        "name",
        "district",
        "address",
        "latitude",
        "longitude",
        "hours",
        "phone",
    )
    optional_columns = ("services",)

    def parse(self, row: dict[str, str]) -> PointRow:
        phone = fields.required(row["phone"], "phone")
        if not _PHONE.fullmatch(phone):
            raise RowInvalid("phone must look like 028-12345678")
        services = tuple(
            s.strip() for s in _SERVICE_SEPARATORS.split(row.get("services", "")) if s.strip()
        )
        return PointRow(
            code=fields.text_max(row["code"], "code", 32),
            name=fields.text_max(row["name"], "name", 128),
            district=fields.text_max(row["district"], "district", 32),
            address=fields.text_max(row["address"], "address", 256),
            # Mainland China's bounding box: catches swapped or mistyped coordinates.
            latitude=fields.decimal_degrees(row["latitude"], "latitude", low=3.0, high=54.0),
            longitude=fields.decimal_degrees(row["longitude"], "longitude", low=73.0, high=136.0),
            hours=parse_hours(row["hours"]),
            phone=phone,
            services=services,
        )

    def keys(self, item: PointRow) -> Iterable[tuple[str, Hashable]]:
        yield "code", item.code

    async def load(self, items: list[PointRow]) -> None:
        self.existing = await points_service.existing_codes(self.session, [i.code for i in items])

    def check(self, item: PointRow) -> None:
        if item.code in self.existing:
            raise RowInvalid(f"service point {item.code} already exists")

    async def write(self, item: PointRow) -> None:
        await points_service.add_point(
            self.session,
            code=item.code,
            name=item.name,
            district=item.district,
            address=item.address,
            latitude=item.latitude,
            longitude=item.longitude,
            hours=item.hours,
            phone=item.phone,
            services=item.services,
        )
