"""CSV and Excel files of published oversight tables: exactly what the pages show, hidden cells included as "<5" or "x".

A text that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
carriage return: a court or rule name can be anything) is written as text: prefixed with an
apostrophe in CSV, stored with the string type in Excel. Files carry no name of a person: the
workbook's author is the application.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.tables import COUNT, TEXT, PublishedRow, PublishedTable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def inert(text: str) -> str:
    """A text no spreadsheet will run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _label(row: PublishedRow) -> str:
    return ("  " * row.level) + row.label


def table_csv(table: PublishedTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(table.row_header), *(inert(c.label) for c in table.columns)])
    for row in table.all_rows():
        writer.writerow([inert(_label(row)), *(inert(row.cells[c.key].text) for c in table.columns)])
    return out.getvalue()


def about_rows(scope: Scope, threshold: int, generated_at: datetime) -> list[tuple[str, str]]:
    return [
        ("Justice Tracker oversight export", ""),
        ("Generated (UTC)", generated_at.strftime("%Y-%m-%d %H:%M")),
        ("Census instant (as_of, UTC)", scope.as_of.strftime("%Y-%m-%d %H:%M")),
        ("Period from (UTC)", scope.start.strftime("%Y-%m-%d %H:%M")),
        ("Period to, exclusive (UTC)", scope.end.strftime("%Y-%m-%d %H:%M")),
        ("Jurisdiction", scope.jurisdiction or "all"),
        ("Court id", str(scope.court_id) if scope.court_id is not None else "all"),
        ("Facility id", str(scope.facility_id) if scope.facility_id is not None else "all"),
        (f"<{threshold}", f"a count from 1 to {threshold - 1}, hidden"),
        ("x", "hidden so that a small count cannot be worked out from the others, or computed from a hidden count"),
        ("—", "not applicable or not available"),
    ]


def _sheet_name(table: PublishedTable, used: set[str]) -> str:
    base = table.key[:28]
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}_{n}", n + 1
    used.add(name)
    return name


def _put(sheet: object, row: int, col: int, value: object, *, bold: bool = False) -> None:
    cell = sheet.cell(row=row, column=col)  # type: ignore[attr-defined]
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        cell.value = value
    if bold:
        cell.font = BOLD


def tables_xlsx(tables: Sequence[PublishedTable], about: Iterable[tuple[str, str]], title: str) -> bytes:
    workbook = Workbook()
    workbook.properties.creator = "Justice Tracker"
    workbook.properties.lastModifiedBy = "Justice Tracker"
    workbook.properties.title = title
    sheet = workbook.active
    sheet.title = "about"
    for r, (name, value) in enumerate(about, start=1):
        _put(sheet, r, 1, name, bold=r == 1)
        _put(sheet, r, 2, value)
    used = {"about"}
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table, used))
        _put(sheet, 1, 1, table.title, bold=True)
        _put(sheet, 3, 1, table.row_header, bold=True)
        for c, column in enumerate(table.columns, start=2):
            _put(sheet, 3, c, column.label, bold=True)
        r = 4
        for row in table.all_rows():
            _put(sheet, r, 1, _label(row), bold=row is table.total)
            for c, column in enumerate(table.columns, start=2):
                cell = row.cells[column.key]
                numeric = cell.value is not None and column.kind != TEXT and isinstance(cell.value, int | float)
                value = (int(cell.value) if column.kind == COUNT else cell.value) if numeric else cell.text
                _put(sheet, r, c, value, bold=row is table.total)
            r += 1
        if table.note:
            _put(sheet, r + 1, 1, table.note)
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
