"""A table as read from a file, before its values have types: raw cells with the line of each row,
the dialect found, and what was found wrong or read in the one way a controller would.

The header rules are shared by CSV files and workbooks; blanks are those Python's str.strip() takes
away, the csv module reading's, so that every reading trims a cell alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.errors import InputWarning, Problem

BLANKS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())
BLANK = "[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in BLANKS) + "]"          # one blank, as a pattern
NOT_BLANK = "[^" + BLANK[1:]                                                  # anything else


@dataclass
class RawTable:
    name: str
    path: Path
    frame: pl.DataFrame
    dialect: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    padded: bool = True         # text cells may keep blanks around them, as written (parse.py trims them);
                                # False where the reader trimmed them
    distinct: dict[str, pl.Series] = field(default_factory=dict)   # a large file's text columns' distinct
                                # values as parse.py typed them: what later steps work on once per value


def trimmed(c: pl.Expr) -> pl.Expr:
    """The text without the blanks around it, missing where nothing is left."""
    t = c.str.strip_chars(BLANKS)
    return pl.when(t.str.len_bytes() > 0).then(t)


def header_index(rows: list[list[str]], known: frozenset[str]) -> int | None:
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


def header_names(cells: list[str]) -> list[str]:
    return [c.strip().lstrip("\ufeff") for c in cells]


def header_problem(header: list[str], fname: str, line: int) -> Problem | None:
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
