"""The one pass every table takes where it is read (extract.read_table): nothing stays in it that
no output may show, in any text the engine keeps or shows.

- CPR numbers in every form (privacy.py: a dash, an en-dash, a dot, a space, nine digits that lost
  their leading zero, a word before it): a citizen id becomes its keyed pseudonym (P…), a grant id
  that is a CPR number one of its own (G…), and in every other text — names, notes, accounts, kind
  codes, providers, posting texts — each is masked as [CPR]. The birth date a CPR number gives is
  taken first.
- Control characters (NUL, BEL, ESC, DEL, the C1 range, the bidirectional overrides): removed, and
  counted in a warning. None is part of a name or a note; they ring or rewrite the terminal a
  table is printed on, and no workbook may hold them.
- A name, id or code longer than MAX_TEXT characters is none anyone typed (a cell that swallowed a
  file): a problem, where a provider's would otherwise become one pattern the size of the file when
  providers are looked for in invoice texts. Free texts (a posting's text, a note) may be long.
"""

from __future__ import annotations

import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.privacy import birth_date_of, pseudonymise_column, scrub_column
from prognose.schema import LINE
from prognose.words.message import Message

MAX_TEXT = 1_000
CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\x{202A}-\x{202E}\x{2066}-\x{2069}]"   # as the regex engine writes them
IDS = {"citizen_id": "P", "grant_id": "G"}      # id columns and their pseudonyms' first letter
FREE_TEXT = ("text", "note")
_DIGITS = r"\d{6}\D?\d{3}"                      # every CPR form holds this: a column without it holds none


def finished(frame: pl.DataFrame, key: bytes, fname: str, distinct: dict[str, pl.Series] | None = None
             ) -> tuple[pl.DataFrame, list[InputWarning], list[Problem]]:
    """The table with its texts made safe, the warning that control characters were removed, and a
    problem for each name, id or code too long to be one (`distinct`: a column's distinct values,
    where the reader found them already)."""
    texts = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    if not texts or frame.is_empty():
        return frame, [], []
    found = frame.lazy().select(
        *[pl.col(c).str.len_bytes().max().alias(f"long:{c}") for c in texts if c not in FREE_TEXT],
        *[pl.col(c).str.contains(CONTROL).any().alias(f"control:{c}") for c in texts],
        *[pl.col(c).str.contains(_DIGITS).any().alias(f"digits:{c}") for c in texts]).collect().row(0, named=True)
    problems = [p for c in texts if c not in FREE_TEXT and (found[f"long:{c}"] or 0) > MAX_TEXT for p in _too_long(frame, c, fname)]
    controlled = [c for c in texts if found[f"control:{c}"]]
    frame, warnings = _without_controls(frame, controlled, fname)
    # a column whose control characters were removed has other distinct values than the reader found
    known = {c: v for c, v in (distinct or {}).items() if c not in controlled}
    if "citizen_id" in frame.columns and "birth_date" in frame.columns:
        frame = frame.with_columns(pl.coalesce("birth_date", birth_date_of(pl.col("citizen_id"))).alias("birth_date"))
    for column in texts:
        if not found[f"digits:{column}"]:
            continue
        if column in IDS:
            frame = pseudonymise_column(frame, column, key, IDS[column], known.get(column))
        else:
            frame = scrub_column(frame, column, known.get(column))
    return frame, warnings, problems


def _too_long(frame: pl.DataFrame, column: str, fname: str) -> list[Problem]:
    size = pl.col(column).str.len_chars()
    long = frame.filter(size > MAX_TEXT).select(LINE, size.alias("n"))
    return [Problem(fname, line, column, None, f"a text of at most {MAX_TEXT:,} characters (found {n:,})".replace(",", "."))
            for line, n in long.head(20).iter_rows()]


def _without_controls(frame: pl.DataFrame, columns: list[str], fname: str) -> tuple[pl.DataFrame, list[InputWarning]]:
    if not columns:
        return frame, []
    hit = pl.any_horizontal(pl.col(c).str.contains(CONTROL).fill_null(False) for c in columns)
    lines = frame.filter(hit).get_column(LINE).to_list()
    cleaned = frame.with_columns(pl.col(c).str.replace_all(CONTROL, "") for c in columns)
    detail = Message("warning.column", column=", ".join(columns))
    return cleaned, InputWarning.rows("control_characters", fname, lines, detail)
