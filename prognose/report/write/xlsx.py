"""An Excel workbook: the record's own (its view's `workbook`: `run`'s table with a SUM row, the
director's report), else a sheet for each of its tables, figures as numbers in the reader's
format, so that a controller goes on in Excel."""

from __future__ import annotations

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment

from prognose.io.files import workbook_bytes
from prognose.report import tables
from prognose.report.xlsx import BOLD, HEAD_FILL, TOTAL_FILL

# a negative figure is no alarm (an underspend, a saving): no red
NUMBER = {0: "#,##0;-#,##0", 1: "#,##0.0;-#,##0.0", 2: "#,##0.00;-#,##0.00"}


def write(record, view, style) -> bytes:
    if hasattr(view, "workbook"):
        return workbook_bytes(view.workbook(record, style))
    wb = Workbook()
    wb.remove(wb.active)
    for i, t in enumerate(tables.of(record, view, style), start=1):
        sheet(wb, t, i)
    if not wb.worksheets:
        wb.create_sheet("prognose")
    return workbook_bytes(wb)


def sheet(wb: Workbook, t: tables.Table, i: int) -> None:
    name = "".join(c for c in t.title if c not in "[]:*?/\\")[:28] or "prognose"
    ws = wb.create_sheet(name if name not in wb.sheetnames else f"{name[:25]} {i}")
    ws.append([t.title])
    ws["A1"].font = BOLD
    ws.append([])
    ws.append(t.frame.columns)
    for cell in ws[3]:
        cell.font, cell.fill, cell.alignment = BOLD, HEAD_FILL, Alignment(wrap_text=True, vertical="top")
    numeric = [dtype.is_numeric() for dtype in t.frame.dtypes]
    for row in t.frame.iter_rows():
        ws.append(list(row))
    for r in range(4, ws.max_row + 1):
        for c, is_number in enumerate(numeric, start=1):
            if is_number:
                ws.cell(r, c).number_format = NUMBER.get(t.decimals, NUMBER[2])
        if t.total and r == ws.max_row:
            for c in range(1, len(numeric) + 1):
                ws.cell(r, c).font, ws.cell(r, c).fill = BOLD, TOTAL_FILL
    for c, column in enumerate(t.frame.columns, start=1):
        values = t.frame.get_column(column).cast(pl.String).fill_null("").to_list()
        ws.column_dimensions[ws.cell(3, c).column_letter].width = min(60, max(10, len(column) + 2, *map(len, values)) + 2)
    row = ws.max_row + 2
    for note in t.notes:
        ws.cell(row, 1, note)
        row += 1
    ws.freeze_panes = "A4"
