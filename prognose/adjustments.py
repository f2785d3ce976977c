"""The controller's adjustments (buffers/adjustments.csv) as forecast lines of their own (pure).

What the controller knows and the data does not yet show; never mixed into another origin, so
run, diff, explain and the report can each show it as what it is: judgement, not data.
"""

from __future__ import annotations

import polars as pl


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
