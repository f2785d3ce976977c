"""Reading a CSV file into raw text cells, each row with the number of its line, as the csv module would.

A file is UTF-8 (with or without a byte-order mark), or else Windows-1252, which is made UTF-8 by
Python's codec, as polars itself reads it. polars reads the bytes as they are: it skips the lines
above the header, ends a line at CRLF as at LF and says where a byte is no UTF-8. The header is
found near the top; the rows below it are read in the first of three ways that fits the file:

  fields      no quote below the header: polars reads the fields, once. A line with more fields than
              the header stops it; a blank line shows in the first column, and one with fewer fields
              in the count of separators (it can be short only if its last field is empty), and
              either hands the file on. Blanks around a cell are left for parse.py to trim.
  lines       quotes, blank or ragged lines: polars reads each line once as one value (its number,
              count of fields, whether it holds only separators) and once as fields.
  csv module  a quoted field over two lines, or a byte that keeps a line whole: Python's csv module.

Each gives the same rows, line numbers, problems and skipped lines (tests/test_io_read.py holds them
to it). A lone carriage return ends a line, as the csv module reads it: a file that has one (an old
Mac export) is made LF first.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from pathlib import Path

import numpy as np
import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.io.table import BLANK, NOT_BLANK, RawTable, header_index, header_names, header_problem, trimmed
from prognose.schema import LINE

BOM = b"\xef\xbb\xbf"
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
HEAD_LINES = 200    # the header is looked for near the top (a few title rows at most)
UNUSED = "\x1f"     # a byte no text file holds (the ASCII unit separator): reads each line as one value
SEPARATORS = {";": "semicolon", ",": "comma", "\t": "tab"}
STEP = 1 << 24      # bytes worked on at once: decoded, or looked at by numpy (a view of them, not a copy)


class NotUtf8(Exception):
    """polars met a byte that is no UTF-8: the file is read again as Windows-1252."""


def load_csv(path: Path, name: str, known: frozenset[str]) -> RawTable:
    """The rows of the CSV file at `path`: its bytes are looked at where they lie (mapped, not read
    into memory), and polars reads the file itself while they are UTF-8 as they stand."""
    if path.stat().st_size == 0:
        return read_csv_bytes(b"", path, name, known)
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return read_csv_bytes(data, path, name, known, source=path)


def read_csv_bytes(data: bytes | mmap.mmap, path: Path, name: str, known: frozenset[str],
                   source: Path | None = None) -> RawTable:
    """The rows of a CSV file whose bytes are `data` (`path` names it; `source`, where given, is
    the file polars reads while those bytes are unchanged)."""
    if data[:2] in UTF16_MARKS:      # Excel's "Unicode text": UTF-16 behind its mark, made UTF-8 once
        try:
            utf8 = data[:].decode("utf-16").encode("utf-8")
            return _load(utf8, utf8, "UTF-16", path, name, known)
        except (UnicodeDecodeError, NotUtf8):
            return RawTable(name, path, pl.DataFrame(), {"format": "csv"},
                            [Problem(path.name, None, None, None, "a text file in UTF-8, UTF-16 or Windows-1252")])
    encodings = ("UTF-8 with BOM",) if data[:len(BOM)] == BOM else ("UTF-8", "Windows-1252")
    for encoding in encodings:
        if encoding == "Windows-1252":
            try:
                data, source = _as_utf8(data), None
            except UnicodeDecodeError:      # a byte Windows-1252 leaves undefined
                break
        try:
            return _load(data, source or data, encoding, path, name, known)
        except NotUtf8:
            continue
    return RawTable(name, path, pl.DataFrame(), {"format": "csv"},
                    [Problem(path.name, None, None, None, "a text file in UTF-8 or Windows-1252")])


def _as_utf8(data: bytes | mmap.mmap) -> bytes:
    """Windows-1252 bytes as UTF-8, a slice at a time (the file is never held whole as text)."""
    return b"".join(data[i:i + STEP].decode("cp1252").encode("utf-8") for i in range(0, len(data), STEP))


def _load(data: bytes | mmap.mmap, source: bytes | mmap.mmap | Path, encoding: str, path: Path, name: str,
          known: frozenset[str]) -> RawTable:
    """The file's rows in `encoding` (raises NotUtf8 where its bytes are no UTF-8); polars reads `source`."""
    if _lone_cr(data):      # it ends a line too (polars would take it away at a field's end)
        data = source = bytes(data).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    start = len(BOM) if encoding == "UTF-8 with BOM" else 0
    lines, ends = _head(data, start, HEAD_LINES)
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None and len(lines) == HEAD_LINES:
        lines, ends = _head(data, start, None)
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        problem = Problem(path.name, None, None, None, "a header line with the column names")
        return RawTable(name, path, pl.DataFrame(), {"format": "csv", "encoding": encoding}, [problem])
    at = header_index([ln.split(_separator(ln)) for ln in lines[:first + 25]], known)
    at = first if at is None else at      # no row names anything (only separators): the first line, as found
    sep = _separator(lines[at])
    dialect = {"format": "csv", "encoding": encoding, "separator": SEPARATORS[sep]}
    warnings = InputWarning.rows("title_row", path.name, [i + 1 for i in range(first, at) if lines[i].strip()])
    body = ends[at] if at < len(ends) else len(data)
    read = _rows_by_polars(data, source, lines[at], body, at, sep, path.name)
    if read is None:            # a quoted field over two lines, or an unusual byte: the csv module reads it
        read = _rows_with_csv_module(_text(data, start), sep, path.name, at + 1)
    frame, problems, skipped, padded = read
    warnings += InputWarning.rows("separator_row", path.name, skipped)
    return RawTable(name, path, frame, dialect, problems, warnings, padded=padded)


