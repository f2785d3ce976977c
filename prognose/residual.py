"""The part of each account that no grant explains, and its forecast from the account's history.

Own institutions' payroll, sales of places to other municipalities, frame-financed services,
price regulations a grant's rate does not show: per account and booking month,
    unexplained(b) = booked(b) − expected grant bookings(b).
It is forecast as a seasonal profile (from the complete years of history) on a level and a
linear trend taken from the last 24 closed months.
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def months_between(a: pl.Expr, b: dt.date) -> pl.Expr:
    """Whole months from month a to month b (b − a)."""
    return (b.year - a.dt.year()) * 12 + (b.month - a.dt.month())


def forecast_unexplained(history: pl.DataFrame, last_closed: dt.date, targets: list[dt.date]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """history: account, month, unexplained (øre, float) for closed months up to `last_closed`.

    Returns (account, month, amount) for each target month, and the parameters per account:
    level and trend (øre per month), seasonal amplitude, months of history used.
    """
    h = history.with_columns(pl.col("month").dt.year().alias("y"), pl.col("month").dt.month().alias("moy"))
    complete = h.group_by("account", "y").agg(pl.len().alias("n")).filter(pl.col("n") == 12)
    seasonal = (
        h.join(complete, on=["account", "y"], how="semi")
        .with_columns((pl.col("unexplained") - pl.col("unexplained").mean().over("account", "y")).alias("dev"))
        .group_by("account", "moy").agg(pl.col("dev").mean().alias("season"))
    )
    h = h.join(seasonal, on=["account", "moy"], how="left").with_columns(pl.col("season").fill_null(0.0))
    h = h.with_columns((pl.col("unexplained") - pl.col("season")).alias("adj"),
                       months_between(pl.col("month"), last_closed).alias("age"))
    recent = h.filter(pl.col("age") < 12)
    before = h.filter((pl.col("age") >= 12) & (pl.col("age") < 24))
    params = (
        recent.group_by("account").agg(pl.col("adj").mean().alias("level"), pl.len().alias("recent_months"))
        .join(before.group_by("account").agg(pl.col("adj").mean().alias("prior"), pl.len().alias("prior_months")),
              on="account", how="left")
        .with_columns(
            pl.when(pl.col("prior_months") == 12).then((pl.col("level") - pl.col("prior")) / 12).otherwise(0.0).alias("trend"),
            (pl.col("recent_months") + pl.col("prior_months").fill_null(0)).alias("months_used"),
        )
        .join(seasonal.group_by("account").agg((pl.col("season").max() - pl.col("season").min()).alias("season_range")),
              on="account", how="left")
        .select("account", "level", "trend", pl.col("season_range").fill_null(0.0), "months_used")
    )
    grid = pl.DataFrame({"month": targets}, schema={"month": pl.Date})
    out = (
        params.join(grid, how="cross")
        .with_columns(pl.col("month").dt.month().alias("moy"))
        .join(seasonal, on=["account", "moy"], how="left")
        .with_columns(
            (pl.col("level") + pl.col("trend") * (5.5 - months_between(pl.col("month"), last_closed))
             + pl.col("season").fill_null(0.0)).alias("amount")
        )
        .select("account", "month", "amount")
    )
    return out, params
