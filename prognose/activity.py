"""Activity and unit costs: how many citizens, coming and going, at what price — and what the mix costs.

Counted from the grants known at the as-of date, per group (a paragraph, or an account, provider
type or provider) and month, for the budget year and the three years before it:
  - a citizen is *in* a group on a day when they have a grant in it that day; counts are of
    citizens, not grants, and own provision counts;
  - citizens at a month's end (bestand); inflow = citizens in at the month's end who were not at the
    previous month's end, outflow the reverse, by the end reason of the stretch that ended (empty:
    other), so a month's end = its start + inflow − outflow;
  - full-year persons (helårspersoner) = days in the group ÷ days in the period;
  - cost = what the grants cost by their action plans (periodised, at the price index), not what
    was booked; cost per full-year person = cost ÷ full-year persons.
Months after the as-of date are as the forecast expects them: the known grants as registered,
plus the buffers' expected citizens — each buffer's cost in a month ÷ the group's cost per
full-year person that month — as inflow (the lists and other inflow) or outflow (deaths, other).

A change of cost between two years is split into volume, price and mix over bands (bands.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from prognose import components
from prognose.buffers.survival import own_runs_on as review_dates_run_on
from prognose.bands import EXPECTED, at_mix, band_of, choose, split_change
from prognose.months import month_end, month_number, month_of_number, number_of
from prognose.periodise import periodise
from prognose.paragraphs import natural_order

REASONS = ("death", "moved", "transition", "other")
YEARS_BEFORE = 3
FLOWS = ("citizens_start", "inflow", *[f"outflow_{r}" for r in REASONS], "citizens_end")
FIGURES = (*FLOWS, "full_year_persons", "cost")


@dataclass
class Activity:
    year: int
    as_of: dt.date
    by: str
    months: pl.DataFrame     # key, month, FIGURES, expected
    years: pl.DataFrame      # key, year, FIGURES, expected
    bands: pl.DataFrame      # key, year, band, full_year_persons, cost
    mix: pl.DataFrame        # key, year0, year1, cost0, cost1, change, volume, price, mix (øre, float)
    base: pl.DataFrame | None = None   # key, base_year, cost, at_base_mix, difference (øre, float)


def _spells(grants: pl.DataFrame, horizon_end: dt.date) -> pl.DataFrame:
    """Each citizen's unbroken stretches in a group: cid, start, end, end_reason (of the
    stretch's last grant). Grants that overlap or follow on the next day are one stretch."""
    g = (grants.select("cid", "start_date",
                       pl.min_horizontal(pl.coalesce("end_date", pl.lit(horizon_end)), pl.lit(horizon_end)).alias("end"),
                       "end_reason")
         .filter(pl.col("start_date") <= pl.col("end"))
         .sort("cid", "start_date", "end"))
    return (_runs(g, "start_date", "end", gap=pl.duration(days=1))
            .group_by("run")
            .agg(pl.col("cid").first(), pl.col("start_date").min().alias("start"), pl.col("end").max(),
                 pl.col("end_reason").sort_by("end").last().fill_null("other"))
            .drop("run"))


def _runs(rows: pl.DataFrame, start: str, end: str, gap) -> pl.DataFrame:
    """rows sorted by cid and start, with `run`: the number of the unbroken run each row belongs to
    (a row starting more than `gap` after the furthest end so far of its citizen starts a new one).
    The rows are in citizen order, so 'so far' is the running maximum since the citizen's first row."""
    same = pl.col("cid") == pl.col("cid").shift(1)
    first_row = (~same).fill_null(True)
    reach = pl.col(end).cum_max().over(first_row.cum_sum()).shift(1)
    return rows.with_columns((first_row | (pl.col(start) > reach + gap)).cum_sum().alias("run"))


def _calendar(lo: int, hi: int) -> pl.Series:
    """The first day of each month number lo … hi (a lookup table: the row's month is a gather)."""
    return pl.date_range(month_of_number(lo), month_of_number(hi), "1mo", eager=True)


