"""Cost of hypothetical grants (a listed person, an expected newcomer) by month: periodisation reused."""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.periodise import periodise


def months_after(as_of: dt.date, year: int) -> tuple[dt.date, dt.date]:
    return as_of + dt.timedelta(days=1), dt.date(year, 12, 31)


def synthetic_cost(rows: pl.DataFrame, year: int, as_of: dt.date, price_index: dict[int, float]) -> pl.DataFrame:
    """rows: key, unit, rate, quantity, start_date, end_date (null = open), price_year (null = none).
    Returns key, month, cost (øre, float) for days after as_of in the year."""
    if rows.is_empty():
        return pl.DataFrame(schema={"key": pl.String, "month": pl.Date, "cost": pl.Float64})
    g = rows.select(pl.col("key").alias("grant_id"), "unit", "rate", pl.col("quantity").fill_null(1.0), "start_date",
                    "end_date", pl.col("price_year").cast(pl.Int64))
    steps = pl.LazyFrame(schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64})
    first, last = months_after(as_of, year)
    out = periodise(g.lazy(), steps, dt.date(year, 1, 1), last, price_index, split=as_of).collect()
    return out.filter(pl.col("after")).select(pl.col("grant_id").alias("key"), "month", pl.col("ore").cast(pl.Float64).alias("cost"))


def account_of(paragraph: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    return paragraph.replace_strict(list(mapping), list(mapping.values()), default=None, return_dtype=pl.String)
