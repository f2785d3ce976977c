"""Buffer (3): other inflow — new grants not yet known, predicted from the last three years.

New grants per paragraph and month of the history years (STU, young people under 19 and
follow-on offers within a month after an STU are left out: the lists carry them), with the
month-of-year pattern and the latest year's trend, times the typical monthly cost of a new grant
at this year's price level. Grants already known to start in a month are subtracted from what is
expected for it, and recent months count too, since grants are often registered some weeks late.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.buffers import BufferContext, BufferResult, Param, events_frame, finish_lines
from prognose.buffers.costs import account_of
from prognose.labels import kroner

UNIT_MONTHS = {"year": 1 / 12, "month": 1.0, "week": 52 / 12, "day": 365.25 / 12, "hour": 52 / 12}


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


def other_inflow(ctx: BufferContext, cfg: dict) -> BufferResult:
    years = int(cfg.get("years", 3))
    y0, y1 = ctx.year - years, ctx.year - 1
    g = newcomers(ctx).with_columns(monthly_equivalent(ctx.invoiced, ctx.year, ctx.price_index).alias("monthly"))
    hist = g.filter(pl.col("start_date").dt.year().is_between(y0, y1))
    counts = hist.group_by("paragraph", pl.col("start_date").dt.month().alias("moy")).agg(pl.len().alias("n"))
    per_year = hist.group_by("paragraph", pl.col("start_date").dt.year().alias("y")).agg(pl.len().alias("n"))
    stats = (per_year.group_by("paragraph").agg((pl.col("n").sum() / years).alias("per_year"),
                                                pl.col("n").filter(pl.col("y") == y1).sum().alias("last"))
             .with_columns((pl.col("last") / pl.col("per_year")).clip(0.8, 1.25).alias("trend")))
    cost = hist.group_by("paragraph").agg(pl.col("monthly").mean().alias("monthly_cost"), pl.len().alias("cost_obs"),
                                          (pl.col("monthly").std() / pl.col("monthly").mean()).fill_nan(0.0).fill_null(0.0)
                                          .alias("cost_cv"))
    season = counts.join(stats, on="paragraph").with_columns(
        # month-of-year share, shrunk half way to an even spread: three years are few observations
        (0.5 + 0.5 * (pl.col("n") / years) / (pl.col("per_year") / 12)).alias("season"))
    overrides_n = {str(k): float(v) for k, v in cfg.get("per_month", {}).items()}
    overrides_c = {str(k): float(v) * 100 for k, v in cfg.get("monthly_cost", {}).items()}
    # Which expected newcomers are still unknown at the as-of date: a grant is known once decided,
    # and history tells how long before or after its start a grant is decided (registration delay).
    months = pl.DataFrame({"month": pl.date_range(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 1), "1mo", eager=True)})
    delays = hist.filter(pl.col("decided_date").is_not_null()).select(
        (pl.col("decided_date") - pl.col("start_date")).dt.total_days().alias("delay"))
    use_delays = delays.height >= 30
    if use_delays:
        gap = (pl.lit(ctx.as_of) - pl.col("month").dt.offset_by("14d")).dt.total_days()
        p_unknown = (months.join(delays, how="cross").group_by("month")
                     .agg((pl.col("delay") > gap).mean().alias("p_unknown")))
    else:  # no decision dates: only months after the as-of month are still open
        p_unknown = months.with_columns((pl.col("month") > ctx.as_of.replace(day=1)).cast(pl.Float64).alias("p_unknown"))
    paras = stats.select("paragraph", "per_year", "trend").join(cost, on="paragraph", how="left")
    grid = (paras.join(months, how="cross").with_columns(pl.col("month").dt.month().alias("moy"))
            .join(season.select("paragraph", "moy", "season"), on=["paragraph", "moy"], how="left")
            .with_columns(pl.col("season").fill_null(0.5))
            .join(p_unknown, on="month"))
    expected = pl.col("per_year") / 12 * pl.col("season") * pl.col("trend")
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
    # each expected newcomer costs half a month in its first month, then whole months; those
    # expected in months already past are counted from the month after the as-of date
    as_of_month = ctx.as_of.replace(day=1)
    arrivals = grid.select("paragraph", pl.col("month").alias("arrival"), "unknown", "monthly_cost")
    ahead = (arrivals.join(months, how="cross")
             .filter((pl.col("month") >= pl.col("arrival")) & (pl.col("month") > as_of_month))
             .with_columns(pl.when((pl.col("month") == pl.col("arrival"))).then(0.5).otherwise(1.0).alias("share")))
    # for the interval: newcomers of a paragraph and month arrive Poisson(expected) at a cost that
    # varies as new grants' costs did; the paragraph's rate is known to about 1/√(newcomers seen)
    events = events_frame(
        ahead.group_by("paragraph", "arrival").agg(pl.col("unknown").first(), pl.col("monthly_cost").first(),
                                                   pl.col("share").sum())
        .join(paras.select("paragraph", "per_year", "cost_cv"), on="paragraph", how="left")
        .select(account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"),
                pl.format("inflow:{}", "paragraph").alias("group"), pl.lit("poisson").alias("dist"),
                pl.col("unknown").alias("p"), (pl.col("monthly_cost") * pl.col("share")).alias("amount"),
                pl.col("cost_cv").fill_null(0.0).alias("cv"),
                (1 / (pl.col("per_year") * years).clip(1, None).sqrt()).alias("group_cv")))
    lines = (ahead
             .select(account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"), "paragraph", "month",
                     pl.lit(None, pl.String).alias("citizen_id"),
                     (pl.col("unknown") * pl.col("monthly_cost") * pl.col("share")).alias("amount")))
    lines = finish_lines(lines.filter(pl.col("amount").is_not_null()))
    by_para = grid.group_by("paragraph").agg(
        pl.col("unknown").sum(), pl.col("monthly_cost").first()).sort("unknown", descending=True)
    params = [Param("history_years", f"{y0}–{y1}", "default" if "years" not in cfg else "override", hist.height),
              Param("registration_delay_days_median", int(delays.get_column("delay").median()) if use_delays else None,
                    "estimated", delays.height)]
    for r in paras.sort("paragraph").iter_rows(named=True):
        src = "override" if r["paragraph"] in overrides_n else "estimated"
        params.append(Param(f"new_per_year[{r['paragraph']}]", round(r["per_year"], 1), src, int(r["per_year"] * years)))
        params.append(Param(f"trend[{r['paragraph']}]", round(r["trend"], 2), "estimated"))
        params.append(Param(f"monthly_cost[{r['paragraph']}]", round((r["monthly_cost"] or 0) / 100),
                            "override" if r["paragraph"] in overrides_c else "estimated", r["cost_obs"], "DKK"))
    total_n = float(by_para.get_column("unknown").sum()) if by_para.height else 0.0
    top = by_para.head(3).iter_rows(named=True)
    parts_da = [f"{r['unknown']:.0f} nye {r['paragraph'].replace('SEL ', '§')}-borgere à gennemsnitligt {kroner(int(r['monthly_cost'] or 0))} kr. om måneden"
                for r in top]
    parts_en = [f"{r['unknown']:.0f} new {r['paragraph']} citizens at DKK {kroner(int(r['monthly_cost'] or 0), 'en')} a month on average"
                for r in by_para.head(3).iter_rows(named=True)]
    total = int(lines.get_column("ore").sum()) if lines.height else 0
    da = (f"På baggrund af {y0}–{y1} forventes {total_n:.0f} nye borgere med bevilling resten af året, som endnu ikke er "
          f"registreret, heraf {', '.join(parts_da)}; i alt {kroner(total)} kr.")
    en = (f"From {y0}–{y1}, {total_n:.0f} new citizens with grants not yet registered are expected for the rest of the year, "
          f"among them {', '.join(parts_en)}; in all DKK {kroner(total, 'en')}.")
    return BufferResult("other_inflow", lines, params, {"da": da + ".", "en": en}, events=events)