def _month_pieces(frame: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """One row per month number (mi) of lo … hi that each stretch start … end touches, with its days in it."""
    dim = pl.lit(_calendar(lo, hi).dt.days_in_month().cast(pl.Int32)).gather(pl.col("mi") - lo)
    mi = pl.col("mi")
    return (frame.with_columns(month_number(pl.col("start")).alias("m0"), month_number(pl.col("end")).alias("m1"))
            .filter((pl.col("m1") >= lo) & (pl.col("m0") <= hi))
            .with_columns(pl.int_ranges(pl.max_horizontal("m0", pl.lit(lo)), pl.min_horizontal("m1", pl.lit(hi)) + 1,
                                        dtype=pl.Int32).alias("mi"))
            .explode("mi")
            .with_columns((pl.when(mi == pl.col("m1")).then(pl.col("end").dt.day().cast(pl.Int32)).otherwise(dim)
                           - pl.when(mi == pl.col("m0")).then(pl.col("start").dt.day().cast(pl.Int32)).otherwise(1) + 1)
                          .alias("days")))


def _presence(spells: pl.DataFrame) -> pl.DataFrame:
    """Each citizen's unbroken presence at month-ends: cid, m0 … m1 (the month numbers at whose end
    they were in the group) and the end reason of the last stretch in it. Stretches a few days apart
    within one month are one presence: the citizen was there at every month's end."""
    end = pl.col("end")
    s = (spells.select("cid", month_number(pl.col("start")).alias("m0"),
                       (month_number(end) - (end != end.dt.month_end()).cast(pl.Int32)).alias("m1"), "end_reason")
         .filter(pl.col("m0") <= pl.col("m1")).sort("cid", "m0"))
    return (_runs(s, "m0", "m1", gap=1).group_by("run")
            .agg(pl.col("cid").first(), pl.col("m0").min(), pl.col("m1").max(),
                 pl.col("end_reason").sort_by("m1").last().alias("reason"))
            .drop("run"))


def _flows(presence: pl.DataFrame, keys: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Per group and month number lo … hi: citizens at its start and end, inflow and outflow by
    reason. A presence m0 … m1 is inflow in m0 and outflow in m1 + 1; the citizens at a month's end
    are the running sum of both from before lo."""
    p = presence.join(keys, on="cid")
    inflow = p.filter(pl.col("m0").is_between(lo, hi)).group_by("key", pl.col("m0").alias("mi")).agg(pl.len().alias("inflow"))
    gone = pl.col("m1") + 1
    left = (p.filter(gone.is_between(lo, hi)).group_by("key", gone.alias("mi"))
            .agg([(pl.col("reason") == r).sum().alias(f"outflow_{r}") for r in REASONS]))
    events = (pl.concat([p.select("key", pl.col("m0").alias("mi"), pl.lit(1).alias("n")),
                         p.select("key", gone.alias("mi"), pl.lit(-1).alias("n"))])
              .with_columns(pl.max_horizontal("mi", pl.lit(lo - 1)).alias("mi")).filter(pl.col("mi") <= hi)
              .group_by("key", "mi").agg(pl.col("n").sum()))
    grid = p.select("key").unique().join(pl.DataFrame({"mi": pl.int_range(lo - 1, hi + 1, dtype=pl.Int32, eager=True)}),
                                         how="cross")
    stock = (grid.join(events, on=["key", "mi"], how="left").sort("key", "mi", nulls_last=True)
             .with_columns(pl.col("n").fill_null(0).cum_sum().over("key").alias("citizens_end"))
             .with_columns(pl.col("citizens_end").shift(1).over("key").alias("citizens_start")))
    out = (stock.filter(pl.col("mi") >= lo).select("key", "mi", "citizens_start", "citizens_end")
           .join(inflow, on=["key", "mi"], how="left").join(left, on=["key", "mi"], how="left"))
    return out.with_columns(pl.col(c).fill_null(0).cast(pl.Float64) for c in FLOWS)


def _grant_keys(grants: pl.DataFrame, by: str) -> pl.DataFrame:
    """The grants with their group (key) and one whole number per citizen and group (cid): the
    joins below run on it rather than on two texts."""
    g = grants.with_columns(pl.col(by).alias("key"))
    return g.with_columns(pl.struct("citizen_id", "key").rank("dense").cast(pl.Int64).alias("cid"))


def known_activity(grants: pl.DataFrame, steps: pl.DataFrame, price_index: dict[int, float], year: int,
                   by: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per group and month of the four years (known grants only): FIGURES; and per citizen, group
    and month: days, cost and the band measures (for the mix)."""
    first, horizon_end = dt.date(year - YEARS_BEFORE, 1, 1), dt.date(year, 12, 31)
    lo, hi = number_of(first), number_of(horizon_end)
    g = _grant_keys(grants, by)
    keys = g.select("cid", "key").unique("cid")
    spells = _spells(g, horizon_end)
    days = _month_pieces(spells, lo, hi).group_by("cid", "mi").agg(pl.col("days").sum())
    cost = (periodise(g.lazy(), steps.lazy(), first, horizon_end, price_index, carry=("cid",))
            .group_by("cid", "mi").agg(pl.col("ore").sum()).collect())
    calendar = _calendar(lo, hi)
    per_citizen = (days.join(cost, on=["cid", "mi"], how="full", coalesce=True)
                   .join(_hours(g, lo, hi), on=["cid", "mi"], how="left").join(keys, on="cid", how="left")
                   .with_columns(pl.col("days").fill_null(0), pl.col("ore").fill_null(0), pl.col("hour_days").fill_null(0.0),
                                 pl.lit(calendar).gather(pl.col("mi") - lo).alias("month")))
    sums = (per_citizen.group_by("key", "mi")
            .agg((pl.col("days").sum() / pl.col("month").first().dt.days_in_month()).alias("full_year_persons"),
                 pl.col("ore").sum().alias("cost")))
    months = (_flows(_presence(spells), keys, lo, hi).join(sums, on=["key", "mi"], how="full", coalesce=True)
              .with_columns(pl.col("full_year_persons", "cost").fill_null(0))
              .filter(pl.any_horizontal(pl.col(c) != 0 for c in FIGURES)))
    return (months.with_columns(pl.lit(calendar).gather(pl.col("mi") - lo).alias("month")).select("key", "month", *FIGURES),
            per_citizen)


def _hours(g: pl.DataFrame, lo: int, hi: int) -> pl.DataFrame:
    """Per citizen, group and month: Σ hours a week × days, over hourly grants (unit `hour`, whose
    quantity is hours a week); ÷ the citizen's days it is their hours a week that month."""
    last = month_end(month_of_number(hi))
    h = g.filter(pl.col("unit") == "hour").select(
        "cid", pl.col("start_date").alias("start"),
        pl.min_horizontal(pl.coalesce("end_date", pl.lit(last)), pl.lit(last)).alias("end"), pl.col("quantity").fill_null(1.0))
    return (_month_pieces(h.filter(pl.col("start") <= pl.col("end")), lo, hi)
            .group_by("cid", "mi").agg((pl.col("days") * pl.col("quantity")).sum().alias("hour_days")))


def buffer_persons(buffer_lines: pl.DataFrame, months: pl.DataFrame, by: str) -> pl.DataFrame:
    """The buffers' expected citizens per group and month: key, month, reason ("inflow" or an end
    reason), persons (a buffer's cost ÷ the group's known cost per full-year person that month,
    else over the year) and their cost. buffer_lines: buffer, account, paragraph, month, ore."""
    kinds = {c.name: c.flow for c in components.REGISTRY if c.flow is not None}
    key = pl.col(by) if by in ("paragraph", "account") else pl.lit(None, pl.String)
    lines = (buffer_lines.filter(pl.col("buffer").is_in(list(kinds)))
             .group_by(key.alias("key"), "month", pl.col("buffer").replace_strict(kinds).alias("reason"))
             .agg(pl.col("ore").sum()))
    price = months.select("key", "month", (pl.col("cost") / pl.col("full_year_persons")).alias("p"),
                          (pl.col("cost").sum() / pl.col("full_year_persons").sum()).over("key", pl.col("month").dt.year())
                          .alias("p_year"))
    overall = float(months.get_column("cost").sum() / max(float(months.get_column("full_year_persons").sum()), 1e-9))
    return (lines.join(price, on=["key", "month"], how="left")
            .with_columns(pl.coalesce(pl.when(pl.col("p").is_finite() & (pl.col("p") > 0)).then(pl.col("p")),
                                      pl.when(pl.col("p_year").is_finite() & (pl.col("p_year") > 0)).then(pl.col("p_year")),
                                      pl.lit(overall)).alias("unit"))
            .with_columns(pl.when(pl.col("unit") > 0).then(pl.col("ore") / pl.col("unit")).otherwise(0.0).alias("persons"))
            .select("key", "month", "reason", "persons", pl.col("ore").alias("cost")))


def _with_expected(months: pl.DataFrame, persons: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The known months plus the buffers' expected citizens: a stock per month, whose change from the
    month before is inflow (or outflow by its reason)."""
    months = months.with_columns((pl.col("month").dt.month_end() > as_of).alias("expected"))
    if persons.is_empty():
        return months
    stock = persons.group_by("key", "reason", "month").agg(pl.col("persons").sum(), pl.col("cost").sum())
    grid = (stock.select("key", "reason").unique()
            .join(months.filter("expected").select("month").unique(), how="cross")
            .join(stock, on=["key", "reason", "month"], how="left").with_columns(pl.col("persons", "cost").fill_null(0))
            .sort("key", "reason", "month", nulls_last=True)
            .with_columns(pl.col("persons").shift(1).over("key", "reason").fill_null(0.0).alias("before")))
    change = pl.col("persons") - pl.col("before")
    delta = grid.group_by("key", "month").agg(
        pl.col("before").sum().alias("d_start"), pl.col("persons").sum().alias("d_end"),
        change.filter(pl.col("reason") == "inflow").sum().alias("d_inflow"),
        *[(-change).filter(pl.col("reason") == r).sum().alias(f"d_outflow_{r}") for r in REASONS],
        pl.col("persons").sum().alias("d_fyp"), pl.col("cost").sum().alias("d_cost"))
    add = {"citizens_start": "d_start", "citizens_end": "d_end", "inflow": "d_inflow", "full_year_persons": "d_fyp",
           "cost": "d_cost", **{f"outflow_{r}": f"d_outflow_{r}" for r in REASONS}}
    out = months.join(delta, on=["key", "month"], how="full", coalesce=True)
    return out.with_columns(*[(pl.col(c).fill_null(0) + pl.col(d).fill_null(0)).alias(c) for c, d in add.items()],
                            pl.col("expected").fill_null(True)).select("key", "month", *FIGURES, "expected")


def per_year(months: pl.DataFrame) -> pl.DataFrame:
    """The months summed to years: start of the first month, end of the last, flows and cost summed,
    full-year persons as days over the year's days."""
    m = months.sort("key", "month", nulls_last=True).with_columns(pl.col("month").dt.year().alias("year"))
    days = pl.col("full_year_persons") * pl.col("month").dt.days_in_month()
    in_year = pl.date(pl.col("year"), 12, 31).dt.ordinal_day()
    return (m.group_by("key", "year")
            .agg(pl.col("citizens_start").first(), *[pl.col(c).sum() for c in ("inflow", *[f"outflow_{r}" for r in REASONS])],
                 pl.col("citizens_end").last(), (days.sum() / in_year.first()).alias("full_year_persons"),
                 pl.col("cost").sum(), pl.col("expected").any())
            .select("key", "year", *FIGURES, "expected").sort([*natural_order("key"), "year"], nulls_last=True))


def _bands(per_citizen: pl.DataFrame, persons: pl.DataFrame, chosen) -> pl.DataFrame:
    in_year = pl.date(pl.col("year"), 12, 31).dt.ordinal_day()
    known = (band_of(per_citizen, chosen)
             .group_by("key", (pl.col("mi") // 12).alias("year"), "band")
             .agg(pl.col("days").sum(), pl.col("ore").sum().alias("cost"))
             .select("key", "year", "band", (pl.col("days") / in_year).alias("full_year_persons"), "cost"))
    expected = (persons.group_by("key", pl.col("month").dt.year().alias("year"))
                .agg((pl.col("persons") * pl.col("month").dt.days_in_month()).sum().alias("days"), pl.col("cost").sum())
                .with_columns((pl.col("days") / in_year).alias("full_year_persons"))
                .with_columns(pl.lit(EXPECTED, pl.Int32).alias("band")))
    return pl.concat([known, expected.select(known.columns)], how="vertical_relaxed").with_columns(pl.col("cost").cast(pl.Int64))


def activity(grants: pl.DataFrame, steps: pl.DataFrame, price_index: dict[int, float], year: int, as_of: dt.date,
             by: str = "paragraph", buffer_lines: pl.DataFrame | None = None, bands: dict | None = None,
             compare: int | None = None, mix_base: int | None = None, own_runs_on: bool = True) -> Activity:
    """grants: those known at as_of; buffer_lines: buffer, account, paragraph, month, ore (or None).
    own_runs_on: own provision's planned ends ahead without an end reason are review dates and its
    grants run on, as the forecast has them (forecast.own_activity); the invoiced grants' review
    dates are the other-outflow buffer's, whose lines come in with the buffers'."""
    if own_runs_on:
        grants = review_dates_run_on(grants, as_of)
    months, per_citizen = known_activity(grants, steps, price_index, year, by)
    persons = (buffer_persons(buffer_lines, months, by) if buffer_lines is not None and buffer_lines.height
               else pl.DataFrame(schema={"key": pl.String, "month": pl.Date, "reason": pl.String, "persons": pl.Float64,
                                         "cost": pl.Int64}))
    months = _with_expected(months, persons, as_of).sort([*natural_order("key"), "month"], nulls_last=True)
    chosen = choose_bands(grants, by, bands or {})
    banded = _bands(per_citizen, persons, chosen)
    mix = split_change(banded, compare if compare is not None else year - 1, year)
    base = at_mix(banded, mix_base, year) if mix_base is not None else None
    return Activity(year, as_of, by, months, per_year(months), banded.sort([*natural_order("key"), "year", "band"], nulls_last=True), mix, base)


def choose_bands(grants: pl.DataFrame, by: str, configured: dict) -> dict:
    """Configured bands are per paragraph: they apply when the groups are paragraphs."""
    return choose(_grant_keys(grants, by), configured if by == "paragraph" else {})
