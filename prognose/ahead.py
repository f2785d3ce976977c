"""`prognose project` and `prognose whatif` at the edge: read the extract, run the monthly forecast
of the as-of year, and hand both to the projection (projection.py) and the initiatives
(initiatives.py), which are pure."""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose import app, projection
from prognose.io.config import Settings
from prognose.paragraphs import accounts_in_use


def first_year(as_of: dt.date) -> int:
    """The first year projected: the as-of year while any of it is ahead, else the year after."""
    return as_of.year if as_of < dt.date(as_of.year, 12, 31) else as_of.year + 1


def project(settings: Settings, as_of: dt.date | None = None, years_after: int = 3, with_initiatives: bool = False,
            extract=None) -> projection.Projection:
    """The projection of the years from the first through `years_after` more, from the extract at
    the as-of date (default: as `run` takes it); with the initiatives of the buffers directory."""
    ex = extract or app.read(settings)
    as_of = as_of or app.default_as_of(ex)
    run = app.forecast(settings, as_of, as_of.year, extract=ex, draws=0)
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    accounts = accounts_in_use(ex.grants, settings.paragraph_accounts)
    frame = projection.model(ex.grants, ex.plan_steps, as_of, years[-1], settings.price_index, accounts)
    plans = None
    if with_initiatives:
        from prognose.io.initiatives_io import read_initiatives
        from prognose.io.keyfile import load_key

        plans = read_initiatives(settings.buffers, settings, load_key(settings.key_file))
    return projection.build(run.forecast, frame, ex.grants, ex.postings, ex.budget, years, accounts, plans, settings.price_index)


def history_totals(postings: pl.DataFrame, as_of: dt.date) -> dict[int, int]:
    """What each complete year before the as-of year booked in total (øre), from the postings."""
    done = postings.filter(pl.col("period").dt.year() < as_of.year)
    return dict(done.group_by(pl.col("period").dt.year().alias("y")).agg(pl.col("amount").sum()).iter_rows())
