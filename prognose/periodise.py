"""Periodisation: each grant's cost by calendar month, from its rate, unit, plan steps and index.

SPEC §3. A grant is cut into segments where its action plan changes rate or quantity, each
segment into calendar-month pieces, and each piece costs
    year: rate/12 × days/days_in_month   month: rate × days/days_in_month
    week: rate × days/7                  day: rate × days          hour: rate × hours/week × days/7
times the quantity (other units) and index[year]/index[price_year] where a price index is set.
Amounts are rounded to whole øre on the grant's running total (round(cum) − round(previous cum)),
so a grant's months always add up to its whole cost rounded once: nothing is lost to rounding.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

GRANT_MONTH = {"grant_id": pl.String, "month": pl.Date, "after": pl.Boolean, "days": pl.Int64, "ore": pl.Int64}


def round_half_up(expr: pl.Expr) -> pl.Expr:
    return (expr + 0.5).floor().cast(pl.Int64)


def build_segments(grants: pl.LazyFrame, steps: pl.LazyFrame, horizon_end: dt.date) -> pl.LazyFrame:
    """One row per stretch of a grant with constant rate and quantity: seg_start … seg_end."""
    base = grants.select("grant_id", pl.col("start_date").alias("seg_start"), "rate", "quantity",
                         pl.lit(0).alias("_order"), "end_date")
    starts = grants.select("grant_id", "start_date", "end_date")
    moved = (
        steps.join(starts, on="grant_id", how="inner")
        .filter(pl.col("end_date").is_null() | (pl.col("effective_date") <= pl.col("end_date")))
        .select("grant_id", pl.max_horizontal("effective_date", "start_date").alias("seg_start"),
                "rate", "quantity", pl.lit(1).alias("_order"), "end_date")
    )
    seg = (
        pl.concat([base, moved])
        .sort("grant_id", "seg_start", "_order")
        .with_columns(pl.col("rate", "quantity").forward_fill().over("grant_id"))
        .unique(["grant_id", "seg_start"], keep="last", maintain_order=True)
        .sort("grant_id", "seg_start")
        .with_columns(
            pl.coalesce(pl.col("seg_start").shift(-1).over("grant_id") - pl.duration(days=1),
                        pl.col("end_date"), pl.lit(horizon_end)).alias("seg_end")
        )
        .with_columns(pl.min_horizontal("seg_end", pl.lit(horizon_end)).alias("seg_end"))
        .filter(pl.col("seg_start") <= pl.col("seg_end"))
        .drop("_order", "end_date")
    )
    return seg


def _split(seg: pl.LazyFrame, split: dt.date | None) -> pl.LazyFrame:
    """Cut segments at `split` so no piece straddles it; `after` marks days after the split date."""
    if split is None:
        return seg.with_columns(pl.lit(False).alias("after"))
    before = seg.filter(pl.col("seg_start") <= split).with_columns(
        pl.min_horizontal("seg_end", pl.lit(split)).alias("seg_end"), pl.lit(False).alias("after"))
    after = seg.filter(pl.col("seg_end") > split).with_columns(
        pl.max_horizontal("seg_start", pl.lit(split + dt.timedelta(days=1))).alias("seg_start"), pl.lit(True).alias("after"))
    return pl.concat([before, after])


def unit_cost(unit: pl.Expr, numerator: pl.Expr, days: pl.Expr, days_in_month: pl.Expr) -> pl.Expr:
    """Cost of `days` days for a price `numerator` per unit (already × quantity × index)."""
    return (
        pl.when(unit == "year").then(numerator * days / (days_in_month * 12))
        .when(unit == "month").then(numerator * days / days_in_month)
        .when(unit == "day").then(numerator * days)
        .otherwise(numerator * days / 7)  # week, and hour (quantity = hours per week)
    )


def index_factor(price_index: dict[int, float]) -> pl.Expr:
    if not price_index:
        return pl.lit(1.0)
    years = pl.DataFrame({"y": list(price_index)}).get_column("y").to_list()
    values = [price_index[y] for y in years]
    at = pl.col("month").dt.year().replace_strict(years, values, default=None, return_dtype=pl.Float64)
    base = pl.col("price_year").replace_strict(years, values, default=None, return_dtype=pl.Float64)
    return pl.when(pl.col("price_year").is_null()).then(1.0).otherwise(at / base)


def periodise(grants: pl.LazyFrame, steps: pl.LazyFrame, start: dt.date, end: dt.date,
              price_index: dict[int, float] | None = None, split: dt.date | None = None) -> pl.LazyFrame:
    """Cost in øre per grant and month (and per side of `split`) for months start … end.

    Rounding telescopes over the grant's whole life within the horizon, so the rows of a grant
    sum exactly to its rounded total cost in the horizon.
    """
    seg = build_segments(grants, steps, end)
    seg = seg.filter(pl.col("seg_end") >= start).with_columns(pl.max_horizontal("seg_start", pl.lit(start)).alias("seg_start"))
    seg = _split(seg, split).join(grants.select("grant_id", "unit", "price_year"), on="grant_id")
    pieces = (
        seg.with_columns(pl.date_ranges(pl.col("seg_start").dt.month_start(), pl.col("seg_end"), "1mo").alias("month"))
        .explode("month")
        .with_columns(
            pl.max_horizontal("seg_start", "month").alias("p_start"),
            pl.min_horizontal("seg_end", pl.col("month").dt.month_end()).alias("p_end"),
        )
        .with_columns(((pl.col("p_end") - pl.col("p_start")).dt.total_days() + 1).alias("days"))
        .with_columns(
            unit_cost(pl.col("unit"), pl.col("rate") * 100 * pl.col("quantity") * index_factor(price_index or {}),
                      pl.col("days"), pl.col("month").dt.days_in_month().cast(pl.Int64)).alias("cost")
        )
        .group_by("grant_id", "month", "after")
        .agg(pl.col("days").sum(), pl.col("cost").sum())
        .sort("grant_id", "month", "after")
        .with_columns(pl.col("cost").cum_sum().over("grant_id").alias("cum"))
        .with_columns(
            (round_half_up(pl.col("cum")) - round_half_up(pl.col("cum").shift(1).over("grant_id").fill_null(0.0))).alias("ore")
        )
    )
    return pieces.select(list(GRANT_MONTH))
