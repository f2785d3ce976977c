"""Buffer (3): other inflow — new grants not yet known, predicted from the last three years.

New grants (STU, young people under 19 and follow-on offers within a month after an STU are left
out: the lists carry them) arrive at a rate per month, estimated from the history years and this
year's months so far with recent months weighing more (half-life a year), so a rising or falling
inflow shows without a trend fitted to a handful of counts; a month whose grants are not all
registered yet counts by the share that is. Paragraphs share the rate as they shared the
newcomers; the month-of-year pattern is one yearly wave fitted to all paragraphs' newcomers of
the complete history years. Each expected newcomer costs the typical monthly cost of a new grant
of its paragraph at this year's price level. Only newcomers still unregistered at the as-of date
count: a grant is known once decided, and history tells how long before or after its start that is.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from prognose.buffers import BufferContext, BufferResult, Param, events_frame, finish_lines
from prognose.buffers.costs import account_of
from prognose.buffers.options import Options
from prognose.buffers.survival import ending_rates
from prognose.buffers.registration import MIN_DELAYS, delays, gap_days, p_unregistered
from prognose.words.message import Message
from prognose.months import months_between
from prognose.schema import UNIT_MONTHS

HALF_LIFE_MONTHS = 12.0   # a month's newcomers weigh half as much in the rate a year later
MIN_SEASON_OBS = 36       # newcomers of complete years needed for a month-of-year pattern
MIN_REGISTERED = 0.5      # a month counts in the rate once half its grants are registered


def monthly_equivalent(grants: pl.DataFrame, year: int, price_index: dict[int, float]) -> pl.Expr:
    per = pl.col("unit").replace_strict(UNIT_MONTHS, return_dtype=pl.Float64)
    factor = pl.lit(1.0)
    if price_index:
        ys, vs = list(price_index), list(price_index.values())
        base = pl.col("price_year").replace_strict(ys, vs, default=None, return_dtype=pl.Float64)
        factor = pl.when(pl.col("price_year").is_null()).then(1.0).otherwise(price_index.get(year, 1.0) / base)
    return pl.col("rate") * 100 * pl.col("quantity") * per * factor


def newcomers(ctx: BufferContext) -> pl.DataFrame:
    """Invoiced grants that count as 'other inflow' (not STU, not youth, not a follow-on after STU)."""
    g = ctx.invoiced.filter(pl.col("paragraph") != "STU")
    age = (pl.col("start_date") - pl.col("birth_date")).dt.total_days() / 365.25
    g = g.filter(pl.col("birth_date").is_null() | (age >= 19))
    stu_end = ctx.grants.filter((pl.col("paragraph") == "STU") & pl.col("end_date").is_not_null()).select(
        "citizen_id", pl.col("end_date").alias("stu_end"))
    after_stu = g.join(stu_end, on="citizen_id", how="inner").filter(
        (pl.col("start_date") > pl.col("stu_end")) & (pl.col("start_date") <= pl.col("stu_end") + pl.duration(days=31))
    ).select("grant_id")
    return g.join(after_stu, on="grant_id", how="anti")


def season_of(counts: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Month-of-year factors (mean 1) from newcomers of complete years, all paragraphs together,
    smoothed to one yearly wave: s(m) = 1 + a·cos θ + b·sin θ, θ = 2πm/12, with a and b the first
    Fourier coefficients of the counts (a few hundred newcomers fix two numbers well, not twelve).
    counts: moy, n. Returns (moy, season) and the amplitude √(a² + b²)."""
    moy = pl.DataFrame({"moy": list(range(1, 13))}, schema={"moy": pl.Int8})
    total = float(counts.get_column("n").sum()) if counts.height else 0.0
    if total < MIN_SEASON_OBS:
        return moy.with_columns(pl.lit(1.0).alias("season")), 0.0
    theta = pl.col("moy").cast(pl.Float64) * (2 * math.pi / 12)
    a, b = counts.select((2 * (pl.col("n") * theta.cos()).sum() / total).alias("a"),
                         (2 * (pl.col("n") * theta.sin()).sum() / total).alias("b")).row(0)
    season = moy.with_columns((1 + a * theta.cos() + b * theta.sin()).clip(0.2, None).alias("season"))
    return season, math.hypot(a, b)


