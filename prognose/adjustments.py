"""The controller's adjustments (buffers/adjustments.csv) as forecast lines of their own (pure).

What the controller knows and the data does not yet show; never mixed into another origin, so
run, diff, explain and the report can each show it as what it is: judgement, not data.
"""

from __future__ import annotations

import polars as pl


def recurring_lines(adjustments: pl.DataFrame | None, year: int, para: pl.DataFrame) -> pl.DataFrame | None:
    """The adjustments of year Y marked recurring, as adjustment_lines() gives them: what carries on
    into the years ahead. None where there are none."""
    if adjustments is None or "recurring" not in adjustments.columns:
        return None
    kept = adjustments.filter(pl.col("recurring") == "yes")
    return adjustment_lines(kept, year, para) if kept.height else None


def one_off(lines: pl.DataFrame, recurring: pl.DataFrame | None) -> pl.DataFrame:
    """account, paragraph, ore: the forecast's adjustment lines (forecast.LINES) that are one-off,
    i.e. all of them less those marked recurring. A controller's accrual or settlement is money of
    the year it is entered for, not a level the years ahead go on at."""
    if "origin" not in lines.columns:      # lines summed by account and paragraph: no adjustment told apart
        return pl.DataFrame(schema={"account": pl.String, "paragraph": pl.String, "ore": pl.Int64})
    parts = [lines.filter(pl.col("origin") == "adjustments").select("account", "paragraph", "ore")]
    if recurring is not None:
        parts.append(recurring.select("account", "paragraph", -pl.col("ore")))
    return (pl.concat(parts).group_by("account", "paragraph").agg(pl.col("ore").sum())
            .filter(pl.col("ore") != 0))


def adjustment_lines(adjustments: pl.DataFrame, year: int, para: pl.DataFrame) -> pl.DataFrame:
    """The controller's adjustments for year Y as forecast lines of their own: in their month, or
    December where only the year is given; on their paragraph, else the account's only one."""
    month = pl.coalesce(pl.col("period"), pl.date(pl.col("year"), 12, 1))
    return (adjustments.filter(month.dt.year() == year)
            .join(para.rename({"paragraph": "sole"}), on="account", how="left")
            .select("account", pl.coalesce("paragraph", "sole").alias("paragraph"), month.alias("month"),
                    pl.col("amount").alias("ore"), pl.lit("adjustments").alias("origin"),
                    pl.lit(None, pl.String).alias("provider_type"), pl.lit(None, pl.String).alias("grant_id"),
                    pl.lit(None, pl.String).alias("citizen_id")))
