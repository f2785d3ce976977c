"""Bands of support packages, and a change of cost split into volume, price and mix over them.

A citizen's month in a group falls in a band by what their support that month amounts to: hours
a week (hourly grants, e.g. § 85 bostøtte) or cost a month (DKK, e.g. § 105 packages by rate).
The municipality sets the bands per paragraph in prognose.toml:

    [activity.bands]
    "SEL 85" = { measure = "hours", edges = [3, 6, 10, 20] }
    "ABL 105" = { measure = "cost", edges = [15000, 30000, 60000] }

A paragraph without a setting is banded by hours when most of its grants are hourly, else by cost,
at the edges below. Citizens the buffers expect (not yet known) are a band of their own.

Between year 0 and year 1, with N full-year persons, s_b the share of them in band b and p_b the
cost per full-year person in band b:
    volume = (N1 − N0)·P0, P0 = Σ s0_b p0_b
    mix    = N1 · Σ (s1_b − s0_b) p0_b
    price  = N1 · Σ s1_b (p1_b − p0_b)
which add up exactly to C1 − C0 (a band new in year 1 takes P0 as its p0_b). Price is computed as
Σ (C1_b − n1_b·p0_b) and volume as what is left, which is the same whenever each band's cost has
full-year persons behind it, and keeps the sum exact when it has not (a cost in a month without
days, the buffers' expected citizens leaving on balance).
"""

from __future__ import annotations

import math

from dataclasses import dataclass

import polars as pl

from prognose.errors import Problem
from prognose.paragraphs import natural_order

MEASURES = ("cost", "hours")
DEFAULT_EDGES = {"cost": (10_000.0, 25_000.0, 50_000.0, 100_000.0), "hours": (3.0, 6.0, 10.0, 20.0)}
EXPECTED = -1            # the band of citizens the buffers expect, not yet known


@dataclass(frozen=True)
class Bands:
    measure: str
    edges: tuple[float, ...]


def parse(section: dict, config_name: str) -> tuple[dict[str, Bands], list[Problem]]:
    """[activity.bands] → paragraph → Bands, with a problem per setting that is not one."""
    out, problems = {}, []
    expected = 'paragraph = { measure = "cost" or "hours", edges = [rising positive numbers] }'
    for paragraph, value in section.items():
        measure = value.get("measure") if isinstance(value, dict) else None
        edges = value.get("edges") if isinstance(value, dict) else None
        ok = (measure in MEASURES and isinstance(edges, list) and edges
              and all(isinstance(e, (int, float)) and not isinstance(e, bool) and math.isfinite(e) and e > 0 for e in edges)
              and all(a < b for a, b in zip(edges, edges[1:])))
        if ok:
            out[str(paragraph)] = Bands(measure, tuple(float(e) for e in edges))
        else:
            problems.append(Problem(config_name, None, f"activity.bands.{paragraph}", str(value), expected))
    return out, problems


def choose(grants: pl.DataFrame, configured: dict[str, Bands]) -> dict[str, Bands]:
    """Bands per group key: as configured for a paragraph, else hours where most grants are hourly."""
    shares = grants.group_by("key").agg((pl.col("unit") == "hour").mean().alias("hourly"))
    chosen = {}
    for key, hourly in shares.iter_rows():
        if key in configured:
            chosen[key] = configured[key]
        else:
            measure = "hours" if (hourly or 0) > 0.5 else "cost"
            chosen[key] = Bands(measure, DEFAULT_EDGES[measure])
    return chosen


def band_of(per_citizen: pl.DataFrame, chosen: dict[str, Bands]) -> pl.DataFrame:
    """per_citizen: key, month, days, ore, hour_days → with `band` (0 = below the first edge).
    The groups share a few kinds of bands: each row finds its kind by a join, not by a test per group."""
    kinds = list(dict.fromkeys(chosen.values()))
    which = pl.DataFrame({"key": list(chosen), "_kind": [kinds.index(b) for b in chosen.values()]},
                         schema={"key": per_citizen.schema["key"], "_kind": pl.Int32})
    days = pl.col("days").clip(1, None)
    cost_a_month = pl.col("ore") / 100 * pl.col("month").dt.days_in_month() / days
    hours_a_week = pl.col("hour_days") / days
    band = pl.lit(None, pl.Int32)
    for kind, b in enumerate(kinds):
        value = hours_a_week if b.measure == "hours" else cost_a_month
        band = pl.when(pl.col("_kind") == kind).then(sum((value >= e).cast(pl.Int32) for e in b.edges)).otherwise(band)
    return (per_citizen.join(which, on="key", how="left", nulls_equal=True, maintain_order="left")
            .with_columns(band.fill_null(0).cast(pl.Int32).alias("band")).drop("_kind"))


