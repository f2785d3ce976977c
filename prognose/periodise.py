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

from prognose.months import month_number, number_of
from prognose.schema import GRANT_MONTH



def round_half_up(expr: pl.Expr) -> pl.Expr:
    return (expr + 0.5).floor().cast(pl.Int64)


def build_segments(grants: pl.LazyFrame, steps: pl.LazyFrame, horizon_end: dt.date,
                   carry: tuple[str, ...] = ()) -> pl.LazyFrame:
    """One row per stretch of a grant with constant rate and quantity: seg_start … seg_end (with the
    grant's unit, price_year and `carry` columns). A grant without plan steps is one stretch."""
    keep = ("unit", "price_year", *carry)
    stepped = steps.select("grant_id").unique()
    plain = (
        grants.join(stepped, on="grant_id", how="anti")
        .select("grant_id", pl.col("start_date").alias("seg_start"), "rate", "quantity", *keep,
                pl.min_horizontal(pl.coalesce("end_date", pl.lit(horizon_end)), pl.lit(horizon_end)).alias("seg_end"))
        .filter(pl.col("seg_start") <= pl.col("seg_end"))
    )
    changed = grants.join(stepped, on="grant_id", how="semi")
    base = changed.select("grant_id", pl.col("start_date").alias("seg_start"), "rate", "quantity",
                          pl.lit(0).alias("_order"), "end_date", *keep)
    starts = changed.select("grant_id", "start_date", "end_date", *keep)
    moved = (
        steps.join(starts, on="grant_id", how="inner")
        .filter(pl.col("end_date").is_null() | (pl.col("effective_date") <= pl.col("end_date")))
        .select("grant_id", pl.max_horizontal("effective_date", "start_date").alias("seg_start"),
                "rate", "quantity", pl.lit(1).alias("_order"), "end_date", *keep)
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
    return pl.concat([plain, seg.select(plain.collect_schema().names())])


def _split(seg: pl.LazyFrame, split: dt.date | None) -> pl.LazyFrame:
    """Cut segments at `split` so no piece straddles it; `after` marks days after the split date."""
    if split is None:
        return seg.with_columns(pl.lit(False).alias("after"))
    before = seg.filter(pl.col("seg_start") <= split).with_columns(
        pl.min_horizontal("seg_end", pl.lit(split)).alias("seg_end"), pl.lit(False).alias("after"))
    after = seg.filter(pl.col("seg_end") > split).with_columns(
        pl.max_horizontal("seg_start", pl.lit(split + dt.timedelta(days=1))).alias("seg_start"), pl.lit(True).alias("after"))
    return pl.concat([before, after])


def _index_factor(price_index: dict[int, float], calendar: pl.Series, position: pl.Expr) -> pl.Expr:
    """index[year of the month] / index[price_year] (the segment's `base`); 1 where the grant has no
    price year or no index is set; null for a month whose year the index lacks. The month's index
    value is looked up by its position in `calendar`."""
    if not price_index:
        return pl.lit(1.0)
    at = pl.Series([price_index.get(d.year) for d in calendar.to_list()], dtype=pl.Float64)
    return pl.when(pl.col("price_year").is_null()).then(1.0).otherwise(pl.lit(at).gather(position) / pl.col("base"))


def _base_index(price_index: dict[int, float]) -> pl.Expr:
    if not price_index:
        return pl.lit(None, pl.Float64)
    years = list(price_index)
    return pl.col("price_year").replace_strict(years, [price_index[y] for y in years], default=None, return_dtype=pl.Float64)


_UNIT_CODE = {"year": 0, "month": 1, "day": 2}   # anything else (week, hour) costs per 7 days


def periodise(grants: pl.LazyFrame, steps: pl.LazyFrame, start: dt.date, end: dt.date,
              price_index: dict[int, float] | None = None, split: dt.date | None = None,
              carry: tuple[str, ...] = ()) -> pl.LazyFrame:
    """Cost in øre per grant and month (and per side of `split`) for months start … end.

    Rounding telescopes over the grant's whole life within the horizon, so the rows of a grant
    sum exactly to its rounded total cost in the horizon. `carry`: grant columns repeated on every row.

    Months are handled as integers (months.month_number, also returned as `mi`) between the
    segments and the output; the segments are put in order once, so the month pieces come out in
    (grant, month, side) order and only grants whose plan changes inside a month need their pieces
    of that month summed.
    """
    seg = build_segments(grants, steps, end, carry)
    seg = seg.filter(pl.col("seg_end") >= start).with_columns(pl.max_horizontal("seg_start", pl.lit(start)).alias("seg_start"))
    seg = (_split(seg, split).sort("grant_id", "seg_start")
           .with_columns(month_number(pl.col("seg_start")).alias("m0"), month_number(pl.col("seg_end")).alias("m1"),
                         pl.col("seg_start").dt.day().cast(pl.Int64).alias("d0"),
                         pl.col("seg_end").dt.day().cast(pl.Int64).alias("d1"),
                         pl.col("unit").replace_strict(_UNIT_CODE, default=3, return_dtype=pl.Int8).alias("uc"),
                         (pl.col("rate") * 100 * pl.col("quantity")).alias("rq"), _base_index(price_index or {}).alias("base"))
           # a piece shares its month and side with the previous segment's last piece: the grant needs summing
           .with_columns(((pl.col("m0") == pl.col("m1").shift(1)) & (pl.col("after") == pl.col("after").shift(1))
                          & (pl.col("grant_id") == pl.col("grant_id").shift(1))).fill_null(False).alias("_shared"))
           .with_columns(pl.col("_shared").any().over("grant_id").alias("_merge"))
           .collect())   # the segments are few: settled here, so the months below are built once
    lo = number_of(start)
    calendar = pl.date_range(start.replace(day=1), end, "1mo", eager=True)
    mi = pl.col("mi")
    # each month's length and index value from a table of the horizon's months: a lookup per row
    dim = pl.lit(calendar.dt.days_in_month().cast(pl.Int64)).gather(mi - lo)
    days = (pl.when(mi == pl.col("m1")).then(pl.col("d1")).otherwise(dim)
            - pl.when(mi == pl.col("m0")).then(pl.col("d0")).otherwise(1) + 1)
    uc = pl.col("uc")
    divisor = pl.when(uc == 0).then(dim * 12).when(uc == 1).then(dim).otherwise(7)
    numerator = pl.col("rq") * _index_factor(price_index or {}, calendar, mi - lo)

    def months_of(segments: pl.DataFrame) -> pl.LazyFrame:
        return (segments.lazy().with_columns(pl.int_ranges("m0", pl.col("m1") + 1, dtype=pl.Int32).alias("mi")).explode("mi")
                .select("grant_id", "mi", "after", *carry,
                        pl.when(uc == 2).then(numerator * days).otherwise(numerator * days / divisor).alias("cost")))

    merging = seg.get_column("_merge")
    parts = [months_of(seg.filter(~merging))]
    if merging.any():
        parts.append(months_of(seg.filter(merging)).group_by("grant_id", "mi", "after", *carry).agg(pl.col("cost").sum())
                     .sort("grant_id", "mi", "after"))
    out = (
        pl.concat(parts)
        .with_columns(pl.col("cost").cum_sum().over("grant_id").alias("cum"))
        .with_columns(pl.lit(calendar).gather(mi - lo).alias("month"),
                      # a grant's rows are consecutive: the row before is the grant's previous month or another grant
                      (round_half_up(pl.col("cum")) - pl.when(pl.col("grant_id") == pl.col("grant_id").shift(1))
                       .then(round_half_up(pl.col("cum").shift(1))).otherwise(0)).alias("ore"))
    )
    return out.select(*GRANT_MONTH, *carry)