def other_inflow(ctx: BufferContext, cfg: Options) -> BufferResult:
    years = cfg["years"]
    half_life = float(cfg["half_life_months"])
    y0, y1 = ctx.year - years, ctx.year - 1
    g = newcomers(ctx).with_columns(monthly_equivalent(ctx.invoiced, ctx.year, ctx.price_index).alias("monthly"),
                                    pl.col("start_date").dt.month_start().alias("month"))
    hist = g.filter(pl.col("start_date").dt.year().is_between(y0, y1))
    per_year = hist.group_by("paragraph", pl.col("start_date").dt.year().alias("y")).agg(pl.len().alias("n"))
    cost = hist.group_by("paragraph").agg(pl.col("monthly").mean().alias("monthly_cost"), pl.len().alias("cost_obs"),
                                          (pl.col("monthly").std() / pl.col("monthly").mean()).fill_nan(0.0).fill_null(0.0)
                                          .alias("cost_cv"))
    season, amplitude = season_of(hist.group_by(pl.col("start_date").dt.month().cast(pl.Int8).alias("moy")).agg(pl.len().alias("n")))
    # Which expected newcomers are still unknown at the as-of date: a grant is known once decided,
    # and history tells how long before or after its start a grant is decided (registration delay).
    # (without decision dates: the months after the as-of date are open, those before are known)
    seen = delays(hist, y0, y1)
    use_delays = seen.len() >= MIN_DELAYS
    unregistered = lambda frame: p_unregistered(gap_days(frame.get_column("month").dt.offset_by("14d"), ctx.as_of), seen)  # noqa: E731
    stats = _paragraph_rates(ctx, g, per_year, season, unregistered, y0, years, half_life)
    paras = stats.select("paragraph", "per_year", "past_per_year").join(cost, on="paragraph", how="left")
    overrides_n = {str(k): float(v) for k, v in cfg["per_month"].items()}
    overrides_c = {str(k): float(v) * 100 for k, v in cfg["monthly_cost"].items()}
    grid = _expected(ctx, g, paras, season, unregistered, overrides_n, overrides_c, use_delays)
    lines, events = _arrivals(ctx, grid, paras, years)
    params = [Param("history_years", f"{y0}–{y1}", cfg.source("years"), hist.height),
              Param("registration_delay_days_median", int(seen.median()) if use_delays else None, "estimated", seen.len()),
              Param("half_life_months", half_life, cfg.source("half_life_months")),
              Param("season_amplitude", round(amplitude, 3), "estimated", hist.height)]
    for r in paras.sort("paragraph").iter_rows(named=True):
        src = "override" if r["paragraph"] in overrides_n else "estimated"
        params.append(Param(f"new_per_year[{r['paragraph']}]", round(r["per_year"], 1), src, int(r["past_per_year"] * years)))
        params.append(Param(f"monthly_cost[{r['paragraph']}]", round((r["monthly_cost"] or 0) / 100),
                            "override" if r["paragraph"] in overrides_c else "estimated", r["cost_obs"], "DKK"))
    return BufferResult("other_inflow", lines, params, _sentences(grid, lines, y0, y1), events=events)


def _paragraph_rates(ctx: BufferContext, g: pl.DataFrame, per_year: pl.DataFrame, season: pl.DataFrame, unregistered,
                     y0: int, years: int, half_life: float) -> pl.DataFrame:
    """paragraph → per_year (expected newcomers a year) and past_per_year.

    The rate: newcomers per month at an average season, from the history years and this year's
    months so far (each month's count divided by the share of its grants registered by now),
    recent months weighing more (half-life `half_life_months`): a growing or shrinking inflow
    shows in the rate without a trend term fitted to a handful of counts per paragraph.
    Paragraphs share it as they shared the newcomers of the same months."""
    span = pl.DataFrame({"month": pl.date_range(dt.date(y0, 1, 1), ctx.as_of.replace(day=1), "1mo", eager=True)})
    span = span.with_columns((1 - unregistered(span)).alias("registered")).filter(pl.col("registered") >= MIN_REGISTERED)
    age = months_between(pl.col("month"), ctx.as_of).cast(pl.Float64)
    n_month = g.group_by("month").agg(pl.len().alias("n"))
    used = (span.join(n_month, on="month", how="left").with_columns(pl.col("n").fill_null(0))
            .with_columns(pl.col("month").dt.month().cast(pl.Int8).alias("moy"), (0.5 ** (age / half_life)).alias("w"))
            .join(season, on="moy"))
    rate = float(used.select((pl.col("w") * pl.col("n") / pl.col("registered")).sum() / (pl.col("w") * pl.col("season")).sum()).item()) \
        if used.height else 0.0
    shares = (g.join(used.select("month"), on="month", how="semi").group_by("paragraph").agg(pl.len().alias("n_p"))
              .with_columns((pl.col("n_p") / pl.col("n_p").sum()).alias("share")))
    return (shares.join(per_year.group_by("paragraph").agg((pl.col("n").sum() / years).alias("past_per_year")),
                        on="paragraph", how="full", coalesce=True)
            .with_columns(pl.col("share").fill_null(0.0), pl.col("past_per_year").fill_null(0.0))
            .with_columns((pl.col("share") * rate * 12).alias("per_year")))


