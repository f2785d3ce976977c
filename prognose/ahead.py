"""`prognose project` and `prognose whatif` at the edge: read the extract, run the monthly forecast
of the as-of year, and hand both to the projection (projection.py) and the initiatives
(initiatives.py), which are pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from prognose import app, projection
from prognose.io.config import Settings
from prognose.io.initiatives_io import initiatives_of
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
    run = app.forecast(settings, as_of, as_of.year, extract=ex)
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    accounts = accounts_in_use(ex.grants, settings.paragraph_accounts)
    frame = projection.model(ex.grants, ex.plan_steps, as_of, years[-1], settings.price_index, accounts)
    # the initiatives were read and checked with the buffers directory by the run
    plans = initiatives_of(run.buffers.initiatives) if with_initiatives and run.buffers is not None else None
    band = run.forecast.interval.of(None) if run.forecast.interval is not None else None
    return projection.build(run.forecast, frame, ex.grants, run.forecast.yearly, ex.budget, years, accounts, plans,
                            settings.price_index,
                            (band["p10"], band["p90"]) if band else None)


def snapshot_projection(snap, years_after: int = 3) -> projection.Projection | None:
    """The projection of a snapshot (loaded with its grants, plan steps, budget and initiatives), for
    the director's report: from what its run read and concluded. None where the snapshot forecasts
    another year than its as-of date's (a supplementary-period run)."""
    as_of = dt.date.fromisoformat(snap.as_of)
    grants = snap.input("grants")
    if snap.year != as_of.year or grants is None or grants.is_empty():
        return None
    rows = {name: value for name, value, *_ in snap.meta.get("settings", [])}
    index = app.snapshot_index(snap)
    configured = {k.split(".", 1)[1]: v for k, v in rows.items() if k.startswith("paragraph_accounts.")}
    accounts = accounts_in_use(grants, configured)
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    frame = projection.model(grants, app.snapshot_steps(snap), as_of, years[-1], index, accounts)
    return projection.build(_Base(snap.lines, as_of), frame, grants, snap.yearly, snap.input("budget"), years, accounts,
                            initiatives_of(snap.input("list_initiatives")), index, snap.total_band)


@dataclass(frozen=True)
class _Base:
    """The base year's forecast as projection.build takes it: its lines and its as-of date."""
    lines: pl.DataFrame
    as_of: dt.date


def whatif(settings: Settings, p, as_of: dt.date | None = None, years_after: int = 3):
    """The proposal's cost this year and the years ahead, and its citizen's refund (whatif.Outcome)."""
    from prognose import whatif as w

    ex = app.read(settings)
    as_of = as_of or app.default_as_of(ex)
    p = _checked(settings, p)
    known = ex.grants.filter(pl.col("decided_date").is_null() | (pl.col("decided_date") <= as_of))
    account = accounts_in_use(ex.grants, settings.paragraph_accounts).get(p.paragraph)
    years = list(range(first_year(as_of), first_year(as_of) + years_after + 1))
    costs = w.cost_per_year(p, account, as_of, sorted({as_of.year, *years}), settings.price_index,
                            projection.ending_rates(known, as_of))
    rf = app.forecast(settings, as_of, as_of.year, extract=ex, draws=0).forecast.refusion
    rule = settings.refusion
    eligible = rf is not None and p.paragraph != "STU" and (not rule.paragraphs or p.paragraph in rule.paragraphs)
    added = int(costs.filter(pl.col("year") == as_of.year).get_column("cost").sum())
    refund = w.refund_change(rf.citizens if eligible else None, p.citizen, added, rf.thresholds, rf.shares, rf.year) if rf else None
    return w.Outcome(p, account, costs, refund, known.filter(pl.col("citizen_id") == p.citizen).height > 0 if p.citizen else None)


def _checked(settings: Settings, p):
    """The proposal with its paragraph and unit as the engine spells them, and its citizen as a
    pseudonym (a CPR number given is pseudonymised here and never shown)."""
    from prognose import whatif as w
    from prognose.errors import UsageError
    from prognose.io.keyfile import load_key
    from prognose.paragraphs import normalise_paragraph
    from prognose.privacy import CPR_PATTERN, pseudonym
    from prognose.schema import UNIT_ALIASES, UNITS

    paragraph = pl.select(normalise_paragraph(pl.lit(p.paragraph))).item()
    unit = UNIT_ALIASES.get(p.unit.lower(), p.unit.lower())
    if paragraph is None or unit not in UNITS:
        raise UsageError(f"--paragraph and --unit: expected a paragraph such as 'SEL 108' and one of {', '.join(UNITS)}")
    cpr = p.citizen is not None and pl.select(pl.lit(p.citizen).str.contains(CPR_PATTERN)).item()
    citizen = pseudonym(load_key(settings.key_file), p.citizen) if cpr else p.citizen
    return w.Proposal(paragraph, unit, p.rate, p.quantity, p.start, p.end, citizen)
