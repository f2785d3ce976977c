"""`prognose refusion`: the state's refund of particularly expensive single cases for a budget year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from prognose.commands import edge
from prognose.errors import UsageError
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.io.extract import Extract
from prognose.options import Options
from prognose.period import known_at
from prognose.refusion import Refusion, forecast_refusion


@dataclass(frozen=True)
class RefusionReport:
    refusion: Refusion | None
    as_of: dt.date
    kind: str = "refusion"


def command(
    ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
    buffers: Optional[Path] = BUFFERS, as_of: Optional[str] = AS_OF,
    year: Optional[int] = typer.Option(None, "--year", help="The year (default: the as-of date's); an earlier year is "
                                                             "computed from its grants with thresholds learned from the years before it."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """The refund of expensive single cases: thresholds, what is booked and still to come, and the citizens near a threshold."""
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    edge.write(ctx, step(opts, year, edge.parse_date(as_of, "--as-of")), out, fmt, opts)


def step(opts: Options, year: int | None = None, as_of: dt.date | None = None) -> RefusionReport:
    """The refund for `year` (default: the as-of date's), as of `as_of`: for the budget year the
    forecast's own (with the buffers' changes to citizens' costs); for an earlier year from its
    grants alone, with thresholds learned only from the years before it."""
    ex = edge.read(opts)
    as_of = as_of or edge.default_as_of(ex)
    year = year or as_of.year
    first = ex.postings.get_column("period").min()
    if year > as_of.year or (first is not None and year < first.year):
        raise UsageError(f"--year {year}: the extract has no data for it (its postings run from {first:%Y} to {as_of:%Y})")
    if year == as_of.year or (year == as_of.year - 1 and as_of.month <= 2):
        return RefusionReport(edge.forecast(opts, as_of, year, extract=ex, draws=0).forecast.refusion, as_of)
    return RefusionReport(of_grants(ex, opts, year, as_of), as_of)


def of_grants(ex: Extract, opts: Options, year: int, as_of: dt.date) -> Refusion | None:
    """The year's refund from the grants known at as_of and the postings alone (no buffers)."""
    return forecast_refusion(known_at(ex.grants, as_of), ex.plan_steps, ex.postings, opts.refusion, opts.price_index, year,
                             as_of, year - 3)
