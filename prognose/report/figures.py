"""The forecast's figures in whole kroner as every output shows them, rounded once from the øre by
the one rule (words/locale.shares): a table per account, paragraph or provider type, the months,
the parts not yet booked, a bridge. Every writer that shows kroner takes them from here, so `run`,
`explain`, `project`, `diff`, `history` and every sheet of the workbook show the same kroner for
the same figure, and the rows shown add up to the total shown.

How the figures hang together, in kroner as in øre:
  - the total of a figure is its øre rounded half up; the rows of any table are its shares;
  - a deviation is the forecast shown less the budget shown (row by row and in total);
  - what is not yet booked is the forecast shown less what is booked shown, in total and by month,
    and its parts are the shares of that.
"""

from __future__ import annotations

import polars as pl

from prognose.views import by as by_view, months as months_of, months_by
from prognose.words.locale import shares, whole_kroner

MONEY = ("budget", "actual_to_date", "forecast")


def whole(frame: pl.DataFrame, columns: tuple[str, ...] = MONEY) -> pl.DataFrame:
    """A table's rows (øre) with its money in whole kroner: each column the shares of its total,
    and the deviation the forecast shown less the budget shown."""
    present = [c for c in columns if c in frame.columns]
    out = frame.with_columns(pl.Series(c, shares(frame.get_column(c).to_list()), dtype=pl.Int64) for c in present)
    if "deviation" in frame.columns and {"budget", "forecast"} <= set(present):
        out = out.with_columns((pl.col("forecast") - pl.col("budget")).alias("deviation"))
    return out


def totals(frame: pl.DataFrame, columns: tuple[str, ...] = MONEY) -> dict[str, int]:
    """The totals of a table's money in whole kroner (the sums of whole()'s rows), with the deviation."""
    out = {c: whole_kroner(int(frame.get_column(c).sum())) for c in columns if c in frame.columns}
    if {"budget", "forecast"} <= set(out):
        out["deviation"] = out["forecast"] - out["budget"]
    return out


def row(frame: pl.DataFrame, key: str, value, columns: tuple[str, ...] = MONEY) -> dict[str, int] | None:
    """One row of whole() — an account's figures as the table of every account shows them."""
    shown = whole(frame, columns).filter(pl.col(key) == value)
    return shown.row(0, named=True) if shown.height else None


def months(actual: list[int], expected: list[int], shown: dict[str, int] | None = None) -> tuple[list[int], list[int], list[int]]:
    """The months' booked, still expected and forecast in whole kroner: the forecast and what is
    booked each the shares of their year (of `shown`'s forecast and actual_to_date, where a table
    of the year's rows shows them already), what is expected their difference month by month."""
    shown = shown or {}
    forecast = shares([a + e for a, e in zip(actual, expected)], to=shown.get("forecast"))
    booked = shares(actual, to=shown.get("actual_to_date"))
    return booked, [f - b for f, b in zip(forecast, booked)], forecast


def ahead(total_forecast: int, total_booked: int) -> int:
    """What is not yet booked in whole kroner: the forecast shown less what is booked shown."""
    return whole_kroner(total_forecast) - whole_kroner(total_booked)


def parts(values, total_forecast: int, total_booked: int) -> list[int]:
    """The parts of what is not yet booked (øre) in whole kroner, adding up to ahead()."""
    return shares(values, to=ahead(total_forecast, total_booked))


def bridge(before: int, after: int, amounts: list[int]) -> tuple[int, list[int], int]:
    """A bridge from a forecast before to one after in whole kroner: each forecast shown as every
    table shows it, the causes the shares of the change shown."""
    kr_before, kr_after = whole_kroner(before), whole_kroner(after)
    return kr_before, shares(amounts, to=kr_after - kr_before), kr_after


def monthly(fc, key: str | None) -> pl.DataFrame:
    """The months of a forecast (views.months; of each account, paragraph or provider type with a
    key) in whole kroner: actual, expected and forecast, each group's months the shares of its row
    in the table per group."""
    table = (months_of(fc) if key is None else months_by(fc, key)).with_columns(
        (pl.col("actual") + pl.col("expected")).alias("forecast"))
    groups = [table] if key is None else [table.filter(pl.col(key) == v) for v in table.get_column(key).unique(maintain_order=True)]
    rows = whole(by_view(fc, key)) if key is not None else None
    out = []
    for g in groups:
        shown = rows.filter(pl.col(key) == g.get_column(key)[0]).row(0, named=True) if rows is not None else None
        booked, expected, forecast = months(g.get_column("actual").to_list(), g.get_column("expected").to_list(), shown)
        out.append(g.with_columns(pl.Series("actual", booked, dtype=pl.Int64), pl.Series("expected", expected, dtype=pl.Int64),
                                  pl.Series("forecast", forecast, dtype=pl.Int64)))
    return pl.concat(out)
