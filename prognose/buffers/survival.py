"""Buffers (4) deaths and (6) other outflow, and the extended grants, from one survival model of
the running grants.

From the history years, per paragraph (and for deaths by age band where birth dates are known):
    h_death = deaths / years of grant exposure,  h_other = other endings / years of exposure.
A running invoiced grant would, if it continued, cost c(m) in month m; it is still running at
month m with probability S = exp(−(h_death + h_other)·t), t the years from the as-of date to
the middle of m. A planned end the case system gives no reason for is a review date (SPEC: often
extended): c runs past it while the extensions component is on. With k(m) the cost the known
grants already count:
    extensions    = c − k                       (0 where no review date falls in the year)
    deaths        = −c·(h_death/h)·(1 − S)
    other_outflow = −c·(h_other/h)·(1 − S)
so the known grants and the three add up to the expected cost c·S exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

import polars as pl

from prognose.buffers import BufferContext, BufferResult, Param, events_frame, finish_lines
from prognose.buffers.options import Options

UNIFORM_CV = 1 / 3 ** 0.5   # what an end saves when it falls anywhere in the rest of the year (uniform)
from prognose.buffers.costs import synthetic_cost
from prognose.words.message import Message

BANDS = [(0, 50, "<50"), (50, 60, "50-59"), (60, 70, "60-69"), (70, 80, "70-79"), (80, 200, "80+")]
MIN_EXPECTED_DEATHS = 5.0  # expected deaths an age band needs before its own relative risk is used


def open_review(as_of: dt.date) -> pl.Expr:
    """A planned end with no reason that fell in the month before the as-of date: the review is
    still open (a case system records the reason when the case is closed, often some days after
    the date), so the grant is as likely to be extended as one whose review date is ahead."""
    return (pl.col("end_reason").is_null() & pl.col("end_date").is_not_null() & (pl.col("end_date") <= as_of)
            & (pl.col("end_date") > pl.lit(as_of).dt.offset_by("-1mo")))


def running_at(as_of: dt.date) -> pl.Expr:
    """A grant still running after the as-of date, or under a review still open (open_review)."""
    return pl.col("end_date").is_null() | (pl.col("end_date") > as_of) | open_review(as_of)


def own_runs_on(grants: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The grants with own provision's review dates (an end ahead, or one just passed, with no
    reason: running_at) taken off: the own units are paid as payroll, not per grant, so no
    extension adds them back; they run on, as the forecast and the activity figures both count them."""
    return grants.with_columns(
        pl.when((pl.col("provider_type") == "own") & pl.col("end_reason").is_null() & running_at(as_of))
        .then(None).otherwise(pl.col("end_date")).alias("end_date"))


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


def prepare_hazards(ctx: BufferContext, opts: Mapping[str, Options]) -> dict[int, pl.DataFrame]:
    """hazards(ctx, years) for each history length the survival model and other inflow use, once."""
    wanted = {survival_years(opts)} | ({opts["other_inflow"]["years"]} if "other_inflow" in opts else set())
    return {years: hazards(ctx, years) for years in sorted(wanted)}


def survival_years(opts: Mapping[str, Options]) -> int:
    """The deaths' history years, or other outflow's where only those are given."""
    d, o = opts.get("deaths"), opts.get("other_outflow")
    if d is not None and ("years" in d or o is None):
        return d["years"]
    return o["years"] if o is not None else 3


def _hazards(ctx: BufferContext, years: int) -> pl.DataFrame:
    known = ctx.prepared.get("hazards", {})
    return known[years] if years in known else hazards(ctx, years)


def ending_rates(ctx: BufferContext, years: int) -> pl.DataFrame:
    """paragraph → h: grants' yearly rate of ending for any reason (deaths and other endings over
    exposure, all ages), for grants not yet known whose ages are not known either."""
    r = _hazards(ctx, years).unique("paragraph")
    return r.select("paragraph", ((pl.col("deaths_p") + pl.col("others_p")) / pl.col("exposure_p")).fill_nan(0.0).alias("h"))


