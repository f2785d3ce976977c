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
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.schema import LINE

SUFFIXES = (".csv", ".xlsx", ".parquet")
# A cell that makes the last row a sum of the ones above it, as spreadsheets write them.
TOTAL_WORDS = ("i alt", "ialt", "i alt:", "total", "totalt", "total:", "sum", "sum:", "samlet", "grand total")


@dataclass
class RawTable:
    name: str
    path: Path
    frame: pl.DataFrame
    dialect: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


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
            table = _load_csv(path, name, known)
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


def _header_index(rows: list[list[str]], known: frozenset[str]) -> int | None:
    """The first non-empty row naming two known columns; else the first non-empty row."""
    first = None
    for i, cells in enumerate(rows):
        names = [c.strip().strip('"').lstrip("\ufeff").strip().lower() for c in cells]
        if not any(names):
            continue
        first = i if first is None else first
        if sum(n in known for n in names) >= 2:
            return i
        if i - (first or 0) > 20:     # a header is near the top; further down it is data
            break
    return first


def _decode(data: bytes) -> tuple[str | None, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):     # Excel's "Unicode text": UTF-16 behind its mark
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None, "UTF-16"
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


HEAD_LINES = 200    # the header is looked for near the top (a few title rows at most)


def _load_csv(path: Path, name: str, known: frozenset[str]) -> RawTable:
    text, encoding, utf8 = _text(path)
    if text is None:
        problem = Problem(path.name, None, None, None, "a text file in UTF-8 or Windows-1252")
        return RawTable(name, path, pl.DataFrame(), {"format": "csv"}, [problem])
    lines = text.split("\n", HEAD_LINES)[:HEAD_LINES]     # the top; the body is read whole below
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None and len(lines) == HEAD_LINES:
        lines = text.split("\n")
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        problem = Problem(path.name, None, None, None, "a header line with the column names")
        return RawTable(name, path, pl.DataFrame(), {"format": "csv", "encoding": encoding}, [problem])
    head = [ln.split(_separator(ln)) for ln in lines[:first + 25]]
    header_index = _header_index(head, known)
    if header_index is None:          # no row names anything (only separators): the first line, as found
        header_index = first
    sep = _separator(lines[header_index])
    dialect = {"format": "csv", "encoding": encoding, "separator": {";": "semicolon", ",": "comma", "\t": "tab"}[sep]}
    warnings = InputWarning.rows("title_row", path.name, [i + 1 for i in range(first, header_index) if lines[i].strip()])
    data = _utf8(text, utf8)
    del text, utf8              # millions of lines: held once, as the bytes polars reads
    read = _rows_by_polars(data, lines[header_index], header_index, sep, path.name) if data is not None else None
    del data
    if read is None:            # a quoted field over two lines, or an unusual byte: the csv module reads it
        read = _rows_with_csv_module(_text(path)[0], sep, path.name, header_index + 1)
    frame, problems, skipped = read
    warnings += InputWarning.rows("separator_row", path.name, skipped)
    return RawTable(name, path, frame, dialect, problems, warnings)


def _text(path: Path) -> tuple[str | None, str, bytes | None]:
    """The file's text with Unix line ends, its encoding, and its bytes where they are that text in UTF-8."""
    data = path.read_bytes()
    text, encoding = _decode(data)
    utf8 = data if encoding == "UTF-8" else None      # its bytes are already what polars reads
    if text is not None and "\r" in text:
        text, utf8 = text.replace("\r\n", "\n").replace("\r", "\n"), None
    return text, encoding, utf8


UNUSED = "\x1f"    # a byte no text file holds (the ASCII unit separator): reads each line as one value


def _utf8(text: str, utf8: bytes | None = None) -> bytes | None:
    """The text as UTF-8 (`utf8`: the file's own bytes, when they are that), or None when the text
    holds the byte that keeps a line whole."""
    if UNUSED in text:
        return None
    return utf8 if utf8 is not None else text.encode("utf-8")


def _rows_by_polars(data: bytes, header_line: str, header_index: int, sep: str, fname: str):
    """The rows below the header, read by polars when every line is one row (no quoted field spans
    lines); None when it is not so (then the csv module reads the file)."""
    try:
        header = next(csv.reader([header_line], delimiter=sep, quotechar='"', strict=True), [])
    except csv.Error:       # the csv module says where and why
        return None
    facts = _line_facts(data, header_index, sep)
    if facts is None:
        return None
    return _rows_vectorised(facts, data, _header_names(header), header_index, sep, fname)


def _line_facts(data: bytes, header_index: int, sep: str) -> pl.DataFrame | None:
    """Per line below the header: its number, its count of fields (separators outside quotes + 1),
    whether it holds only separators and blanks, and whether it holds anything but blanks. Each
    line is read as one text value by polars (a Python list of millions of lines costs seconds) and
    let go once counted. None when a quote opened on a line does not close on it."""
    try:
        body = pl.read_csv(data, separator=UNUSED, has_header=False, new_columns=["raw"], quote_char=None, infer_schema=False,
                           skip_lines=header_index + 1)
    except pl.exceptions.NoDataError:     # nothing below the header
        body = pl.DataFrame(schema={"raw": pl.String})
    raw = pl.col("raw")
    if body.select((raw.str.count_matches('"', literal=True) % 2 == 1).any()).item():
        return None
    quoted = body.select(raw.str.contains('"', literal=True).any()).item()
    outside = raw.str.replace_all(r'"[^"]*"', "") if quoted else raw
    s = re.escape(sep)
    # a cell with blanks around it: blanks next to a separator or a line's end (or anywhere, with quotes)
    padded = pl.lit(True) if quoted else raw.str.contains(f"(^|{s})\\s|\\s($|{s})").fill_null(False)
    return body.with_row_index(LINE, offset=header_index + 2).select(
        pl.col(LINE).cast(pl.Int64), (outside.str.count_matches(sep, literal=True).fill_null(0) + 1).alias("fields"),
        raw.str.contains(f"^[\\s{s}]*$").fill_null(True).alias("empty"),
        raw.str.contains(r"[^\s]").fill_null(False).alias("has_text"),
        pl.lit(quoted).alias("quoted"), padded.alias("padded"))


