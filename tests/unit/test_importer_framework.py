"""Reading CSV files and the validate-then-write flow, with a fake importer (no database)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
from pathlib import Path

import pytest

from wxbackend.importer.base import (
    Importer,
    ImportFileError,
    ImportWriteError,
    NoProgress,
    read_rows,
    run_import,
)
from wxbackend.importer.fields import RowInvalid


class FakeImporter(Importer[tuple[str, int]]):
    kind = "fake"
    required_columns = ("code", "amount")
    optional_columns = ("note",)

    def __init__(self, *, existing: set[str] = frozenset(), fail_on: str = "") -> None:  # type: ignore[assignment]
        super().__init__(None, None, date(2026, 1, 1))  # type: ignore[arg-type]
        self.existing = existing
        self.fail_on = fail_on
        self.written: list[tuple[str, int]] = []

    def parse(self, row: dict[str, str]) -> tuple[str, int]:
        if not row["amount"].isdigit():
            raise RowInvalid("amount is not a number")
        return row["code"], int(row["amount"])

    def keys(self, item: tuple[str, int]) -> Iterable[tuple[str, Hashable]]:
        yield "code", item[0]

    def check(self, item: tuple[str, int]) -> None:
        if item[0] in self.existing:
            raise RowInvalid("already exists")

    async def write(self, item: tuple[str, int]) -> None:
        if item[0] == self.fail_on:
            raise RuntimeError("13912345678 broke")  # personal data must not leak
        self.written.append(item)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


async def test_run_import_reports_bad_rows_with_line_numbers() -> None:
    importer = FakeImporter(existing={"C"})
    csv_text = "code,amount\nA,1\nB,x\n\nA,2\nC,3\nD,4,extra\nE,5\n"
    report = await run_import(importer, _lines(csv_text), NoProgress())
    assert report.imported == 2
    assert importer.written == [("A", 1), ("E", 5)]
    assert [(e.line, e.reason) for e in report.rejected] == [
        (3, "amount is not a number"),
        (5, "duplicate code: same as line 2"),
        (6, "already exists"),
        (7, "expected 2 fields, found 3"),
    ]


async def test_bom_and_header_case_and_spaces_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes('\ufeff Code ,AMOUNT,note\r\nA,1,"multi\nline"\r\nB,x,\r\n'.encode())
    report = await run_import(FakeImporter(), path, NoProgress())
    assert report.imported == 1
    # A quoted newline spans two lines: B is on line 4 of the file.
    assert [(e.line, e.reason) for e in report.rejected] == [(4, "amount is not a number")]
    lines = _lines("\ufeffcode,amount\nA,1\n")
    assert (await run_import(FakeImporter(), lines, NoProgress())).imported == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "header row is required"),
        ("code\nA\n", "missing columns: amount"),
        ("code,amount,colour\n", "unknown columns: colour"),
        ("code,amount,code\n", "repeated columns: code"),
    ],
)
def test_bad_header_is_a_file_error(text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_rows(_lines(text), ("code", "amount"), ("note",))


def test_missing_and_non_utf8_files_are_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="not found"):
        read_rows(tmp_path / "nope.csv", ("code",), ())
    latin = tmp_path / "gbk.csv"
    latin.write_bytes("code\n张三\n".encode("gbk"))
    with pytest.raises(ImportFileError, match="UTF-8"):
        read_rows(latin, ("code",), ())


async def test_write_failure_names_the_line_without_the_driver_message() -> None:
    with pytest.raises(ImportWriteError) as caught:
        await run_import(FakeImporter(fail_on="B"), _lines("code,amount\nA,1\nB,2\n"), NoProgress())
    assert caught.value.line == 3
    assert "13912345678" not in str(caught.value)


async def test_reasons_never_quote_personal_data() -> None:
    class LeakyImporter(FakeImporter):
        def parse(self, row: dict[str, str]) -> tuple[str, int]:
            raise RowInvalid(f"amount {row['amount']!r} is not an amount")

    id_no = "510104198203152715"
    report = await run_import(
        LeakyImporter(), _lines(f"code,amount\nA,{id_no}\nB,13912345678\n"), NoProgress()
    )
    reasons = " ".join(e.reason for e in report.rejected)
    assert id_no not in reasons
    assert "13912345678" not in reasons
    assert "510104********2715" in reasons
