"""`prognose explain`: what is behind a figure of a snapshot — by origin, the grants and citizens
that add most, a grant's months, the postings behind what is booked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose import explain as ex
from prognose import views
from prognose.commands import edge
from prognose.commands.edge import FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.errors import UsageError
from prognose.io import snapshots as store
from prognose.io.keyfile import load_key
from prognose.options import Options
from prognose.privacy import is_cpr, pseudonym
from prognose.words.message import Message


@dataclass(frozen=True)
class ExplainReport:
    explanation: ex.Explanation
    snapshot: str
    kind: str = "explain"


def command(
    ctx: typer.Context,
    account: Optional[str] = typer.Option(None, "--account", help="An account (with the groupings under it)."),
    paragraph: Optional[str] = typer.Option(None, "--paragraph", help="A paragraph, in any spelling (SEL 108, § 108, 108)."),
    citizen: Optional[str] = typer.Option(None, "--citizen", help="A citizen's pseudonym (P…)."),
    grant: Optional[str] = typer.Option(None, "--grant", help="A grant id: its plan, months, invoices and billing lag."),
    provider: Optional[str] = typer.Option(None, "--provider", help="A provider's grants."),
    month: Optional[str] = typer.Option(None, "--month", help="Only this month (YYYY-MM)."),
    postings: bool = typer.Option(False, "--postings", help="The booked postings behind it (with --account or --citizen)."),
    top: int = typer.Option(10, "--top", min=1, help="The largest contributors shown."),
    snapshot: Optional[str] = typer.Option(None, "--snapshot", help="The snapshot to read (default: the latest)."),
    workspace: Optional[Path] = WORKSPACE, fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """What is behind a figure of the forecast: split by origin, the grants and citizens that add most, a grant's months."""
    chosen = [(k, v) for k, v in zip(ex.KEYS, (account, paragraph, citizen, grant, provider)) if v is not None]
    if len(chosen) != 1:
        raise UsageError("explain needs exactly one of " + ", ".join(f"--{k}" for k in ex.KEYS))
    key, value = chosen[0]
    if postings and key not in ex.POSTINGS_BY:
        raise UsageError(f"--postings lists what an account or a citizen has booked, not a {key}'s")
    at = None
    if month is not None:
        try:
            at = dt.date.fromisoformat(month + "-01")
        except ValueError:
            raise UsageError(f"--month {month!r}: expected a month such as 2026-10") from None
    opts = edge.options(ctx, workspace, lang)
    if key in ("citizen", "grant") and is_cpr(value):   # found by its pseudonym, and the number never shown
        value = pseudonym(load_key(opts.key_file), value, "P" if key == "citizen" else "G")
    edge.chosen(out, fmt)
    edge.write(ctx, step(opts, key, value, snapshot, at, top, postings), out, fmt, opts)


def step(opts: Options, key: str, value: str, name: str | None = None, month: dt.date | None = None,
         top: int = 10, postings: bool = False) -> ExplainReport:
    """What is behind one figure of a snapshot (default: the latest)."""
    path, _, _ = store.latest(opts.snapshots, name)
    snap = store.load(path, {"grants": None, "plan_steps": None, "postings": None})
    grants = snap.input("grants")
    lines = snap.lines.filter(ex.selection(key, value, grants))
    if month is not None:
        lines = lines.filter(pl.col("month") == month.replace(day=1))
    if lines.is_empty():
        raise UsageError(f"no forecast line for {key} {value!r} in snapshot {path.name}"
                         + (f" in {month:%Y-%m}" if month else ""))
    costs, lag = store.table(path, "grant_costs"), store.table(path, "grant_lag")
    year, as_of = snap.year, snap.as_of_date
    out = ex.Explanation(key, value, year, as_of, month, ex.by_origin(lines, costs, month is None), ex.contributors(lines, top))
    if key in ("account", "paragraph") and month is None:    # its budget and deviation, as run shows them
        out.table = views.by(snap, key)
        out.rows = ex.rows_of(key, value, out.table)
    if costs is None:
        out.notes.append(Message("note.old_snapshot"))
    if key == "grant":
        found = grants.filter(pl.col("grant_id") == value).to_dicts()
        if found:
            out.grant = ex.grant_detail(found[0], snap.plan_steps(), snap.input("postings"), snap.lines, lag, costs,
                                        snap.options.price_index, year, as_of)
        else:
            out.notes.append(Message("note.grant_not_in_snapshot", grant=value))
    if postings:
        out.postings = ex.postings_behind(snap.input("postings"), key, value, year, as_of)
    return ExplainReport(out, path.name)