def _header_names(cells: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in cells]


def _header_problem(header: list[str], fname: str, line: int) -> Problem | None:
    """Two columns of one name cannot both be read; a name is echoed only if it holds no digit
    (a data row taken for the header may hold a CPR number)."""
    twice = sorted({h for h in header if header.count(h) > 1})
    if not twice:
        return None
    if any(ch.isdigit() for h in header for ch in h):
        return Problem(fname, line, None, None, "a header row naming the columns (this row holds names with digits, "
                                                "as data does: is the header missing?)")
    names = ", ".join(repr(h) for h in twice)
    return Problem(fname, line, None, None, f"a header row with each column name once (twice: {names})")


def _rows_vectorised(facts: pl.DataFrame, data: bytes, header: list[str], header_index: int, sep: str, fname: str):
    """The rows of a file whose every line is one row: polars splits them into fields (with its
    quoting rules); the lines' facts (_line_facts) find the ragged ones and those of only separators.
    None when polars sees the rows otherwise than line by line (then no line number can be trusted)."""
    problem = _header_problem(header, fname, header_index + 1)
    if problem:
        return pl.DataFrame(), [problem], []
    skipped = facts.filter(pl.col("empty") & pl.col("has_text")).get_column(LINE).to_list()   # only separators
    ragged = facts.filter(~pl.col("empty") & (pl.col("fields") != len(header)))
    problems = [
        Problem(fname, line, None, None, f"{len(header)} fields separated by '{sep}', found {n}")
        for line, n in ragged.select(LINE, "fields").head(50).iter_rows()
    ]
    names = [f"_{i}" for i in range(len(header))]
    # a line with fewer fields is padded, one with more cut (both reported above, never read)
    cells = pl.read_csv(data, separator=sep, has_header=False, schema={n: pl.String for n in names}, skip_lines=header_index + 1,
                        quote_char='"' if facts.get_column("quoted").any() else None, truncate_ragged_lines=True,
                        missing_columns="insert", extra_columns="ignore") if facts.height else pl.DataFrame(
        schema={n: pl.String for n in names})
    if cells.height != facts.height:
        return None
    frame = (pl.concat([facts.select(LINE, "fields", "empty"), cells], how="horizontal").lazy()
             .filter(~pl.col("empty") & (pl.col("fields") == len(header))).drop("fields", "empty").collect())
    kept = ~pl.col("empty") & (pl.col("fields") == len(header))
    if facts.select((kept & pl.col("padded")).any()).item():
        padded = frame.select((pl.col(n).str.contains(r"^\s|\s$") | (pl.col(n) == "")).any() for n in names).row(0)
    else:       # no line has a blank next to a separator: no cell to trim
        padded = (False,) * len(names)
    return frame.select(LINE, *[_trimmed(n, p).alias(h) for n, p, h in zip(names, padded, header)]), problems, skipped


def _trimmed(name: str, padded: bool) -> pl.Expr:
    """A cell without surrounding blanks, an empty one missing; a column with neither is taken as read."""
    if not padded:
        return pl.col(name)
    t = pl.col(name).str.strip_chars()
    return pl.when(t.str.len_bytes() > 0).then(t)


def _rows_with_csv_module(text: str, sep: str, fname: str, header_line: int):
    reader = csv.reader(io.StringIO(text), delimiter=sep, quotechar='"', strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    problems: list[Problem] = []
    skipped: list[int] = []
    start = 1
    try:
        rows_read = list(_numbered(reader))
    except csv.Error as exc:          # an unterminated quote, a field beyond the csv module's limit
        what = "a closing quote" if "unexpected end" in str(exc) or "EOF" in str(exc) else "fields below 131.072 characters"
        return pl.DataFrame(), [Problem(fname, reader.line_num, None, None, f"{what} (the file cannot be read from here on)")], []
    for cells, line_num in rows_read:
        if start < header_line or not any(c.strip() for c in cells):
            if header is not None and len(cells) > 1:
                skipped.append(start)
            start = line_num + 1
            continue
        if header is None:
            header = _header_names(cells)
            problem = _header_problem(header, fname, start)
            if problem:
                return pl.DataFrame(), [problem], []
        elif len(cells) != len(header):
            problems.append(Problem(fname, start, None, None, f"{len(header)} fields separated by '{sep}', found {len(cells)}"))
        else:
            rows.append([c.strip() or None for c in cells])
            line_numbers.append(start)
        start = line_num + 1
    header = header or []
    data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    frame = pl.DataFrame({LINE: line_numbers, **data}, schema={LINE: pl.Int64, **{h: pl.String for h in header}})
    return frame, problems, skipped


def _numbered(reader):
    """Each row with the number of the line it ends on."""
    for cells in reader:
        yield cells, reader.line_num


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
    header_at = _header_index([[c or "" for c in r] for r in all_rows[:25]], known)
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
            header = _header_names([c or "" for c in cells])
            while header and header[-1] == "":
                header.pop()
            problem = _header_problem(header, path.name, number)
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
                    InputWarning.rows("title_row", path.name, titles))
