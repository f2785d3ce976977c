"""Buffers (4) deaths and (6) other outflow, from one survival model of the running grants.

From the history years, per paragraph (and for deaths by age band where birth dates are known):
    h_death = deaths / years of grant exposure,  h_other = other endings / years of exposure.
A running invoiced grant would, if it continued, cost c(m) in month m; it is still running at
month m with probability S = exp(−(h_death + h_other)·t), t the years from the as-of date to
the middle of m. Planned end dates are treated as review dates (SPEC: often extended), unless
`planned_end = "firm"`. Then, with k(m) the cost the known grants already count:
    deaths        = −c·(h_death/h)·(1 − S)
    other_outflow = c·S − k − deaths     (negative for open-ended grants; positive where a
                                          review date would otherwise end a grant too early)
so the known grants plus both buffers add up to the expected cost c·S exactly.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.buffers import BufferContext, BufferResult, Param, events_frame, finish_lines

UNIFORM_CV = 1 / 3 ** 0.5   # what an end saves when it falls anywhere in the rest of the year (uniform)
from prognose.buffers.costs import synthetic_cost
from prognose.labels import kroner

BANDS = [(0, 50, "<50"), (50, 60, "50-59"), (60, 70, "60-69"), (70, 80, "70-79"), (80, 200, "80+")]
MIN_EXPECTED_DEATHS = 5.0  # expected deaths an age band needs before its own relative risk is used


def _band(age: pl.Expr) -> pl.Expr:
    out = pl.lit(None, pl.String)
    for lo, hi, name in reversed(BANDS):
        out = pl.when((age >= lo) & (age < hi)).then(pl.lit(name)).otherwise(out)
    return out


def hazards(ctx: BufferContext, years: int) -> pl.DataFrame:
    """Per paragraph and age band: exposure (grant-years), deaths, other endings, and rates.
    Each grant's exposure is split by calendar year, at the age it had in the middle of that year,
    so a citizen who grows older during the history counts in the band they were in at the time —
    as the running grants ahead are banded by their age now."""
    y0 = dt.date(ctx.year - years, 1, 1)
    y1 = min(dt.date(ctx.year - 1, 12, 31), ctx.as_of)
    g = ctx.grants.lazy().filter(pl.col("paragraph") != "STU")
    yrs = pl.LazyFrame({"y": list(range(y0.year, y1.year + 1))}, schema={"y": pl.Int32})
    g = g.join(yrs, how="cross").with_columns(
        pl.max_horizontal("start_date", pl.date(pl.col("y"), 1, 1)).alias("seg_start"),
        pl.min_horizontal(pl.coalesce(pl.col("end_date"), pl.lit(y1)), pl.date(pl.col("y"), 12, 31), pl.lit(y1)).alias("seg_end"))
    age = (pl.date(pl.col("y"), 7, 1) - pl.col("birth_date")).dt.total_days() / 365.25
    g = g.with_columns(
        ((pl.col("seg_end") - pl.col("seg_start")).dt.total_days() + 1).clip(0, None).alias("days"),
        (pl.col("end_date").is_between(pl.col("seg_start"), pl.col("seg_end")) & (pl.col("end_date") >= pl.col("start_date"))
         ).fill_null(False).alias("ended"),
        _band(age).fill_null("ukendt").alias("band"),
    ).filter(pl.col("days") > 0)
    g = g.with_columns(
        (pl.col("ended") & (pl.col("end_reason") == "death")).fill_null(False).alias("death"),
        (pl.col("ended") & (pl.col("end_reason").fill_null("other") != "death")).alias("other"))
    agg = [(pl.col("days").sum() / 365.25).alias("exposure"), pl.col("death").sum().alias("deaths"),
           pl.col("other").sum().alias("others")]
    by_para, by_band = pl.collect_all([g.group_by("paragraph").agg(*agg), g.group_by("paragraph", "band").agg(*agg)])
    rates = by_band.join(by_para, on="paragraph", suffix="_p").with_columns(
        (pl.col("deaths_p") / pl.col("exposure_p")).fill_nan(0.0).alias("h_para"))
    # Age acts alike across paragraphs (indirect standardisation): a band's relative risk is its
    # deaths over those its paragraphs' rates would give it, all paragraphs pooled; a band with
    # too few expected deaths to say keeps risk 1.
    risk = (rates.group_by("band").agg(pl.col("deaths").sum(), (pl.col("exposure") * pl.col("h_para")).sum().alias("expected"))
            .with_columns(pl.when((pl.col("expected") >= MIN_EXPECTED_DEATHS) & (pl.col("band") != "ukendt"))
                          .then(pl.col("deaths") / pl.col("expected")).otherwise(1.0).alias("relative_risk")))
    rates = rates.join(risk.select("band", "relative_risk"), on="band", how="left").with_columns(
        (pl.col("h_para") * pl.col("relative_risk")).alias("h_death"),
        (pl.col("others_p") / pl.col("exposure_p")).alias("h_other"))
    return rates.select("paragraph", "band", "exposure", "deaths", "others", "exposure_p", "deaths_p", "others_p", "relative_risk",
                        pl.col("h_death").fill_nan(0.0).fill_null(0.0), pl.col("h_other").fill_nan(0.0).fill_null(0.0))


def shared_hazards(ctx: BufferContext, years: int) -> pl.DataFrame:
    """hazards(ctx, years), computed once per forecast: other inflow and both survival buffers use them."""
    cache = ctx.__dict__.setdefault("_hazards", {})
    if years not in cache:
        cache[years] = hazards(ctx, years)
    return cache[years]


def ending_rates(ctx: BufferContext, years: int) -> pl.DataFrame:
    """paragraph → h: grants' yearly rate of ending for any reason (deaths and other endings over
    exposure, all ages), for grants not yet known whose ages are not known either."""
    r = shared_hazards(ctx, years).unique("paragraph")
    return r.select("paragraph", ((pl.col("deaths_p") + pl.col("others_p")) / pl.col("exposure_p")).fill_nan(0.0).alias("h"))


def _overrides(rates: pl.DataFrame, cfg: dict, column: str) -> pl.DataFrame:
    o = {str(k): float(v) for k, v in cfg.get("rate", {}).items()}
    if not o:
        return rates
    return rates.with_columns(pl.col("paragraph").replace_strict(o, default=None, return_dtype=pl.Float64)
                              .fill_null(pl.col(column)).alias(column))


def survival_lines(ctx: BufferContext, cfg_deaths: dict, cfg_other: dict) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    years = int(cfg_deaths.get("years", cfg_other.get("years", 3)))
    rates = shared_hazards(ctx, years)
    rates = _overrides(rates, cfg_deaths, "h_death")
    rates = _overrides(rates, cfg_other, "h_other")
    if not cfg_deaths.get("enabled", True):
        rates = rates.with_columns(pl.lit(0.0).alias("h_death"))
    other_on = cfg_other.get("enabled", True)
    if not other_on:
        rates = rates.with_columns(pl.lit(0.0).alias("h_other"))
    running = ctx.invoiced.filter((pl.col("paragraph") != "STU") & (pl.col("start_date") <= dt.date(ctx.year, 12, 31))
                                  & (pl.col("end_date").is_null() | (pl.col("end_date") > ctx.as_of)))
    age = (pl.lit(ctx.as_of) - pl.col("birth_date")).dt.total_days() / 365.25
    running = running.with_columns(_band(age).fill_null("ukendt").alias("band"))
    firm = cfg_other.get("planned_end", "review") == "firm" or not other_on
    base = running.select(pl.col("grant_id").alias("key"), "unit", "rate", "quantity", "start_date", "end_date", "price_year")
    known = synthetic_cost(base, ctx.year, ctx.as_of, ctx.price_index).rename({"cost": "known"})
    # an end the case system already gives a reason for is decided, not a review date: it stays
    confirmed = running.select(pl.col("grant_id").alias("key"), pl.col("end_reason").is_not_null().alias("confirmed"))
    if firm:
        cont = known.rename({"known": "cont"})
    else:
        # only a grant with an unconfirmed end inside the horizon would run on differently; the
        # rest continue exactly as the known cost says
        review = base.join(confirmed, on="key").filter(~pl.col("confirmed") & pl.col("end_date").is_not_null()).drop("confirmed")
        cont = pl.concat([
            known.join(review.select("key"), on="key", how="anti").rename({"known": "cont"}),
            synthetic_cost(review.with_columns(pl.lit(None, pl.Date).alias("end_date")), ctx.year, ctx.as_of,
                           ctx.price_index).rename({"cost": "cont"}),
        ])
    t = ((pl.col("month").dt.offset_by("14d") - pl.lit(ctx.as_of)).dt.total_days().clip(0, None) / 365.25)
    frame = (cont.lazy().join(known.lazy(), on=["key", "month"], how="left").with_columns(pl.col("known").fill_null(0.0))
             .join(running.lazy().select(pl.col("grant_id").alias("key"), "citizen_id", "account", "paragraph", "band"), on="key")
             .join(rates.lazy().select("paragraph", "band", "h_death", "h_other"), on=["paragraph", "band"], how="left")
             .with_columns(pl.col("h_death", "h_other").fill_null(0.0))
             .with_columns((pl.col("h_death") + pl.col("h_other")).alias("h"))
             .with_columns((-(pl.col("h") * t).clip(0, None)).exp().alias("S"))
             .with_columns(pl.when(pl.col("h") > 0).then(-pl.col("cont") * pl.col("h_death") / pl.col("h") * (1 - pl.col("S")))
                           .otherwise(0.0).alias("death_amount"))
             .with_columns((pl.col("cont") * pl.col("S") - pl.col("known") - pl.col("death_amount")).alias("other_amount"))
             .collect())
    cols = ["account", "paragraph", "month", "citizen_id"]
    deaths = finish_lines(frame.select(*cols, pl.col("death_amount").alias("amount")))
    other = finish_lines(frame.select(*cols, pl.col("other_amount").alias("amount"))) if other_on else \
        finish_lines(frame.head(0).select(*cols, pl.col("other_amount").alias("amount")))
    return deaths, other, rates, _events(frame, rates, other_on)


def _events(frame: pl.DataFrame, rates: pl.DataFrame, other_on: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """For the interval: each running grant ends by death (or otherwise) before the year is out with
    probability (h_x/h)·(1 − S at the year's end), saving its cost from then on; the paragraph's rate
    is known to about 1/√(ends seen). What the review dates add to other outflow is its expectation."""
    per = (frame.lazy().with_columns((-pl.col("cont") * pl.col("h_other") / pl.col("h") * (1 - pl.col("S"))).fill_nan(0.0)
                              .alias("other_end"))
           .group_by("key", "account", "paragraph")
           .agg(pl.col("death_amount").sum(), pl.col("other_end").sum(), pl.col("other_amount").sum(),
                pl.col("h_death", "h_other", "h").first(), pl.col("S").min())   # a grant's rates are one per grant
           .with_columns((pl.col("h_death") / pl.col("h") * (1 - pl.col("S"))).fill_nan(0.0).alias("p_death"),
                         (pl.col("h_other") / pl.col("h") * (1 - pl.col("S"))).fill_nan(0.0).alias("p_other"))
           .join(rates.lazy().unique("paragraph").select("paragraph", "deaths_p", "others_p"), on="paragraph", how="left")
           .collect())

    def bern(kind: str, p: str, amount: str, seen: str) -> pl.DataFrame:
        return events_frame(per.filter(pl.col(p) > 0).select(
            "account", pl.format(kind + ":{}", "paragraph").alias("group"), pl.lit("bernoulli").alias("dist"),
            pl.col(p).alias("p"), (pl.col(amount) / pl.col(p)).alias("amount"), pl.lit(UNIFORM_CV).alias("cv"),
            (1 / pl.col(seen).fill_null(0).cast(pl.Float64).clip(1, None).sqrt()).alias("group_cv")))

    deaths = bern("deaths", "p_death", "death_amount", "deaths_p")
    if not other_on:
        return deaths, events_frame(pl.DataFrame())
    review = per.group_by("account").agg((pl.col("other_amount") - pl.col("other_end")).sum().alias("amount")).select(
        "account", pl.lit("review dates").alias("group"), pl.lit("scale").alias("dist"), pl.lit(1.0).alias("p"),
        "amount", pl.lit(0.0).alias("cv"), pl.lit(0.0).alias("group_cv"))
    return deaths, pl.concat([bern("outflow", "p_other", "other_end", "others_p"), events_frame(review)])


def _cached(ctx: BufferContext, cfg_deaths: dict, cfg_other: dict):
    key = "_survival"
    if not hasattr(ctx, key):
        setattr(ctx, key, survival_lines(ctx, cfg_deaths, cfg_other))
    return getattr(ctx, key)


def deaths(ctx: BufferContext, cfg: dict) -> BufferResult:
    d, _, rates, (events, _) = _cached(ctx, cfg, getattr(ctx, "buffer_config", {}).get("other_outflow", {}))
    p = rates.unique("paragraph").sort("paragraph")
    params = [Param(f"death_rate[{r['paragraph']}]", round(r["deaths_p"] / r["exposure_p"], 4) if r["exposure_p"] else 0.0,
                    "override" if r["paragraph"] in cfg.get("rate", {}) else "estimated", int(r["deaths_p"]), "per grant-year")
              for r in p.iter_rows(named=True)]
    for r in rates.unique("band").filter(pl.col("band") != "ukendt").sort("band").iter_rows(named=True):
        params.append(Param(f"relative_risk[{r['band']}]", round(r["relative_risk"], 2), "estimated"))
    total = int(d.get_column("ore").sum()) if d.height else 0
    exp_deaths = float(p.get_column("deaths_p").sum()) / max(1, int(cfg.get("years", 3)))
    da = (f"På baggrund af dødsfald blandt borgere med bevilling de seneste år (ca. {exp_deaths:.0f} om året) forventes "
          f"udgiften til de kendte bevillinger at falde med {kroner(-total)} kr. resten af året")
    en = (f"From deaths among citizens with grants in recent years (about {exp_deaths:.0f} a year), the cost of the known "
          f"grants is expected to fall by DKK {kroner(-total, 'en')} over the rest of the year")
    return BufferResult("deaths", d, params, {"da": da + ".", "en": en + "."}, events=events)


def other_outflow(ctx: BufferContext, cfg: dict) -> BufferResult:
    _, o, rates, (_, events) = _cached(ctx, getattr(ctx, "buffer_config", {}).get("deaths", {}), cfg)
    p = rates.unique("paragraph").sort("paragraph")
    params = [Param(f"other_end_rate[{r['paragraph']}]", round(r["others_p"] / r["exposure_p"], 4) if r["exposure_p"] else 0.0,
                    "override" if r["paragraph"] in cfg.get("rate", {}) else "estimated", int(r["others_p"]), "per grant-year")
              for r in p.iter_rows(named=True)]
    params.append(Param("planned_end", cfg.get("planned_end", "review"), "override" if "planned_end" in cfg else "default"))
    total = int(o.get_column("ore").sum()) if o.height else 0
    da = (f"Bevillinger ophører af andre grunde (fx flytning til eget hjem eller anden kommune), og revurderingsdatoer "
          f"forlænges ofte; samlet {'øger' if total > 0 else 'mindsker'} det de kendte bevillingers udgift med "
          f"{kroner(abs(total))} kr. resten af året")
    en = (f"Grants end for other reasons (a move to one's own home or another municipality), and review dates are often "
          f"extended; together this {'raises' if total > 0 else 'lowers'} the known grants' cost by DKK {kroner(abs(total), 'en')} "
          "over the rest of the year")
    return BufferResult("other_outflow", o, params, {"da": da + ".", "en": en + "."}, events=events)
