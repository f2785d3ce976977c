"""Loading one table file into a frame of raw values, with the source line of every row.

CSV files are decoded (UTF-8 with or without BOM, else Windows-1252), their separator is
detected from the header line, and every row is checked for its number of fields (polars would
silently pad a short row with nulls). Values stay text here; `parse.py` gives them types.
.xlsx cells and .parquet columns may already be typed; the parser accepts both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.errors import Problem

LINE = "_line"
SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass
class RawTable:
    name: str
    path: Path
    frame: pl.DataFrame
    dialect: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def find_table(directory: Path, name: str) -> list[Path]:
    return [directory / f"{name}{s}" for s in SUFFIXES if (directory / f"{name}{s}").exists()]


def load_raw(path: Path, name: str) -> RawTable:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _load_csv(path, name)
    if suffix == ".xlsx":
        return _load_xlsx(path, name)
    if suffix == ".parquet":
        frame = pl.read_parquet(path, row_index_name=LINE, row_index_offset=1)   # a row's line is its number
        return RawTable(name, path, frame, {"format": "parquet"})
    raise ValueError(f"unsupported file type {path.suffix}")


def _decode(data: bytes) -> tuple[str | None, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            return None, "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return None, "unknown"


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s])


def _load_csv(path: Path, name: str) -> RawTable:
    text, encoding = _decode(path.read_bytes())
    if text is None:
        problem = Problem(path.name, None, None, None, "a text file in UTF-8 or Windows-1252")
        return RawTable(name, path, pl.DataFrame(), {"format": "csv"}, [problem])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header_index = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if header_index is None:
        problem = Problem(path.name, None, None, None, "a header line with the column names")
        return RawTable(name, path, pl.DataFrame(), {"format": "csv", "encoding": encoding}, [problem])
    sep = _separator(lines[header_index])
    dialect = {"format": "csv", "encoding": encoding, "separator": {";": "semicolon", ",": "comma", "\t": "tab"}[sep]}
    if '"' in text:
        frame, problems = _rows_with_csv_module(text, sep, path.name)
    else:
        frame, problems = _rows_vectorised(lines, header_index, sep, path.name)
    return RawTable(name, path, frame, dialect, problems)


def _header_names(cells: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in cells]


def _rows_vectorised(lines: list[str], header_index: int, sep: str, fname: str):
    header = _header_names(lines[header_index].split(sep))
    body = pl.DataFrame({"raw": lines[header_index + 1:]}, schema={"raw": pl.String}).with_row_index(LINE, offset=header_index + 2)
    body = body.with_columns(pl.col(LINE).cast(pl.Int64)).filter(pl.col("raw").str.strip_chars() != "")
    body = body.with_columns(pl.col("raw").str.split(sep).alias("_cells"))
    ragged = body.filter(pl.col("_cells").list.len() != len(header))
    problems = [
        Problem(fname, line, None, None, f"{len(header)} fields separated by '{sep}', found {n}")
        for line, n in ragged.select(LINE, pl.col("_cells").list.len()).head(50).iter_rows()
    ]
    columns = [pl.col("_cells").list.get(i, null_on_oob=True).str.strip_chars().alias(h) for i, h in enumerate(header)]
    frame = body.filter(pl.col("_cells").list.len() == len(header)).select(pl.col(LINE), *columns)
    frame = frame.with_columns(pl.col(h).replace("", None) for h in header)
    return frame, problems


def _rows_with_csv_module(text: str, sep: str, fname: str):
    reader = csv.reader(io.StringIO(text), delimiter=sep, quotechar='"')
    header: list[str] | None = None
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    problems: list[Problem] = []
    start = 1
    for cells in reader:
        if not any(c.strip() for c in cells):
            start = reader.line_num + 1
            continue
        if header is None:
            header = _header_names(cells)
        elif len(cells) != len(header):
            problems.append(Problem(fname, start, None, None, f"{len(header)} fields separated by '{sep}', found {len(cells)}"))
        else:
            rows.append([c.strip() or None for c in cells])
            line_numbers.append(start)
        start = reader.line_num + 1
    header = header or []
    data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    frame = pl.DataFrame({LINE: line_numbers, **data}, schema={LINE: pl.Int64, **{h: pl.String for h in header}})
    return frame, problems


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _load_xlsx(path: Path, name: str) -> RawTable:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        line_numbers: list[int] = []
        problems: list[Problem] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c is not None for c in cells):
                continue
            if header is None:
                header = _header_names([c or "" for c in cells])
                while header and header[-1] == "":
                    header.pop()
                continue
            extra = [c for c in cells[len(header):] if c is not None]
            if extra:
                problems.append(Problem(path.name, number, None, None, f"{len(header)} columns, found values beyond them"))
                continue
            cells = (cells + [None] * len(header))[: len(header)]
            rows.append(cells)
            line_numbers.append(number)
    finally:
        workbook.close()
    header = header or []
    data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    frame = pl.DataFrame({LINE: line_numbers, **data}, schema={LINE: pl.Int64, **{h: pl.String for h in header}})
    return RawTable(name, path, frame, {"format": "xlsx", "sheet": sheet.title}, problems)
