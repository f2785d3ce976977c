"""The period a run is about, resolved once at the edge (commands/edge.period): budget year and
as-of date; and the one rule of what the case system knew at that date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Period:
    """What a run is about: budget year `year` as of the date `as_of` (SPEC §4), resolved once at the edge."""
    year: int
    as_of: dt.date

    @property
    def same_year(self) -> bool:
        """Whether the as-of date lies in the budget year (not in its supplementary period)."""
        return self.as_of.year == self.year


def known_at(grants: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The grants the case system knew at the as-of date: decided by then (or with no decision date)."""
    return grants.filter(pl.col("decided_date").is_null() | (pl.col("decided_date") <= as_of))
