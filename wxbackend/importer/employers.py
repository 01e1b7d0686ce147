"""employers.csv: code,name,credit_code,district."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from wxbackend.fund import bulk as fund_bulk
from wxbackend.fund import service as fund_service
from wxbackend.importer import fields
from wxbackend.importer.base import Importer
from wxbackend.importer.creditcode import is_valid_credit_code
from wxbackend.importer.fields import RowInvalid


@dataclass(frozen=True, slots=True)
class EmployerRow:
    code: str
    name: str
    credit_code: str | None
    district: str | None


class EmployerImporter(Importer[EmployerRow]):
    kind = "employers"
    required_columns = ("code", "name")
    optional_columns = ("credit_code", "district")

    def parse(self, row: dict[str, str]) -> EmployerRow:
        credit_code = fields.optional(row.get("credit_code", ""))
        if credit_code is not None:
            credit_code = credit_code.upper()
            if not is_valid_credit_code(credit_code):
                raise RowInvalid("credit_code is not a valid 18-character unified credit code")
        district = fields.optional(row.get("district", ""))
        if district is not None and len(district) > 32:
            raise RowInvalid("district is longer than 32 characters")
        return EmployerRow(
            code=fields.text_max(row["code"], "code", 32),
            name=fields.text_max(row["name"], "name", 128),
            credit_code=credit_code,
            district=district,
        )

    def keys(self, item: EmployerRow) -> Iterable[tuple[str, Hashable]]:
        yield "code", item.code

    async def load(self, items: list[EmployerRow]) -> None:
        self.existing = set(await fund_bulk.employer_ids_by_code(self.session))

    def check(self, item: EmployerRow) -> None:
        if item.code in self.existing:
            raise RowInvalid(f"employer {item.code} already exists")

    async def write(self, item: EmployerRow) -> None:
        await fund_service.add_employer(
            self.session,
            code=item.code,
            name=item.name,
            credit_code=item.credit_code,
            district=item.district,
        )
