"""`prognose activity`: citizens, inflow and outflow, full-year persons, cost and price per
full-year person per group; the change of cost as volume, price and mix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from prognose.activity import Activity, activity as count
from prognose.commands import edge
from prognose.errors import UsageError
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, YEAR, Fmt, Lang
from prognose.io import snapshots as store
from prognose.io.snapshots import Snapshot
from prognose.months import month_end
from prognose.options import Options
from prognose.period import known_at
from prognose.report.words import label
from prognose.views import component_lines

# what the bridge between two snapshots and the activity figures read of a snapshot's inputs
BRIDGE_INPUTS = {"grants": None, "plan_steps": None}


class Group(str, Enum):
    paragraph = "paragraph"
    account = "account"
    provider_type = "provider_type"
    provider = "provider"


@dataclass(frozen=True)
class ActivityReport:
    activity: Activity
    monthly: bool = False
    snapshot: str | None = None          # the snapshot it was counted from (None: the forecast was run)
    kind: str = "activity"


def command(
    ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
    buffers: Optional[Path] = BUFFERS, as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR,
    by: Group = typer.Option(Group.paragraph, "--by", help="Count per paragraph, account, provider_type or provider."),
    monthly: bool = typer.Option(False, "--monthly", help="The months of the budget year instead of the years (table)."),
    compare: Optional[int] = typer.Option(None, "--compare", help="The year the change of cost is measured from "
                                                                  "(default: the year before)."),
    mix_base: Optional[int] = typer.Option(None, "--mix-base", help="What this year's citizens would cost if they "
                                                                    "were spread over the bands as in that year."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """Citizens at each month's end, inflow and outflow, full-year persons, cost and price per full-year person; the change of cost as volume, price and mix."""
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    rec = step(opts, edge.parse_date(as_of, "--as-of"), year, by.value, compare, mix_base, monthly)
    edge.say(ctx, label(opts.lang, "activity_from_snapshot").format(rec.snapshot) if rec.snapshot
             else label(opts.lang, "activity_from_extract"))
    edge.write(ctx, rec, out, fmt, opts)


def step(opts: Options, as_of: dt.date | None = None, year: int | None = None, by: str = "paragraph",
         compare: int | None = None, mix_base: int | None = None, monthly: bool = False) -> ActivityReport:
    """Counted per group, the months ahead as the forecast expects them. Where `prognose run` saved a
    snapshot for this as-of date from the files and settings as they are now, its grants and buffer
    lines are used (what run showed, without forecasting again); else the forecast is run here,
    without its interval, which activity does not need."""
    snap = current_snapshot(opts, as_of, year)
    counted = of_snapshot(snap, by, opts.activity_bands, compare, mix_base) if snap is not None else None
    if counted is not None:
        return ActivityReport(_compared(counted, compare), monthly, snap.path.name)
    run = edge.forecast(opts, as_of, year, draws=0)
    fc = run.forecast
    return ActivityReport(_compared(count(known_at(run.extract.grants, fc.as_of), run.extract.plan_steps, opts.price_index, fc.year,
                                          fc.as_of, by, component_lines(fc.lines), opts.activity_bands, compare, mix_base,
                                          own_runs_on=not opts.own_settled_per_grant), compare), monthly)


def _compared(counted, compare: int | None):
    """The count, where the year --compare names is one the grants cover: else said, never a
    change measured from zeros."""
    years = counted.bands.get_column("year").unique().to_list()
    if compare is not None and (compare not in years or compare >= counted.year):
        raise UsageError(f"--compare {compare}: no grants to compare with in that year (the grants cover "
                         f"{min(years, default=counted.year)}–{counted.year}); give an earlier year than {counted.year} they cover")
    return counted


def current_snapshot(opts: Options, as_of: dt.date | None = None, year: int | None = None) -> Snapshot | None:
    """The workspace's snapshot for as_of (default: the extract's latest month, as `run` takes it)
    and year, if it was made by this engine from the files and settings as they are now; else None."""
    snaps = store.listing(opts.snapshots)
    if not snaps:
        return None
    now = store.fingerprint(opts)
    current = [p for p in snaps if store.same_run(store.load_meta(p), now)]
    if not current:
        return None
    if as_of is None:
        latest = store.latest_posting(current[-1])   # the same files: the same latest posting in each
        as_of = month_end(latest) if latest is not None else None
    wanted = store.folder_name(as_of, year or as_of.year) if as_of is not None else None
    return next((store.load(p, BRIDGE_INPUTS) for p in current if p.name == wanted), None)


def of_snapshot(snap: Snapshot, by: str = "paragraph", bands: dict | None = None, compare: int | None = None,
                mix_base: int | None = None) -> Activity | None:
    """Activity from what a snapshot read and concluded: its grants and plan steps, its buffer lines,
    and the price index and own-provision setting it ran with."""
    grants = snap.input("grants")
    if grants is None or grants.is_empty():
        return None
    ran = snap.options
    return count(known_at(grants, snap.as_of_date), snap.plan_steps(), ran.price_index, snap.year, snap.as_of_date, by,
                 component_lines(snap.lines), bands, compare, mix_base, own_runs_on=not ran.own_settled_per_grant)
