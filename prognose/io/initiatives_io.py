"""The action plan's initiatives (buffers/initiatives.csv, or .xlsx/.parquet, read with the buffers
directory by buffers_io): each row checked for what its kind needs, and the rows as
initiatives.Initiative records in the file's order (the order they are applied in)."""

from __future__ import annotations

import polars as pl

from prognose.errors import Problem
from prognose.initiatives import Initiative
from prognose.schema import LINE

# what each kind needs beside its name and start (column, what it must hold)
NEEDS = {"fewer_new": [("share", "a share from 0 to 1 of the new grants that do not come")],
         "lower_price": [("share", "a share from 0 to 1 the price falls by")],
         "end_earlier": [("count", "the number of grants that end at the start")],
         "move": [("count", "the number of grants moved"), ("paragraph", "the paragraph they move from"),
                  ("to_paragraph", "the paragraph they move to")],
         "fixed": [("amount", "kroner a year (negative: saved)")]}


def initiatives_of(frame: pl.DataFrame | None) -> list[Initiative]:
    """The rows of a checked initiatives table (as read, or as a snapshot keeps it), in order."""
    if frame is None:
        return []
    fields = set(Initiative.__dataclass_fields__)
    return [Initiative(**{k: v for k, v in row.items() if k in fields}) for row in frame.iter_rows(named=True)]


def check_initiatives(frame: pl.DataFrame, path: str) -> list[Problem]:
    """What each row's kind needs is there, counts are whole numbers above 0, a move goes from one
    paragraph to another, and names are unique. A kind the reader could not read is its problem
    already (parse.py); its row is not checked further."""
    years = pl.col("start").dt.year()
    problems = [Problem(path, line, "start", None, "a start date from 1900 to 2999")     # a typo such as -12026
                for line in frame.filter(years.is_not_null() & ~years.is_between(1900, 2999)).get_column(LINE).to_list()]
    for row in frame.drop("start").iter_rows(named=True):
        if row["kind"] not in NEEDS:
            continue
        for column, expected in NEEDS[row["kind"]]:
            if row[column] is None:
                problems.append(Problem(path, row[LINE], column, "", f"{expected} (kind {row['kind']})"))
        if row["count"] is not None and (row["count"] <= 0 or row["count"] != int(row["count"])):
            problems.append(Problem(path, row[LINE], "count", str(row["count"]), "a whole number of grants above 0"))
        if row["kind"] == "move" and row["paragraph"] is not None and row["paragraph"] == row["to_paragraph"]:
            problems.append(Problem(path, row[LINE], "to_paragraph", row["to_paragraph"], "another paragraph than the one moved from"))
    names = frame.get_column("name")
    for line, name in frame.filter(names.is_duplicated()).select(LINE, "name").iter_rows():
        problems.append(Problem(path, line, "name", name, "a name of its own for each initiative"))
    return problems
