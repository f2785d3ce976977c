"""Billing ratio: how much of a grant's periodised cost its provider actually invoices.

A grant's rate × quantity is what was decided; what is invoiced is often less (days in hospital
or on holiday are not charged, a provider bills a lower rate than the grant's, part of an
invoice is booked without the grant's id) and now and then more. Left unmeasured, the shortfall
piles up as "outstanding" — as if the invoices were only late — and the billing lag learned from
it says months are still to come that never will be.

So before the lag is measured, the ratio booked ÷ periodised cost is learned over the latest
year whose supplementary period has closed (everything booked for it is in), by the period the
postings were booked to, from the grants whose postings are linked to them: per provider where
its grants had a dozen months of cost that year, else per provider type and account, else per
provider type, else 1. Each grant's cost is then scaled by its ratio: what the engine expects
to be booked, and what it measures the lag against.

A running grant carries today's rate, so in a year before its price year it was invoiced at
that year's lower prices: the ratio of all linked grants rises from one closed year to the next
by the price level (and falls back where an index in prognose.toml already indexes the rates).
That change, measured over the two latest closed years on the grants that ran through both (the
median of how each one's ratio moved), is carried on to the year forecast.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from prognose.months import month_end, number_of

MIN_COST_MONTHS = 12        # grant-months of cost behind a ratio before it is trusted
RATIO_RANGE = (0.5, 1.5)    # beyond this a measured ratio says more about the links than the billing
DRIFT_RANGE = (0.9, 1.1)    # a year's change of the price level beyond this is a change in the links
MIN_DRIFT_GRANTS = 12       # grants running through both years before their median change is trusted
LEVELS = (("provider",), ("provider_type", "account"), ("provider_type",))


def closed_year(as_of: dt.date) -> int:
    """The latest year whose supplementary period (January–February after it) is over at as_of."""
    return as_of.year - 1 if as_of >= month_end(dt.date(as_of.year, 2, 1)) else as_of.year - 2


def _year_sums(pieces: pl.DataFrame, linked: pl.DataFrame, n: int, year: int):
    """Per grant: cost, months with a cost, and amount booked to the year's periods."""
    first, last = number_of(dt.date(year, 1, 1)), number_of(dt.date(year, 12, 1))
    gi, mi, ore = (pieces.get_column(c).to_numpy() for c in ("gi", "mi", "ore"))
    in_year = (mi >= first) & (mi <= last)
    cost = np.bincount(gi[in_year], weights=ore[in_year].astype(np.float64), minlength=n)
    months = np.bincount(gi[in_year], weights=(ore[in_year] > 0).astype(np.float64), minlength=n)
    lg, pn, amount = (linked.get_column(c).to_numpy() for c in ("gi", "pn", "amount"))
    booked_in = (pn >= first) & (pn <= last)
    booked = np.bincount(lg[booked_in], weights=amount[booked_in].astype(np.float64), minlength=n)
    return cost, months, booked


def price_drift(pieces: pl.DataFrame, linked: pl.DataFrame, n: int, year: int, has_link: np.ndarray) -> float:
    """How the price level moved from year − 1 to `year`: the median, over the linked grants with a
    cost in every month of both years, of how much their ratio (booked ÷ cost) moved. The same
    grant's ratio changes with the price it is invoiced at and little else; a ratio pooled over all
    grants also moves with who started and ended, and with one provider's credit notes (1 with fewer
    than MIN_DRIFT_GRANTS such grants, or when the postings begin after year − 1 does)."""
    if linked.is_empty() or int(linked.get_column("pn").min()) > number_of(dt.date(year - 1, 1, 1)):
        return 1.0
    cost0, months0, booked0 = _year_sums(pieces, linked, n, year - 1)
    cost1, months1, booked1 = _year_sums(pieces, linked, n, year)
    both = has_link & (months0 == 12) & (months1 == 12) & (booked0 > 0) & (booked1 > 0) & (cost0 > 0) & (cost1 > 0)
    if both.sum() < MIN_DRIFT_GRANTS:
        return 1.0
    moved = (booked1[both] / cost1[both]) / (booked0[both] / cost0[both])
    return float(np.clip(np.median(moved), *DRIFT_RANGE))


