"""`prognose whatif`: one decision before it is made — a proposed grant's cost this year and the
years ahead, and its citizen's refund."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose import projection, whatif as w
from prognose.commands import edge
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.commands.project import first_year
from prognose.errors import UsageError
from prognose.io.keyfile import load_key
from prognose.options import Options
from prognose.period import known_at
from prognose.paragraphs import accounts_in_use, normalise_paragraph
from prognose.privacy import CPR_PATTERN, pseudonym
from prognose.schema import UNIT_ALIASES, UNITS
from prognose.words.message import Message


@dataclass(frozen=True)
class WhatifReport:
    outcome: w.Outcome
    kind: str = "whatif"


def command(
    ctx: typer.Context,
    paragraph: str = typer.Option(..., "--paragraph", help="The paragraph, such as 'SEL 108'."),
    unit: str = typer.Option(..., "--unit", help="year, month, week, day or hour."),
    rate: str = typer.Option(..., "--rate", help="Kroner per unit, at this year's price level (542,38 or 542.38)."),
    start: str = typer.Option(..., "--start", help="The first day (YYYY-MM-DD or DD.MM.YYYY)."),
    quantity: str = typer.Option("1", "--quantity", help="Units (hours a week for hour)."),
    end: Optional[str] = typer.Option(None, "--end", help="The last day, if the grant is time-limited."),
    citizen: Optional[str] = typer.Option(None, "--citizen", help="An existing citizen's pseudonym (a CPR number is "
                                                                  "pseudonymised and never shown): their refund before and after."),
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF,
    years: int = typer.Option(3, "--years", min=0, max=10, help="Years after the first."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """One decision before it is made: a proposed grant's cost this year and the years ahead, and its citizen's refund."""
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    proposal = w.Proposal(paragraph, unit, edge.parse_number(rate, "--rate"), edge.parse_number(quantity, "--quantity"), edge.parse_date(start, "--start"), edge.parse_date(end, "--end"), citizen)
    edge.write(ctx, WhatifReport(step(opts, proposal, edge.parse_date(as_of, "--as-of"), years)), out, fmt, opts)


def step(opts: Options, p: w.Proposal, as_of: dt.date | None = None, years_after: int = 3) -> w.Outcome:
    """The proposal's cost this year and the years ahead, and its citizen's refund."""
    p = _checked(opts, p)       # before the extract is read: a proposal that is none is said at once
    ex = edge.read(opts)
    as_of = as_of or edge.default_as_of(ex)
    known = known_at(ex.grants, as_of)
    accounts = accounts_in_use(ex.grants, opts.paragraph_accounts)
    account = accounts.get(p.paragraph)
    if account is None:     # a typo (SEL 999) would cost nothing on no account, silently
        raise UsageError(Message("usage.paragraph_unknown", value=p.paragraph, known=", ".join(sorted(accounts))))
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    costs = w.cost_per_year(p, account, as_of, sorted({as_of.year, *years}), opts.price_index,
                            projection.ending_rates(known, as_of))
    rf = edge.forecast(opts, as_of, as_of.year, extract=ex, draws=0).forecast.refusion
    rule = opts.refusion
    eligible = rf is not None and p.paragraph != "STU" and (not rule.paragraphs or p.paragraph in rule.paragraphs)
    added = int(costs.filter(pl.col("year") == as_of.year).get_column("cost").sum())
    refund = w.refund_change(rf.citizens if eligible else None, p.citizen, added, rf.thresholds, rf.shares, rf.year) if rf else None
    return w.Outcome(p, account, costs, refund, known.filter(pl.col("citizen_id") == p.citizen).height > 0 if p.citizen else None)


MAX_RATE = 1e10     # kroner per unit or units: larger is a typo, and its cost would leave the 13 digits money has


def _checked(opts: Options, p: w.Proposal) -> w.Proposal:
    """The proposal with its paragraph and unit as the engine spells them, and its citizen as a
    pseudonym (a CPR number given is pseudonymised here and never shown)."""
    paragraph = pl.select(normalise_paragraph(pl.lit(p.paragraph))).item()
    unit = UNIT_ALIASES.get(p.unit.lower(), p.unit.lower())
    if paragraph is None or unit not in UNITS:
        raise UsageError(f"--paragraph and --unit: expected a paragraph such as 'SEL 108' and one of {', '.join(UNITS)}")
    if paragraph not in opts.paragraph_accounts and paragraph != "STU":
        raise UsageError(Message("usage.paragraph_unknown", value=p.paragraph, known=", ".join(sorted(opts.paragraph_accounts))))
    for option, value in (("--rate", p.rate), ("--quantity", p.quantity)):
        if not (math.isfinite(value) and 0 < value < MAX_RATE):   # a cost below 0 or of no size is no proposal
            raise UsageError(f"{option} {value:g}: expected a number above 0 and below {MAX_RATE:,.0f}".replace(",", "."))
    if p.end is not None and p.end < p.start:
        raise UsageError(f"--end {p.end}: on or after --start ({p.start})")
    cpr = p.citizen is not None and pl.select(pl.lit(p.citizen).str.contains(CPR_PATTERN)).item()
    citizen = pseudonym(load_key(opts.key_file), p.citizen) if cpr else p.citizen
    return w.Proposal(paragraph, unit, p.rate, p.quantity, p.start, p.end, citizen)