def _expected(ctx: BufferContext, g: pl.DataFrame, paras: pl.DataFrame, season: pl.DataFrame, unregistered,
              overrides_n: dict, overrides_c: dict, use_delays: bool) -> pl.DataFrame:
    """Per paragraph and month of the year: newcomers expected, their monthly cost, and how many of
    them are still unknown at the as-of date (unknown)."""
    months = pl.DataFrame({"month": pl.date_range(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 1), "1mo", eager=True)})
    p_unknown = months.with_columns(unregistered(months).alias("p_unknown"))
    grid = (paras.join(months, how="cross").with_columns(pl.col("month").dt.month().cast(pl.Int8).alias("moy"))
            .join(season, on="moy", how="left")
            .join(p_unknown, on="month"))
    expected = pl.col("per_year") / 12 * pl.col("season")
    if overrides_n:
        expected = pl.col("paragraph").replace_strict(overrides_n, default=None, return_dtype=pl.Float64).fill_null(expected)
    grid = grid.with_columns(expected.alias("expected"))
    if overrides_c:
        grid = grid.with_columns(pl.col("paragraph").replace_strict(overrides_c, default=None, return_dtype=pl.Float64)
                                 .fill_null(pl.col("monthly_cost")).alias("monthly_cost"))
    grid = grid.with_columns((pl.col("expected") * pl.col("p_unknown")).alias("unknown"))
    if not use_delays:  # without decision dates, grants already known to start later are taken off
        known = g.filter(pl.col("start_date") > ctx.as_of).group_by("paragraph").agg(pl.len().alias("known"))
        grid = grid.join(known, on="paragraph", how="left").with_columns(
            (pl.col("unknown") * (1 - pl.col("known").fill_null(0) / pl.col("unknown").sum().over("paragraph")).clip(0, 1))
            .alias("unknown"))
    return grid


def _arrivals(ctx: BufferContext, grid: pl.DataFrame, paras: pl.DataFrame, years: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The buffer's lines, and its events for the interval."""
    months = pl.DataFrame({"month": pl.date_range(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 1), "1mo", eager=True)})
    # each expected newcomer costs half a month in its first month, then whole months; those
    # expected in months already past are counted from the month after the as-of date
    as_of_month = ctx.as_of.replace(day=1)
    arrivals = grid.select("paragraph", pl.col("month").alias("arrival"), "unknown", "monthly_cost")
    # and a newcomer may end again before the year is out, as the paragraph's grants do (survival.py)
    ahead = (arrivals.join(months, how="cross")
             .filter((pl.col("month") >= pl.col("arrival")) & (pl.col("month") > as_of_month))
             .join(ending_rates(ctx, years), on="paragraph", how="left")
             .with_columns((pl.when((pl.col("month") == pl.col("arrival"))).then(0.5).otherwise(1.0)
                            * (-pl.col("h").fill_null(0.0) * months_between(pl.col("arrival"), pl.col("month")) / 12).exp())
                           .alias("share")))
    # for the interval: newcomers of a paragraph and month arrive Poisson(expected) at a cost that
    # varies as new grants' costs did; the paragraph's rate is known to about 1/√(newcomers seen)
    events = events_frame(
        ahead.group_by("paragraph", "arrival").agg(pl.col("unknown").first(), pl.col("monthly_cost").first(),
                                                   pl.col("share").sum())
        .join(paras.select("paragraph", "past_per_year", "cost_cv"), on="paragraph", how="left")
        .select(account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"),
                pl.format("inflow:{}", "paragraph").alias("group"), pl.lit("poisson").alias("dist"),
                pl.col("unknown").alias("p"), (pl.col("monthly_cost") * pl.col("share")).alias("amount"),
                pl.col("cost_cv").fill_null(0.0).alias("cv"),
                (1 / (pl.col("past_per_year") * years).clip(1, None).sqrt()).alias("group_cv")))
    lines = (ahead
             .select(account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"), "paragraph", "month",
                     pl.lit(None, pl.String).alias("citizen_id"),
                     (pl.col("unknown") * pl.col("monthly_cost") * pl.col("share")).alias("amount")))
    return finish_lines(lines.filter(pl.col("amount").is_not_null())), events


def _sentences(grid: pl.DataFrame, lines: pl.DataFrame, y0: int, y1: int) -> Message:
    """The buffer in words: how many newcomers (rounded), of which paragraphs, at what cost."""
    by_para = grid.group_by("paragraph").agg(
        pl.col("unknown").sum(), pl.col("monthly_cost").first()).sort("unknown", descending=True)
    total_n = float(by_para.get_column("unknown").sum()) if by_para.height else 0.0
    parts = [Message("other_inflow.part", n=round(r["unknown"]), paragraph=r["paragraph"], cost=int(r["monthly_cost"] or 0))
             for r in by_para.head(3).iter_rows(named=True)]
    total = int(lines.get_column("ore").sum()) if lines.height else 0
    return Message("other_inflow.explanation", y0=y0, y1=y1, n=round(total_n), parts=parts, total=total)