def scale_pieces(pieces: pl.DataFrame, ratio: np.ndarray, year: int, drift: float) -> pl.DataFrame:
    """Each periodised month at its grant's ratio, moved by the price drift for its year."""
    gi, mi = pieces.get_column("gi").to_numpy(), pieces.get_column("mi").to_numpy()
    factor = ratio[gi] * drift ** (mi // 12 - year).astype(np.float64)
    return pieces.with_columns(pl.Series("ore", pieces.get_column("ore").to_numpy() * factor))


def _key(columns: tuple[str, ...]) -> pl.Expr:
    """A level's key of a grant (provider, provider_type, account), as the ratios are learned and found."""
    return pl.concat_str([pl.col(c).fill_null("?") for c in columns], separator="|").alias("key")


def ratio_sources(grants: pl.DataFrame, table: pl.DataFrame) -> pl.Series:
    """The level each grant's ratio was learned at (billing_ratios' table: "provider",
    "provider_type+account", "provider_type"), or "none" where no level had the months (ratio 1)."""
    source = pl.lit(None, pl.String)
    for columns in reversed(LEVELS):
        level = "+".join(columns)
        keys = table.filter(pl.col("level") == level).get_column("key")
        source = pl.when(_key(columns).is_in(keys.implode())).then(pl.lit(level)).otherwise(source)
    return grants.select(source.fill_null("none").alias("ratio_source")).to_series()


def billing_ratios(grants: pl.DataFrame, pieces: pl.DataFrame, linked: pl.DataFrame,
                   as_of: dt.date) -> tuple[np.ndarray, int, float, pl.DataFrame]:
    """(ratio per grant in the closed year, in the order of `grants`; that year; the yearly
    price drift; the table of ratios learned: level, key, ratio, cost_months, year, drift).

    grants: provider, provider_type, account, one row per grant gi; pieces: gi, mi, ore (the
    periodised months); linked: gi, pn (the period's month number), amount."""
    year = closed_year(as_of)
    n = grants.height
    has_link = np.bincount(linked.get_column("gi").to_numpy(), minlength=n) > 0
    cost, months, booked = _year_sums(pieces, linked, n, year)
    drift = price_drift(pieces, linked, n, year, has_link)
    per_grant = grants.select("provider", "provider_type", "account").with_columns(
        pl.Series("cost", np.where(has_link, cost, 0.0)), pl.Series("booked", np.where(has_link, booked, 0.0)),
        pl.Series("months", np.where(has_link, months, 0.0)))
    ratio = pl.Series("ratio", np.full(n, np.nan))
    tables = []
    for columns in LEVELS:
        key = _key(columns)
        learned = (per_grant.group_by(key).agg(pl.col("cost").sum(), pl.col("booked").sum(),
                                              pl.col("months").sum().alias("cost_months"))
                   .filter((pl.col("cost_months") >= MIN_COST_MONTHS) & (pl.col("cost") > 0))
                   .with_columns((pl.col("booked") / pl.col("cost")).clip(*RATIO_RANGE).alias("ratio")))
        tables.append(learned.select(pl.lit("+".join(columns)).alias("level"), "key", "ratio",
                                     pl.col("cost_months").cast(pl.Int64)))
        found = per_grant.select(key).join(learned.select("key", pl.col("ratio").alias("r")), on="key",
                                           how="left", maintain_order="left").get_column("r")
        ratio = pl.select(pl.when(ratio.is_nan()).then(found.fill_null(np.nan)).otherwise(ratio)).to_series()
    table = pl.concat(tables).with_columns(pl.lit(year).alias("year"), pl.lit(drift).alias("drift")).sort("level", "key")
    return ratio.fill_nan(1.0).to_numpy(), year, drift, table
