"""A record's tables as a workbook and a page show them: a title, the columns as the reader's
language names them, the rows (numbers as numbers, formatted only where they are written), notes.
A view that has none of its own gives its CSV's table."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from prognose.report.csv_out import HEADERS, CsvTable, words
from prognose.report.words import label


@dataclass(frozen=True)
class Table:
    title: str
    frame: pl.DataFrame                 # the columns as shown, named in the reader's language
    notes: tuple[str, ...] = ()
    decimals: int = 0                   # digits after the decimal sign of its figures
    total: bool = False                 # its last row is the total of the rows above it
    right: tuple[str, ...] = ()         # columns of figures already written as text (aligned as figures)


def of(record, view, style) -> list[Table]:
    """The record's tables: its view's own, else its CSV's."""
    if hasattr(view, "tables"):
        return view.tables(record, style)
    if not hasattr(view, "csv"):
        return []
    return [from_csv(view.csv(record, style), style, label(style.lang, f"title.{record.kind}"))]


def from_csv(table: CsvTable, style, title: str) -> Table:
    """A CSV table with the reader's headers and words (as the Danish dialect writes them)."""
    i = 0 if style.lang == "da" else 1
    frame = words(table.frame, style.lang, table.values)
    frame = frame.rename({c: HEADERS[c][i] for c in frame.columns if c in HEADERS})
    return Table(title, frame, decimals=table.decimals or 0)
