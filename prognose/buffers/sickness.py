"""Buffer (5): BPA assistants' sickness — substitute pay on top of the BPA grants.

Substitute pay is recognised in the postings on the BPA accounts by kind code (`match_art`) or
text (`match_text`, default "syg", "vikar"); neither is required. Its share of the BPA grants'
cost, by month of the year where at least two years show it, is learned from the history and
applied to the BPA grants' cost in the months ahead. The postings recognised here are taken out
of the part no grant explains, so they are not counted twice. `share` in buffers.toml overrides.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.buffers import BufferContext, BufferResult, Param, events_frame, finish_lines
from prognose.buffers.options import Options
from prognose.words.message import Message
from prognose.months import last_closed_month
from prognose.paragraphs import BPA
from prognose.periodise import periodise

DEFAULT_TEXT = ("syg", "vikar")


def sickness_kind(postings: pl.LazyFrame, bpa_accounts: list[str], cfg: Options) -> pl.Expr:
    """An expression marking postings that are BPA substitute pay."""
    texts = [str(t).lower() for t in cfg["match_text"]]
    arts = [str(a) for a in cfg["match_art"]]
    hit = pl.lit(False)
    if texts:
        hit = hit | pl.col("text").str.to_lowercase().str.contains("|".join(texts)).fill_null(False)
    if arts:
        hit = hit | pl.col("art").is_in(arts).fill_null(False)
    return pl.when(pl.col("account").is_in(bpa_accounts) & hit).then(pl.lit("bpa_sickness")).otherwise(pl.lit("other"))


def bpa_sickness(ctx: BufferContext, cfg: Options) -> BufferResult:
    bpa = ctx.grants.filter(pl.col("paragraph").is_in(list(BPA)))
    start = dt.date(ctx.year - cfg["years"], 1, 1)
    steps = ctx.steps.join(bpa.select("grant_id"), on="grant_id", how="semi")
    cost = periodise(bpa.lazy(), steps.lazy(), start, dt.date(ctx.year, 12, 31), ctx.price_index, split=ctx.as_of).collect()
    cost = cost.join(bpa.select("grant_id", "account", "paragraph", "citizen_id"), on="grant_id")
    last_closed = last_closed_month(ctx.as_of)
    sick = (ctx.postings.filter((pl.col("kind") == "bpa_sickness") & (pl.col("period") >= start) & (pl.col("period") <= last_closed))
            .group_by(pl.col("period").alias("month")).agg(pl.col("amount").sum().alias("sick")))
    base = (cost.filter(pl.col("month") <= last_closed).group_by("month").agg(pl.col("ore").sum().alias("cost"))
            .join(sick, on="month", how="left").with_columns(pl.col("sick").fill_null(0)))
    observed_months = int(sick.height)
    overall = float(base.get_column("sick").sum() / base.get_column("cost").sum()) if base.height and base.get_column("cost").sum() else 0.0
    by_moy = (base.group_by(pl.col("month").dt.month().alias("moy"))
              .agg((pl.col("sick").sum() / pl.col("cost").sum()).alias("share"), (pl.col("sick") != 0).sum().alias("years")))
    source = "estimated"
    if cfg["share"] is not None:
        overall, source = float(cfg["share"]), "override"
        by_moy = by_moy.head(0)
    seasonal = by_moy.filter(pl.col("years") >= 2).height == 12
    share = pl.col("moy").replace_strict(by_moy.get_column("moy"), by_moy.get_column("share"), default=overall,
                                         return_dtype=pl.Float64) if seasonal else pl.lit(overall)
    ahead = cost.filter(pl.col("after") & (pl.col("month").dt.year() == ctx.year)).with_columns(
        pl.col("month").dt.month().alias("moy"))
    lines = finish_lines(ahead.select("account", "paragraph", "month", "citizen_id",
                                      (pl.col("ore") * share).alias("amount")))
    total = int(lines.get_column("ore").sum()) if lines.height else 0
    # for the interval: the share varies from month to month as it has (cv of the monthly shares),
    # averaged over the months ahead, and is itself estimated from the months observed
    monthly = base.filter(pl.col("cost") > 0).select((pl.col("sick") / pl.col("cost")).alias("s"))
    cv_month = float(monthly.get_column("s").std() / monthly.get_column("s").mean()) \
        if observed_months >= 2 and monthly.get_column("s").mean() else 0.0
    ahead_months = max(1, ahead.get_column("month").n_unique())
    cv = cv_month * (1 / ahead_months + 1 / max(observed_months, 1)) ** 0.5
    events = events_frame(lines.group_by("account").agg(pl.col("ore").sum().cast(pl.Float64).alias("amount")).select(
        "account", pl.lit("bpa_sickness").alias("group"), pl.lit("scale").alias("dist"), pl.lit(1.0).alias("p"), "amount",
        pl.lit(cv).alias("cv"), pl.lit(0.0).alias("group_cv")))
    flags = []
    if observed_months == 0 and source != "override":
        flags.append(Message("bpa_sickness.not_recognised"))
    params = [Param("share_of_bpa_cost", round(overall, 4), source, observed_months, "share"),
              Param("by_month_of_year", seasonal, "estimated"),
              Param("match_text", ", ".join(map(str, cfg["match_text"])), cfg.source("match_text")),
              Param("bpa_grants", bpa.height, "estimated")]
    return BufferResult("bpa_sickness", lines, params, Message("bpa_sickness.explanation", percent=overall * 100, total=total),
                        flags=flags, events=events)
