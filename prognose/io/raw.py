"""Loading one table file into a frame of raw values, with the source line of every row.

CSV files are read by csv_read.py (every dialect SPEC §1 allows, each row checked for its number
of fields: polars would silently pad a short row with nulls). Values stay text here; `parse.py`
gives them types. .xlsx cells and .parquet columns may already be typed; the parser accepts both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.io.csv_read import load_csv
from prognose.io.table import RawTable, header_index, header_names, header_problem
from prognose.schema import LINE

__all__ = ["RawTable", "find_table", "load_raw"]

SUFFIXES = (".csv", ".xlsx", ".parquet")
# A cell that makes the last row a sum of the ones above it, as spreadsheets write them.
TOTAL_WORDS = ("i alt", "ialt", "i alt:", "total", "totalt", "total:", "sum", "sum:", "samlet", "grand total")


def find_table(directory: Path, name: str) -> list[Path]:
    return [directory / f"{name}{s}" for s in SUFFIXES if (directory / f"{name}{s}").exists()]


# What each format's reader raises for a damaged file (anything else is a fault of ours, not the file's).
DAMAGED = {".csv": (OSError,),
           ".xlsx": (OSError, ValueError, KeyError, EOFError),    # openpyxl: a broken zip or a part missing
           ".parquet": (OSError, pl.exceptions.PolarsError)}


def load_raw(path: Path, name: str, known: frozenset[str] = frozenset()) -> RawTable:
    """The file's rows as raw values. `known` holds the (lower-case) column names the file may
    use: the header is the first row naming two of them, so a title row above it is skipped."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            table = load_csv(path, name, known)
        elif suffix == ".xlsx":
            table = _load_xlsx(path, name, known)
        elif suffix == ".parquet":
            frame = pl.read_parquet(path, row_index_name=LINE, row_index_offset=1)   # a row's line is its number
            return RawTable(name, path, frame, {"format": "parquet"})
        else:
            raise ValueError(f"unsupported file type {path.suffix}")
    except DAMAGED.get(suffix, ()) as exc:
        # a broken zip, a truncated parquet: no reading of it can be trusted
        what = type(exc).__name__
        return RawTable(name, path, pl.DataFrame(), {"format": suffix.lstrip(".")},
                        [Problem(path.name, None, None, None, f"a readable {suffix.lstrip('.')} file ({what})")])
    return _without_total_row(table)


def _without_total_row(table: RawTable) -> RawTable:
    """A spreadsheet's `I alt` row at the bottom sums the rows above it: skipped, with a warning."""
    frame = table.frame
    if frame.height == 0:
        return table
    last = [v for k, v in frame.row(-1, named=True).items() if k != LINE and v is not None]
    if any(isinstance(v, str) and v.strip().lower() in TOTAL_WORDS for v in last):
        table.warnings += InputWarning.rows("total_row", table.path.name, [frame.get_column(LINE)[-1]])
        table.frame = frame.head(frame.height - 1)
    return table


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):   # Excel's date cells are datetimes at midnight: the date
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _load_xlsx(path: Path, name: str, known: frozenset[str]) -> RawTable:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise ValueError("not an xlsx workbook") from exc
    try:
        sheet = workbook.worksheets[0]
        all_rows = [[_cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    header_at = header_index([[c or "" for c in r] for r in all_rows[:25]], known)
    header: list[str] | None = None
    rows: list[list[str | None]] = []
    line_numbers: list[int] = []
    problems: list[Problem] = []
    titles: list[int] = []
    for number, cells in enumerate(all_rows, start=1):
        if not any(c is not None for c in cells):
            continue
        if header_at is not None and number - 1 < header_at:
            titles.append(number)        # a title above the header, as spreadsheets often have
            continue
        if header is None:
            header = header_names([c or "" for c in cells])
            while header and header[-1] == "":
                header.pop()
            problem = header_problem(header, path.name, number)
            if problem:
                return RawTable(name, path, pl.DataFrame(), {"format": "xlsx"}, [problem])
            continue
        extra = [c for c in cells[len(header):] if c is not None]
        if extra:
            problems.append(Problem(path.name, number, None, None, f"{len(header)} columns, found values beyond them"))
            continue
        rows.append((cells + [None] * len(header))[: len(header)])
        line_numbers.append(number)
    header = header or []
    data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    frame = pl.DataFrame({LINE: line_numbers, **data}, schema={LINE: pl.Int64, **{h: pl.String for h in header}})
    return RawTable(name, path, frame, {"format": "xlsx", "sheet": sheet.title}, problems,
                    InputWarning.rows("title_row", path.name, titles), padded=False)
