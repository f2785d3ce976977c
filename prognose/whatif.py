"""One decision before it is made (pure): what a proposed grant costs in the as-of year and each
year ahead — as decided, and as expected when it may end early at its paragraph's rate of ending —
and how it moves its citizen's refund of expensive single cases in the as-of year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from prognose import projection
from prognose.periodise import periodise

NO_STEPS = {"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64}


@dataclass(frozen=True)
class Proposal:
    paragraph: str
    unit: str
    rate: float                  # kroner per unit, at the as-of year's price level
    quantity: float
    start: dt.date
    end: dt.date | None = None
    citizen: str | None = None   # an existing citizen's pseudonym


@dataclass(frozen=True)
class Outcome:
    proposal: Proposal
    account: str | None
    years: pl.DataFrame          # year, cost (as decided), expected (ending at the paragraph's rate), øre
    refund: dict | None          # year, cost_before, cost_after, refund_before, refund_after (øre), band_before, band_after
    known_citizen: bool | None = None   # whether the citizen named has grants in the extract (None: none named)


def cost_per_year(p: Proposal, account: str | None, as_of: dt.date, years: list[int], price_index: dict[int, float],
                  rates: pl.DataFrame) -> pl.DataFrame:
    grant = pl.DataFrame([{"grant_id": "proposal", "paragraph": p.paragraph, "account": account, "unit": p.unit, "rate": p.rate,
                           "quantity": p.quantity, "start_date": p.start, "end_date": p.end,
                           "price_year": as_of.year if price_index else None}],
                         schema={"grant_id": pl.String, "paragraph": pl.String, "account": pl.String, "unit": pl.String,
                                 "rate": pl.Float64, "quantity": pl.Float64, "start_date": pl.Date, "end_date": pl.Date,
                                 "price_year": pl.Int64})
    index = projection.extend_index(price_index, years[-1])
    months = periodise(grant.lazy(), pl.LazyFrame(schema=NO_STEPS), dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31),
                       index).collect()
    h = rates.filter(pl.col("paragraph") == p.paragraph).get_column("h")
    start = max(p.start, as_of)
    t = (pl.col("month").dt.offset_by("14d") - pl.lit(start)).dt.total_days().clip(0, None) / 365.25
    months = months.with_columns((pl.col("ore") * (-(float(h[0]) if h.len() else 0.0) * t).exp()).alias("expected"))
    out = months.group_by(pl.col("month").dt.year().cast(pl.Int32).alias("year")).agg(
        pl.col("ore").sum().alias("cost"), pl.col("expected").sum().round(0).cast(pl.Int64))
    grid = pl.DataFrame({"year": years}, schema={"year": pl.Int32})
    return grid.join(out, on="year", how="left").with_columns(pl.col("cost", "expected").fill_null(0)).sort("year")


def refund_change(citizens: pl.DataFrame | None, citizen: str | None, added: int, thresholds: tuple[int, int],
                  shares: tuple[float, float], year: int) -> dict | None:
    """The citizen's cost and refund in `year` before and after the proposal adds `added` øre
    (citizens: schema.CITIZENS; None where there is no refund scheme or no citizen named)."""
    if citizens is None or citizen is None:
        return None
    before = int(citizens.filter(pl.col("citizen_id") == citizen).get_column("cost").sum())
    after = before + added

    def refund(cost: int) -> int:
        t1, t2 = thresholds
        return int(shares[0] * (min(max(cost, t1), t2) - t1) + shares[1] * (max(cost, t2) - t2) + 0.5)

    def band(cost: int) -> int:
        return 0 if cost < thresholds[0] else 1 if cost < thresholds[1] else 2
    return {"year": year, "cost_before": before, "cost_after": after, "refund_before": refund(before),
            "refund_after": refund(after), "band_before": band(before), "band_after": band(after)}
