"""How long after (or before) its start a grant is registered — the registration delay — and what
that says about a grant not seen yet.

A grant is known from its decided_date; history gives the delay decided_date − start_date of every
grant that started in the history years. For a grant expected to start on day s, the chance that
it is still unregistered at the as-of date D, had it happened, is P(delay > D − s).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

MIN_DELAYS = 30   # registrations needed before the delay distribution is trusted


def delays(grants: pl.DataFrame, first_year: int, last_year: int) -> pl.Series:
    """Days from start to decision of the grants starting in the years given (sorted)."""
    d = grants.filter(pl.col("decided_date").is_not_null() & pl.col("start_date").dt.year().is_between(first_year, last_year))
    return d.select((pl.col("decided_date") - pl.col("start_date")).dt.total_days().alias("delay")).get_column("delay").sort()


def p_unregistered(gap_days: pl.Series, observed: pl.Series) -> pl.Series:
    """P(delay > gap) for each gap (days from the expected start to the as-of date), from the
    observed delays (sorted). None of them observed: 1 where the start is ahead, 0 where it passed."""
    if observed.len() < MIN_DELAYS:
        return (gap_days < 0).cast(pl.Float64)
    at_most = observed.search_sorted(gap_days, side="right")
    return (1.0 - at_most.cast(pl.Float64) / observed.len()).rename("p_unregistered")


def still_expected(p: pl.Series, unregistered: pl.Series) -> pl.Series:
    """The chance that a listed event with prior probability p happens, given that no grant is
    registered for it yet (Bayes): p·q / (p·q + 1 − p), q the chance a real one is still unregistered.
    A certain event (p = 1) stays certain: the list says so, whatever the delay."""
    num = p * unregistered
    return pl.select(pl.when(p >= 1.0).then(1.0).otherwise(num / (num + (1.0 - p)))).to_series().rename("p")


def gap_days(dates: pl.Series, as_of: dt.date) -> pl.Series:
    return pl.select((pl.lit(as_of) - dates).dt.total_days()).to_series()