def _lone_cr(data: bytes | mmap.mmap) -> bool:
    """Whether a carriage return stands without a line feed after it."""
    if data.find(b"\r") < 0:
        return False
    view = np.frombuffer(data, np.uint8)
    for i in range(0, len(view), STEP):
        chunk = view[i:i + STEP + 1]
        if (chunk[np.flatnonzero(chunk[:-1] == ord("\r")) + 1] != ord("\n")).any():
            return True
    return bool(view[-1] == ord("\r"))


def _count(data: bytes | mmap.mmap, byte: str, start: int) -> int:
    """How many times `byte` occurs in data[start:]."""
    view = np.frombuffer(data, np.uint8)[start:]
    return sum(int(np.count_nonzero(view[i:i + STEP] == ord(byte))) for i in range(0, len(view), STEP))


def _head(data: bytes | mmap.mmap, start: int, limit: int | None) -> tuple[list[str], list[int]]:
    """The first `limit` lines (all without one) as text without their line ends, and the byte
    offset after each line's end (a last line without one has none)."""
    ends: list[int] = []
    at = start
    while limit is None or len(ends) < limit:
        at = data.find(b"\n", at) + 1
        if at == 0:
            break
        ends.append(at)
    stop = ends[-1] if limit is not None and len(ends) == limit else len(data)
    try:
        text = data[start:stop].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8 from exc
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines], ends


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda s: counts[s])


def _text(data: bytes | mmap.mmap, start: int) -> str:
    try:
        return data[start:].decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise NotUtf8 from exc


def _read(source: bytes | mmap.mmap | Path, **options) -> pl.DataFrame:
    """pl.read_csv of the file; a byte that is no UTF-8 raises NotUtf8, nothing below the header an empty frame."""
    try:
        return pl.read_csv(source, has_header=False, infer_schema=False, **options)
    except pl.exceptions.NoDataError:
        return pl.DataFrame(schema=options.get("schema") or dict.fromkeys(options.get("new_columns", []), pl.String))
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            raise NotUtf8 from exc
        raise


def _rows_by_polars(data: bytes | mmap.mmap, source, header_line: str, body: int, at: int, sep: str, fname: str):
    """(rows, problems, skipped lines, padded) as polars reads them, fields first, else lines; None
    when neither can say which line a row is on (then the csv module reads the file)."""
    try:
        cells = next(csv.reader([header_line], delimiter=sep, quotechar='"', strict=True), [])
    except csv.Error:       # the csv module says where and why
        return None
    header = header_names(cells)
    problem = header_problem(header, fname, at + 1)
    if problem:
        return pl.DataFrame(), [problem], [], False
    frame = _rows_by_fields(data, source, header, body, at, sep)
    if frame is not None:
        return frame, [], [], True
    facts = _line_facts(data, source, at, sep)
    return None if facts is None else _rows_by_lines(facts, source, header, at, sep, fname)


def _names(n: int) -> list[str]:
    return [f"_{i}" for i in range(n)]


def _blank(c: pl.Expr) -> pl.Expr:
    return c.is_null() | c.str.contains(f"^{BLANK}*$")


def _rows_by_fields(data: bytes | mmap.mmap, source, header: list[str], body: int, at: int, sep: str) -> pl.DataFrame | None:
    """The rows of a file with no quote below the header, read once as fields, each with its line;
    None when a line is blank or has another count of fields than the header (the lines reading
    says which and where)."""
    if data.find(b'"', body) >= 0 or data.find(UNUSED.encode(), body) >= 0:
        return None
    names = _names(len(header))
    try:
        cells = _read(source, separator=sep, schema=dict.fromkeys(names, pl.String), skip_lines=at + 1, quote_char=None)
    except pl.exceptions.PolarsError:       # a line with more fields than the header, or a first one with fewer
        return None
    first = pl.col(names[0])
    if cells.select(_blank(first).any()).item() and \
            cells.filter(_blank(first)).select(pl.all_horizontal(_blank(pl.col(n)) for n in names).any()).item():
        return None
    # a line with fewer fields has a missing last one; if some are, the separators are counted
    if len(names) > 1 and cells.get_column(names[-1]).null_count() and \
            _count(data, sep, body) != (len(names) - 1) * cells.height:
        return None
    line = pl.int_range(pl.len(), dtype=pl.Int64) + (at + 2)
    return cells.select(line.alias(LINE), *[pl.col(n).alias(h) for n, h in zip(names, header)])


