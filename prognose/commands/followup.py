"""`prognose followup`: the month's work list with every caseworker — per caseworker (or team,
provider, paragraph), each grant that needs a decision or a correction, what it moves in this
year's forecast, and what has happened to last month's items since the snapshot before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose import followup as fu
from prognose.commands import edge
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, YEAR, Fmt, Lang
from prognose.errors import UsageError
from prognose.io import snapshots as store
from prognose.options import Options
from prognose.period import known_at
from prognose.words.message import Message

By = Enum("By", {g: g for g in fu.GROUPINGS}, type=str)
SNAPSHOT_INPUTS = {"grants": None, "plan_steps": None, "postings": None, "budget": None}


@dataclass(frozen=True)
class FollowupReport:
    as_of: dt.date
    year: int
    by: str                          # caseworker, team, provider or paragraph
    groups: pl.DataFrame             # followup.summaries: one row per group
    items: pl.DataFrame              # followup.ITEMS with group, team, status, seen, change
    before: dt.date | None = None    # the as-of date of the snapshot the items are carried over from
    notes: list = field(default_factory=list)
    kind: str = "followup"


def command(
    ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
    buffers: Optional[Path] = BUFFERS, as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR,
    by: Optional[By] = typer.Option(None, "--by", help="The work list per caseworker (default, where the grants name "
                                                         "them), team, provider or paragraph."),
    caseworker: Optional[str] = typer.Option(None, "--caseworker", help="Only this caseworker's (or, with --by, this group's) list."),
    due_months: int = typer.Option(fu.DUE_MONTHS, "--due-months", help="A decision is due when its end date is this many months ahead."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """The month's follow-up with every caseworker: reviews passed and due, grants billed off their price or not at all,
    invoices without a grant, plan steps ahead and data to mend — each with what it moves in the forecast."""
    if due_months < 0:
        raise UsageError(f"--due-months {due_months}: expected 0 or more months")
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    edge.chosen(out, fmt)
    record = step(opts, edge.parse_date(as_of, "--as-of"), year, by.value if by else None, caseworker, due_months)
    edge.write(ctx, record, out, fmt, opts)


def step(opts: Options, as_of: dt.date | None = None, year: int | None = None, by: str | None = None,
         only: str | None = None, due_months: int = fu.DUE_MONTHS) -> FollowupReport:
    """The work list as of the date: from the forecast's own lines, carried over from the latest
    snapshot of the same year before it (where there is one)."""
    run = edge.forecast(opts, as_of, year, draws=0)
    fc, ex = run.forecast, run.extract
    grants = known_at(ex.grants, fc.as_of)
    basis = fu.Basis(grants, ex.plan_steps, ex.postings, fc.lines, fc.grant_lag, budget_accounts(ex.budget, fc.year),
                     fc.year, fc.as_of, opts.price_index, due_months)
    chosen = fu.grouping(grants, by)
    notes = [] if by is not None or chosen == "caseworker" else [Message("followup.note.no_caseworker", by=chosen)]
    before, before_as_of, before_lines = previous(opts, fc.year, fc.as_of, due_months)
    if before is None:
        notes.append(Message("followup.note.no_snapshot_before"))
    change = fu.grant_change(fc.lines, before_lines)
    items = fu.carry_over(fu.work_items(basis), before, before_as_of, change)
    items = fu.assign(items, grants, chosen)
    groups = fu.summaries(items, grants, fc.lines, change if before_lines is not None else None, fc.year, chosen)
    if only is not None:
        if only not in groups.get_column("group").to_list():
            raise UsageError(f"--caseworker {only!r}: no such {chosen} in the grants")
        items, groups = items.filter(pl.col("group") == only), groups.filter(pl.col("group") == only)
    return FollowupReport(fc.as_of, fc.year, chosen, groups, items, before_as_of, notes)


def budget_accounts(budget: pl.DataFrame, year: int) -> frozenset[str]:
    return frozenset(budget.filter(pl.col("year") == year).get_column("account").to_list())


def previous(opts: Options, year: int, as_of: dt.date, due_months: int):
    """The items of the latest snapshot of the year before the as-of date, each with the date it
    was first seen (carried from snapshot to snapshot of the year, oldest first), its as-of date
    and its lines (None, None, None where there is none, or only of a format without the grants'
    billing ratios, which are passed over)."""
    earlier = [p for p in store.listing(opts.snapshots)
               if (m := store.load_meta(p))["year"] == year and dt.date.fromisoformat(m["as_of"]) < as_of]
    items, snap = None, None
    for path in earlier:
        found = of_snapshot(path, due_months)
        if found is not None:
            snap = found[1]
            items = fu.first_seen(found[0], items, snap.as_of_date)
    return (None, None, None) if snap is None else (items, snap.as_of_date, snap.lines)


def of_snapshot(path: Path, due_months: int = fu.DUE_MONTHS):
    """(items, snapshot, grants known at its date) of a snapshot's own forecast, or None where its
    format keeps no billing ratio per grant."""
    lag = store.table(path, "grant_lag")
    if lag is None or "ratio" not in lag.columns:
        return None
    snap = store.load(path, SNAPSHOT_INPUTS)
    grants = known_at(snap.input("grants"), snap.as_of_date)
    basis = fu.Basis(grants, snap.plan_steps(), snap.input("postings"), snap.lines, lag,
                     budget_accounts(snap.input("budget"), snap.year), snap.year, snap.as_of_date,
                     snap.options.price_index, due_months)
    return fu.work_items(basis), snap, grants


def per_team(path: Path) -> pl.DataFrame | None:
    """The director's summary of a snapshot's follow-up: per team the caseworkers, grants, this
    year's forecast of their grants, the open items by kind and their kroner — no citizens. None
    where the grants name no team (or the snapshot keeps no billing ratios)."""
    found = of_snapshot(path)
    if found is None:
        return None
    items, snap, grants = found
    if "team" not in grants.columns or grants.get_column("team").drop_nulls().is_empty():
        return None
    items = fu.assign(fu.carry_over(items, None, None, fu.grant_change(snap.lines, None)), grants, "team")
    summary = fu.summaries(items, grants, snap.lines, None, snap.year, "team").drop("team").rename({"group": "team"})
    running = grants.filter(pl.col("end_date").is_null() | (pl.col("end_date") >= dt.date(snap.year, 1, 1)))
    workers = (running.group_by("team").agg(pl.col("caseworker").drop_nulls().n_unique().alias("caseworkers"))
               if "caseworker" in grants.columns else running.select("team").unique().with_columns(pl.lit(0).alias("caseworkers")))
    kinds = (items.group_by(pl.col("group").alias("team")).agg([(pl.col("kind") == k).sum().cast(pl.Int64).alias(k)
                                                                for k in fu.KINDS]))
    out = (summary.join(workers.with_columns(pl.col("caseworkers").cast(pl.Int64)), on="team", how="left")
           .join(kinds, on="team", how="left", nulls_equal=True))
    return out.with_columns(pl.col("caseworkers", *fu.KINDS).fill_null(0)).drop("change", "citizens")
