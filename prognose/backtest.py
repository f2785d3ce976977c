"""Backtest (pure): year-end forecasts made at past month-ends against the year's final accounts,
next to the simple methods a controller used before.

Baselines, each from the same postings the engine saw at the as-of date:
  run_rate        booked so far × 12 / m (m = months elapsed, a part month by its days)
  seasonal_share  booked so far ÷ the share of last year's final total that had been booked by the
                  same date last year
  budget          the revised budget as known at the as-of date
Final accounts: postings with a period in the year, including the supplementary period, as a
later extract shows them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.months import month_end

METHODS = ("prognose", "run_rate", "seasonal_share", "budget")


def booked_by(postings: pl.DataFrame, year: int, as_of: dt.date) -> int:
    """Øre booked for periods in `year` with posting date on or before `as_of`."""
    return int(postings.filter((pl.col("period").dt.year() == year) & (pl.col("posting_date") <= as_of))
               .get_column("amount").sum())


def same_day_last_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def baselines(postings: pl.DataFrame, budget: pl.DataFrame, year: int, as_of: dt.date) -> dict[str, int | None]:
    """The three baselines in øre from the postings and budget known at `as_of`."""
    booked = booked_by(postings, year, as_of)
    elapsed = min(12.0, (as_of.year - year) * 12 + as_of.month - 1 + as_of.day / month_end(as_of).day)
    run_rate = round(booked * 12 / elapsed) if elapsed > 0 else None
    last_total = int(postings.filter(pl.col("period").dt.year() == year - 1).get_column("amount").sum())
    last_by = booked_by(postings, year - 1, same_day_last_year(as_of))
    seasonal = round(booked * last_total / last_by) if last_by > 0 and last_total > 0 else None
    bud = int(budget.filter(pl.col("year") == year).get_column("amount").sum())
    return {"run_rate": run_rate, "seasonal_share": seasonal, "budget": bud}


def final_accounts(postings: pl.DataFrame, year: int) -> int:
    return int(postings.filter(pl.col("period").dt.year() == year).get_column("amount").sum())


def table(rows: list[dict], final: int) -> pl.DataFrame:
    """rows: {as_of, prognose, run_rate, seasonal_share, budget} in øre → one row per as-of and method
    with forecast, final, error (øre) and error % of final."""
    long = [{"as_of": r["as_of"], "method": m, "forecast": r.get(m)} for r in rows for m in METHODS if m in r]
    df = pl.DataFrame(long, schema={"as_of": pl.Date, "method": pl.String, "forecast": pl.Int64})
    return df.with_columns(pl.lit(final, pl.Int64).alias("final")).with_columns(
        (pl.col("forecast") - pl.col("final")).alias("error"),
    ).with_columns((100 * pl.col("error") / pl.col("final")).alias("error_pct"))


def coverage(rows: list[dict], final: int) -> pl.DataFrame:
    """Per as-of date with an interval: p10, p90 (øre) and whether the final accounts fell inside."""
    band = [{"as_of": r["as_of"], "p10": r["p10"], "p90": r["p90"]} for r in rows if r.get("p10") is not None]
    df = pl.DataFrame(band, schema={"as_of": pl.Date, "p10": pl.Int64, "p90": pl.Int64})
    return df.with_columns(((pl.col("p10") <= final) & (final <= pl.col("p90"))).alias("inside"))


def coverage_share(cov: pl.DataFrame) -> float | None:
    """The share of as-of dates whose P10–P90 band held the final accounts (target 0.7–0.9)."""
    return float(cov.get_column("inside").mean()) if cov.height else None


def summary(t: pl.DataFrame, months: tuple[int, ...] = (3, 6, 9, 11)) -> pl.DataFrame:
    """Mean absolute error (øre and % of final) per method over all as-of dates and over the given months."""
    all_ = t.group_by("method").agg(pl.col("error").abs().mean().alias("mae"), pl.col("error_pct").abs().mean().alias("mae_pct"))
    key = t.filter(pl.col("as_of").dt.month().is_in(list(months))).group_by("method").agg(
        pl.col("error_pct").abs().mean().alias("mae_pct_key_months"))
    order = pl.DataFrame({"method": list(METHODS), "o": list(range(len(METHODS)))})
    return all_.join(key, on="method", how="left").join(order, on="method").sort("o").drop("o")


def across(tables: list[pl.DataFrame], months: tuple[int, ...] = (3, 6, 9, 11)) -> pl.DataFrame:
    """Mean absolute error (% of each one's final accounts) per month-end and method over several
    backtests — one `table` per municipality or year: month, method, mae_pct, backtests (how many
    had a forecast). One year of one municipality is a single draw; accuracy is judged on the mean."""
    if not tables:
        return pl.DataFrame(schema={"month": pl.Int8, "method": pl.String, "mae_pct": pl.Float64, "backtests": pl.UInt32})
    return (pl.concat([t.select("as_of", "method", "error_pct") for t in tables])
            .filter(pl.col("as_of").dt.month().is_in(list(months)) & pl.col("error_pct").is_not_null())
            .group_by(pl.col("as_of").dt.month().alias("month"), "method")
            .agg(pl.col("error_pct").abs().mean().alias("mae_pct"), pl.len().alias("backtests"))
            .sort("month", "method"))
