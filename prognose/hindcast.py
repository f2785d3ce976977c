"""The engine's own backtest on the municipality's own history: how far its range should reach.

An extract holds the closed years before the budget year. So the engine can forecast as of the
same day of an earlier year, with only what it would have known then, and hold that
forecast against the year's final accounts, which the extract shows: the backtest of this very
engine on this very municipality. What it knew then (as_known_at):
  - the postings booked by that date;
  - the grants decided by then (without a decision date: started by then). An end that came later
    with a reason — a death, a move, another ending — was not known yet (the reason is filled in
    only once a grant has ended): such a grant runs on, as a running grant does today; a later
    transition's planned date stays, its reason goes;
  - the buffers' settings, but not the lists: they name the young people and STU students of the
    budget year.
A past year counts where the postings hold at least MIN_HISTORY_YEARS complete years before it,
the history today's forecast has (with less, the engine learns other windows and seasons and
misses for that reason). Its final accounts are what is booked to its periods by the as-of date,
and, while its supplementary period is still open, what that period is expected to bring
(supplementary.open_december).

How far such a past forecast missed, in units of the spread its own range gave it (z), says how
much wider or narrower the range must be to hold the final accounts as often as it says. One past
year is one draw, so it is weighed as one more year beside the range as computed, which counts as
one year that missed by exactly its spread: the scale is √((1 + Σ z²) ÷ (1 + n)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

from prognose.months import month_end
from prognose.supplementary import open_december
from prognose.uncertainty import Interval

MIN_HISTORY_YEARS = 2       # complete years of postings before a past year, as today's forecast has them
UNKNOWN_ENDS = ("death", "moved", "other")
DRAWS = 250                 # the past forecasts' spread needs their standard deviation, not their tails


@dataclass(frozen=True)
class Past:
    """One past forecast: as of, for its year, what it said, what the year came to, and the standard
    deviation of its range (øre)."""
    as_of: dt.date
    year: int
    forecast: int
    final: int
    sd: float

    @property
    def z(self) -> float:
        return (self.forecast - self.final) / self.sd if self.sd > 0 else 0.0


def as_known_at(grants: pl.DataFrame, postings: pl.DataFrame, as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The grants and postings as they stood at an earlier date (see the module's docstring)."""
    decided = pl.col("decided_date").is_not_null() & (pl.col("decided_date") <= as_of)
    undated = pl.col("decided_date").is_null() & (pl.col("start_date") <= as_of)
    later = pl.col("end_reason").is_not_null() & (pl.col("end_date") > as_of)
    unknown = later & pl.col("end_reason").is_in(UNKNOWN_ENDS)
    known = grants.filter(decided | undated).with_columns(
        pl.when(unknown).then(None).otherwise(pl.col("end_date")).alias("end_date"),
        pl.when(later).then(None).otherwise(pl.col("end_reason")).alias("end_reason"))
    return known, postings.filter(pl.col("posting_date") <= as_of)


def past_dates(postings: pl.DataFrame, as_of: dt.date) -> list[dt.date]:
    """The same day of each earlier year (a month's end: that month's end) that the postings hold
    MIN_HISTORY_YEARS complete years before, latest first."""
    first = postings.get_column("period").min()
    if first is None:
        return []
    out = []
    for back in range(1, as_of.year - first.year + 1):
        past = _year_before(as_of, back)
        if dt.date(past.year - MIN_HISTORY_YEARS, 1, 1) >= first:
            out.append(past)
    return out


def _year_before(d: dt.date, back: int) -> dt.date:
    """d moved `back` years earlier: a month's end to that month's end, 29 February to the 28th."""
    if d == month_end(d):
        return month_end(dt.date(d.year - back, d.month, 1))
    return dt.date(d.year - back, d.month, min(d.day, month_end(dt.date(d.year - back, d.month, 1)).day))


def final_of(postings: pl.DataFrame, booked: pl.DataFrame, year: int, as_of: dt.date) -> int:
    """A past year's final accounts as the postings known at the as-of date show them (øre), with
    what its supplementary period is still expected to bring while it is open. booked: the summed
    postings (booked.sum_postings) the open December is estimated from."""
    so_far = int(postings.filter((pl.col("period").dt.year() == year) & (pl.col("posting_date") <= as_of))
                 .get_column("amount").sum())
    rest = open_december(booked, as_of) if as_of.year == year + 1 else None
    return so_far + (round(float(rest.get_column("amount").sum())) if rest is not None and rest.height else 0)


def past_forecasts(run, grants: pl.DataFrame, steps: pl.DataFrame, postings: pl.DataFrame, budget: pl.DataFrame, options,
                   year: int, as_of: dt.date, buffers) -> list[tuple[dt.date, int, int, float]]:
    """The engine's forecast as of the same day of each earlier year it can be made for, of the year
    as far before the budget year: (as of, year, its total, the standard deviation of its range),
    øre. run: forecast.run_forecast (given, so this module needs no import of it). It needs nothing
    of today's forecast, so it may run beside it."""
    lists = replace(buffers, lists={name: _empty(frame) for name, frame in buffers.lists.items()}, adjustments=None) \
        if buffers is not None else None
    out = []
    for past in past_dates(postings, as_of):
        known, seen = as_known_at(grants, postings, past)
        past_year = year - (as_of.year - past.year)
        fc = run(known, steps, seen, budget, options, past_year, past, lists, draws=DRAWS, backtest=False)
        values = fc.interval.of(None)
        sd = (values["p90"] - values["p10"]) / (2 * 1.2815515655446004) if values else 0.0
        out.append((past, past_year, int(fc.lines.get_column("ore").sum()), sd))
    return out


def held_against_finals(forecasts: list[tuple[dt.date, int, int, float]], postings: pl.DataFrame, booked: pl.DataFrame,
                        as_of: dt.date) -> list[Past]:
    """Each past forecast with its year's final accounts as the postings known at as_of show them
    (final_of); booked: the summed postings known at as_of."""
    return [Past(past, y, total, final_of(postings, booked, y, as_of), sd) for past, y, total, sd in forecasts]


def _empty(frame: pl.DataFrame | None) -> pl.DataFrame | None:
    return frame.head(0) if frame is not None else None


def scale(past: list[Past]) -> float:
    """How much wider (above 1) or narrower the range must be: √((1 + Σ z²) ÷ (1 + n)); 1 without a
    past forecast."""
    return ((1 + sum(p.z ** 2 for p in past)) / (1 + len(past))) ** 0.5


def calibrated(band: Interval, factor: float) -> Interval:
    """The range scaled about its median by `factor`, per account and in total."""
    if factor == 1.0:
        return band
    wider = band.table.with_columns(
        (pl.col("p50") - ((pl.col("p50") - pl.col("p10")) * factor).round(0).cast(pl.Int64)).alias("p10"),
        (pl.col("p50") + ((pl.col("p90") - pl.col("p50")) * factor).round(0).cast(pl.Int64)).alias("p90"))
    return replace(band, table=wider)


def calibrated_by(band: Interval | None, pending, postings: pl.DataFrame, booked: pl.DataFrame,
                  as_of: dt.date) -> tuple[Interval | None, list[Past]]:
    """The range scaled by the past forecasts (pending: what gives past_forecasts' result, or None),
    and those forecasts held against their years' final accounts."""
    if pending is None or band is None:
        return band, []
    past = held_against_finals(pending.result(), postings, booked, as_of)
    return calibrated(band, scale(past)), past
