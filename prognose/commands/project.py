"""`prognose project`: the budget year and the years after it, per account and paragraph, beside
the budget, with P10–P90 and citizens; from the extract, or (for the director's report) from what
a snapshot's run read and concluded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose import projection
from prognose.commands import edge
from prognose.errors import UsageError
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.io.initiatives_io import initiatives_of
from prognose.io.raw import find_table
from prognose.io.snapshots import Snapshot
from prognose.options import Options
from prognose.paragraphs import accounts_in_use


@dataclass(frozen=True)
class ProjectReport:
    projection: projection.Projection
    kind: str = "project"


def command(
    ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
    buffers: Optional[Path] = BUFFERS, as_of: Optional[str] = AS_OF,
    years: int = typer.Option(3, "--years", min=0, max=10, help="Years after the first (the first is the as-of year while "
                                                                 "any of it is ahead, else the year after)."),
    initiatives: bool = typer.Option(False, "--initiatives", help="Each initiative of buffers/initiatives.csv: its effect "
                                                                  "per year and the projection with all of them."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """The budget year and the years after it: per account and paragraph, beside the budget, with P10–P90 and citizens."""
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    edge.write(ctx, ProjectReport(step(opts, edge.parse_date(as_of, "--as-of"), years, initiatives)), out, fmt, opts)


def first_year(as_of: dt.date) -> int:
    """The first year projected: the as-of year while any of it is ahead, else the year after."""
    return as_of.year if as_of < dt.date(as_of.year, 12, 31) else as_of.year + 1


def step(opts: Options, as_of: dt.date | None = None, years_after: int = 3, with_initiatives: bool = False,
         extract=None) -> projection.Projection:
    """The projection of the years from the first through `years_after` more, from the extract at
    the as-of date (default: as `run` takes it); with the initiatives of the buffers directory."""
    if with_initiatives and not find_table(opts.buffers, "initiatives"):
        # asked for and not there: said, never a projection without them that looks like one with them
        raise UsageError(f"--initiatives: no initiatives file (initiatives.csv, .xlsx or .parquet) in {opts.buffers}")
    ex = extract or edge.read(opts)
    as_of = as_of or edge.default_as_of(ex)
    run = edge.forecast(opts, as_of, as_of.year, extract=ex)
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    accounts = accounts_in_use(ex.grants, opts.paragraph_accounts)
    frame = projection.model(ex.grants, ex.plan_steps, as_of, years[-1], opts.price_index, accounts)
    # the initiatives were read and checked with the buffers directory by the run
    plans = initiatives_of(run.buffers.initiatives) if with_initiatives and run.buffers is not None else None
    band = run.forecast.interval.of(None) if run.forecast.interval is not None else None
    return projection.build(run.forecast, frame, ex.grants, run.forecast.yearly, ex.budget, years, accounts, plans,
                            opts.price_index, (band["p10"], band["p90"]) if band else None,
                            run.buffers.adjustments if run.buffers is not None else None)


def of_snapshot(snap: Snapshot, years_after: int = 3) -> projection.Projection | None:
    """The projection of a snapshot (loaded with its grants, plan steps, budget and initiatives):
    from what its run read and concluded. None where the snapshot forecasts another year than its
    as-of date's (a supplementary-period run)."""
    as_of = snap.as_of_date
    grants = snap.input("grants")
    if snap.year != as_of.year or grants is None or grants.is_empty():
        return None
    ran = snap.options
    accounts = accounts_in_use(grants, ran.paragraph_accounts)
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    frame = projection.model(grants, snap.plan_steps(), as_of, years[-1], ran.price_index, accounts)
    return projection.build(_Base(snap.lines, as_of), frame, grants, snap.yearly, snap.input("budget"), years, accounts,
                            initiatives_of(snap.input("list_initiatives")), ran.price_index, snap.total_band,
                            snap.input("list_adjustments"))


@dataclass(frozen=True)
class _Base:
    """The base year's forecast as projection.build takes it: its lines and its as-of date."""
    lines: pl.DataFrame
    as_of: dt.date