def _line_facts(data: bytes | mmap.mmap, source, at: int, sep: str) -> pl.DataFrame | None:
    """Per line below the header: its number, its count of fields (separators outside quotes + 1),
    whether it holds only separators and blanks, and whether it holds anything but blanks. Each
    line is read as one text value by polars (a Python list of millions of lines costs seconds) and
    let go once counted. None when a quote opened on a line does not close on it, or a line holds
    the byte that keeps it whole."""
    if data.find(UNUSED.encode()) >= 0:
        return None
    body = _read(source, separator=UNUSED, new_columns=["raw"], quote_char=None, skip_lines=at + 1)
    raw = pl.col("raw")
    if body.select((raw.str.count_matches('"', literal=True) % 2 == 1).any()).item():
        return None
    quoted = body.select(raw.str.contains('"', literal=True).any()).item()
    outside = raw.str.replace_all(r'"[^"]*"', "") if quoted else raw
    s = re.escape(sep)
    # a cell with blanks around it: blanks next to a separator or a line's end (or anywhere, with quotes)
    padded = pl.lit(True) if quoted else raw.str.contains(f"(^|{s}){BLANK}|{BLANK}($|{s})").fill_null(False)
    return body.with_row_index(LINE, offset=at + 2).select(
        pl.col(LINE).cast(pl.Int64), (outside.str.count_matches(sep, literal=True).fill_null(0) + 1).alias("fields"),
        raw.str.contains(f"^(?:{BLANK}|{s})*$").fill_null(True).alias("empty"),
        raw.str.contains(NOT_BLANK).fill_null(False).alias("has_text"),
        pl.lit(quoted).alias("quoted"), padded.alias("padded"))


def _rows_by_lines(facts: pl.DataFrame, source, header: list[str], at: int, sep: str, fname: str):
    """The rows of a file whose every line is one row: polars splits them into fields (with its
    quoting rules); the lines' facts (_line_facts) find the ragged ones and those of only separators.
    None when polars sees the rows otherwise than line by line (then no line number can be trusted)."""
    skipped = facts.filter(pl.col("empty") & pl.col("has_text")).get_column(LINE).to_list()   # only separators
    ragged = facts.filter(~pl.col("empty") & (pl.col("fields") != len(header)))
    problems = [
        Problem(fname, line, None, None, f"{len(header)} fields separated by '{sep}', found {n}")
        for line, n in ragged.select(LINE, "fields").head(50).iter_rows()
    ]
    names = _names(len(header))
    # a line with fewer fields is padded, one with more cut (both reported above, never read)
    cells = _read(source, separator=sep, schema=dict.fromkeys(names, pl.String), skip_lines=at + 1,
                  quote_char='"' if facts.get_column("quoted").any() else None, truncate_ragged_lines=True,
                  missing_columns="insert", extra_columns="ignore") if facts.height else pl.DataFrame(
        schema=dict.fromkeys(names, pl.String))
    if cells.height != facts.height:
        return None
    frame = (pl.concat([facts.select(LINE, "fields", "empty"), cells], how="horizontal").lazy()
             .filter(~pl.col("empty") & (pl.col("fields") == len(header))).drop("fields", "empty").collect())
    kept = ~pl.col("empty") & (pl.col("fields") == len(header))
    if facts.select((kept & pl.col("padded")).any()).item():
        padded = frame.select((pl.col(n).str.contains(f"^{BLANK}|{BLANK}$") | (pl.col(n) == "")).any()
                              for n in names).row(0)
    else:       # no line has a blank next to a separator: no cell to trim
        padded = (False,) * len(names)
    return frame.select(LINE, *[_trimmed(n, p).alias(h) for n, p, h in zip(names, padded, header)]), problems, skipped, False


def _trimmed(name: str, padded: bool) -> pl.Expr:
    """A cell without surrounding blanks, an empty one missing; a column with neither is taken as read."""
    if not padded:
        return pl.col(name)
    return trimmed(pl.col(name))


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
        return pl.DataFrame(), [Problem(fname, reader.line_num, None, None, f"{what} (the file cannot be read from here on)")], [], False
    for cells, line_num in rows_read:
        if start < header_line or not any(c.strip() for c in cells):
            if header is not None and len(cells) > 1:
                skipped.append(start)
            start = line_num + 1
            continue
        if header is None:
            header = header_names(cells)
            problem = header_problem(header, fname, start)
            if problem:
                return pl.DataFrame(), [problem], [], False
        elif len(cells) != len(header):
            problems.append(Problem(fname, start, None, None, f"{len(header)} fields separated by '{sep}', found {len(cells)}"))
        else:
            rows.append([c.strip() or None for c in cells])
            line_numbers.append(start)
        start = line_num + 1
    header = header or []
    data = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    frame = pl.DataFrame({LINE: line_numbers, **data}, schema={LINE: pl.Int64, **{h: pl.String for h in header}})
    return frame, problems, skipped, False


def _numbered(reader):
    """Each row with the number of the line it ends on."""
    for cells in reader:
        yield cells, reader.line_num