def split_change(bands: pl.DataFrame, year0: int, year1: int) -> pl.DataFrame:
    """bands: key, year, band, full_year_persons, cost (øre). Per key: cost0, cost1, change and its
    volume, price and mix effects (øre, float; they add up to the change)."""
    b = bands.filter(pl.col("year").is_in([year0, year1]))
    n = pl.col("full_year_persons")
    wide = (b.group_by("key", "band").agg(*[n.filter(pl.col("year") == y).sum().alias(f"n{i}") for i, y in enumerate((year0, year1))],
                                         *[pl.col("cost").filter(pl.col("year") == y).sum().cast(pl.Float64).alias(f"c{i}")
                                           for i, y in enumerate((year0, year1))]))
    totals = wide.group_by("key").agg(pl.col("n0", "n1", "c0", "c1").sum().name.suffix("_t"))
    w = (wide.join(totals, on="key")
         .with_columns(pl.when(pl.col("n0_t") > 0).then(pl.col("c0_t") / pl.col("n0_t")).otherwise(0.0).alias("P0"))
         .with_columns(pl.when(pl.col("n0") > 0).then(pl.col("c0") / pl.col("n0")).otherwise(pl.col("P0")).alias("p0"),
                       pl.when(pl.col("n1") > 0).then(pl.col("c1") / pl.col("n1")).otherwise(0.0).alias("p1"),
                       pl.when(pl.col("n0_t") > 0).then(pl.col("n0") / pl.col("n0_t")).otherwise(0.0).alias("s0"),
                       pl.when(pl.col("n1_t") > 0).then(pl.col("n1") / pl.col("n1_t")).otherwise(0.0).alias("s1")))
    # price on each band's own cost, mix at year 0's band prices, volume the rest: (N1 − N0)·P0
    # whenever every krone of year 0 has days behind it, and the three add up to the change exactly
    out = (w.group_by("key").agg(
        pl.col("c0_t").first().alias("cost0"), pl.col("c1_t").first().alias("cost1"),
        ((pl.col("n1") - pl.col("n1_t") * pl.col("s0")) * pl.col("p0")).sum().alias("mix"),
        (pl.col("c1") - pl.col("n1") * pl.col("p0")).sum().alias("price"))
        .with_columns((pl.col("cost1") - pl.col("cost0") - pl.col("mix") - pl.col("price")).alias("volume")))
    return out.select("key", pl.lit(year0).alias("year0"), pl.lit(year1).alias("year1"), "cost0", "cost1",
                      (pl.col("cost1") - pl.col("cost0")).alias("change"), "volume", "price", "mix").sort(natural_order("key"), nulls_last=True)


def at_mix(bands: pl.DataFrame, base_year: int, year: int) -> pl.DataFrame:
    """What `year`'s full-year persons would cost per key if they were spread over the bands as in
    `base_year` (at `year`'s price per band; a band empty in `year` at the key's average price)."""
    b = bands.filter(pl.col("year").is_in([base_year, year]))
    wide = b.group_by("key", "band").agg(
        pl.col("full_year_persons").filter(pl.col("year") == base_year).sum().alias("nb"),
        pl.col("full_year_persons").filter(pl.col("year") == year).sum().alias("n1"),
        pl.col("cost").filter(pl.col("year") == year).sum().cast(pl.Float64).alias("c1"))
    w = (wide.with_columns(pl.col("nb", "n1", "c1").sum().over("key").name.suffix("_t"))
         .with_columns(pl.when(pl.col("n1_t") > 0).then(pl.col("c1_t") / pl.col("n1_t")).otherwise(0.0).alias("P1"))
         .with_columns(pl.when(pl.col("n1") > 0).then(pl.col("c1") / pl.col("n1")).otherwise(pl.col("P1")).alias("p1"),
                       pl.when(pl.col("nb_t") > 0).then(pl.col("nb") / pl.col("nb_t")).otherwise(None).alias("sb")))
    out = w.group_by("key").agg(pl.col("c1_t").first().alias("cost"),
                                (pl.col("n1_t") * pl.col("sb") * pl.col("p1")).sum().alias("at_base_mix"),
                                pl.col("sb").is_null().all().alias("no_base"))
    out = out.with_columns(pl.when(pl.col("no_base")).then(None).otherwise(pl.col("at_base_mix")).alias("at_base_mix"))
    return out.select("key", pl.lit(base_year).alias("base_year"), "cost", "at_base_mix",
                      (pl.col("at_base_mix") - pl.col("cost")).alias("difference")).sort(natural_order("key"), nulls_last=True)