def _overrides(rates: pl.DataFrame, opts: Options, column: str) -> pl.DataFrame:
    o = {str(k): float(v) for k, v in opts["rate"].items()}
    if not o:
        return rates
    return rates.with_columns(pl.col("paragraph").replace_strict(o, default=None, return_dtype=pl.Float64)
                              .fill_null(pl.col(column)).alias(column))


@dataclass(frozen=True)
class Survival:
    """What the survival model gives the three components that share it: lines, events, rates."""
    deaths: pl.DataFrame
    outflow: pl.DataFrame
    extensions: pl.DataFrame
    rates: pl.DataFrame
    death_events: pl.DataFrame
    outflow_events: pl.DataFrame
    extension_events: pl.DataFrame


def prepare_survival(ctx: BufferContext, opts: Mapping[str, Options]) -> Survival | None:
    """The survival model of the running grants, once for deaths, other outflow and extensions
    (None when all three are off)."""
    on = {name: name in opts and opts[name]["enabled"] for name in ("deaths", "other_outflow", "extensions")}
    if not any(on.values()):
        return None
    return survival_lines(ctx, opts["deaths"], opts["other_outflow"], on)


def survival_lines(ctx: BufferContext, d: Options, o: Options, on: Mapping[str, bool]) -> Survival:
    rates = _overrides(_overrides(_hazards(ctx, survival_years({"deaths": d, "other_outflow": o})), d, "h_death"), o, "h_other")
    for name, column in (("deaths", "h_death"), ("other_outflow", "h_other")):
        if not on[name]:
            rates = rates.with_columns(pl.lit(0.0).alias(column))
    running = ctx.invoiced.filter((pl.col("paragraph") != "STU") & (pl.col("start_date") <= dt.date(ctx.year, 12, 31))
                                  & running_at(ctx.as_of))
    age = (pl.lit(ctx.as_of) - pl.col("birth_date")).dt.total_days() / 365.25
    running = running.with_columns(_band(age).fill_null("ukendt").alias("band"))
    base = running.select(pl.col("grant_id").alias("key"), "unit", "rate", "quantity", "start_date", "end_date", "price_year")
    known = synthetic_cost(base, ctx.year, ctx.as_of, ctx.price_index).rename({"cost": "known"})
    cont = _continued(ctx, running, base, known) if on["extensions"] else known.rename({"known": "cont"})
    t = ((pl.col("month").dt.offset_by("14d") - pl.lit(ctx.as_of)).dt.total_days().clip(0, None) / 365.25)
    ends = pl.when(pl.col("h") > 0).then(-pl.col("cont") * (1 - pl.col("S")) / pl.col("h")).otherwise(0.0)
    frame = (cont.lazy().join(known.lazy(), on=["key", "month"], how="left").with_columns(pl.col("known").fill_null(0.0))
             .join(running.lazy().select(pl.col("grant_id").alias("key"), "citizen_id", "account", "paragraph", "band"), on="key")
             .join(rates.lazy().select("paragraph", "band", "h_death", "h_other"), on=["paragraph", "band"], how="left")
             .with_columns(pl.col("h_death", "h_other").fill_null(0.0))
             .with_columns((pl.col("h_death") + pl.col("h_other")).alias("h"))
             .with_columns((-(pl.col("h") * t).clip(0, None)).exp().alias("S"))
             .with_columns((ends * pl.col("h_death")).alias("death_amount"), (ends * pl.col("h_other")).alias("other_amount"),
                           (pl.col("cont") - pl.col("known")).alias("extension"))
             .collect())

    def lines(column: str, name: str, *grant: pl.Expr) -> pl.DataFrame:
        chosen = frame if on[name] else frame.head(0)
        return finish_lines(chosen.select("account", "paragraph", "month", "citizen_id", *grant, pl.col(column).alias("amount")))

    death_events, outflow_events, extension_events = _events(frame, rates, on)
    # what a review date adds is one grant's (the follow-up asks its caseworker about it, grant by grant)
    return Survival(lines("death_amount", "deaths"), lines("other_amount", "other_outflow"),
                    lines("extension", "extensions", pl.col("key").alias("grant_id")),
                    rates, death_events, outflow_events, extension_events)


def _continued(ctx: BufferContext, running: pl.DataFrame, base: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    """Each running grant's cost if its review date does not end it: only a grant with an end inside
    the horizon that the case system gives no reason for runs on; an end with a reason is decided."""
    review = base.join(running.select(pl.col("grant_id").alias("key"), "end_reason"), on="key").filter(
        pl.col("end_reason").is_null() & pl.col("end_date").is_not_null()).drop("end_reason")
    return pl.concat([
        known.join(review.select("key"), on="key", how="anti").rename({"known": "cont"}),
        synthetic_cost(review.with_columns(pl.lit(None, pl.Date).alias("end_date")), ctx.year, ctx.as_of,
                       ctx.price_index).rename({"cost": "cont"}),
    ])


def _events(frame: pl.DataFrame, rates: pl.DataFrame, on: Mapping[str, bool]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """For the interval: each running grant ends by death (or otherwise) before the year is out with
    probability (h_x/h)·(1 − S at the year's end), saving its cost from then on; the paragraph's rate
    is known to about 1/√(ends seen). What the review dates add is taken at its expectation."""
    per = (frame.lazy().group_by("key", "account", "paragraph")
           .agg(pl.col("death_amount", "other_amount", "extension").sum(),
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

    none = events_frame(pl.DataFrame())
    review = per.group_by("account").agg(pl.col("extension").sum().alias("amount")).select(
        "account", pl.lit("review dates").alias("group"), pl.lit("scale").alias("dist"), pl.lit(1.0).alias("p"),
        "amount", pl.lit(0.0).alias("cv"), pl.lit(0.0).alias("group_cv"))
    return (bern("deaths", "p_death", "death_amount", "deaths_p") if on["deaths"] else none,
            bern("outflow", "p_other", "other_amount", "others_p") if on["other_outflow"] else none,
            events_frame(review) if on["extensions"] else none)


def rate_params(rates: pl.DataFrame, opts: Options, name: str, seen: str) -> list[Param]:
    """Each paragraph's yearly rate (ends seen over grant-years), as estimated or as buffers.toml gives it."""
    exposure = "exposure_p"
    return [Param(f"{name}[{r['paragraph']}]", round(r[seen] / r[exposure], 4) if r[exposure] else 0.0,
                  "override" if r["paragraph"] in opts["rate"] else "estimated", int(r[seen]), "per grant-year")
            for r in rates.unique("paragraph").sort("paragraph").iter_rows(named=True)]


def deaths(ctx: BufferContext, opts: Options) -> BufferResult:
    model: Survival = ctx.prepared["survival"]
    d, rates = model.deaths, model.rates
    params = rate_params(rates, opts, "death_rate", "deaths_p")
    for r in rates.unique("band").filter(pl.col("band") != "ukendt").sort("band").iter_rows(named=True):
        params.append(Param(f"relative_risk[{r['band']}]", round(r["relative_risk"], 2), "estimated"))
    total = int(d.get_column("ore").sum()) if d.height else 0
    exp_deaths = float(rates.unique("paragraph").get_column("deaths_p").sum()) / max(1, opts["years"])
    return BufferResult("deaths", d, params, Message("deaths.explanation", per_year=exp_deaths, fall=-total),
                        events=model.death_events)


def other_outflow(ctx: BufferContext, opts: Options) -> BufferResult:
    model: Survival = ctx.prepared["survival"]
    total = int(model.outflow.get_column("ore").sum()) if model.outflow.height else 0
    return BufferResult("other_outflow", model.outflow, rate_params(model.rates, opts, "other_end_rate", "others_p"),
                        Message("other_outflow.explanation", fall=-total), events=model.outflow_events)
