"""`prognose report`: the social director's workbook from the latest snapshot (or one named), made
unattended by cron: written to a temporary file and renamed into place under a lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from prognose.commands import edge
from prognose.io.files import check_output, check_output_folder
from prognose.commands.activity import BRIDGE_INPUTS, of_snapshot
from prognose.commands.edge import LANG, WORKSPACE, Flags, Lang
from prognose.commands.followup import per_team
from prognose.commands.project import of_snapshot as projection_of
from prognose.diff import bridge
from prognose.errors import UsageError
from prognose.words.message import Message
from prognose.explain import largest_grants
from prognose.io import report_out
from prognose.io import snapshots as store
from prognose.options import Options
from prognose.report import director
from prognose.report import write as writers
from prognose.report.diff_report import top_citizens


@dataclass(frozen=True)
class DirectorReport:
    report: director.Report
    kind: str = "report"


def command(
    ctx: typer.Context,
    out: Optional[Path] = typer.Option(None, "-o", "--output", help="The .xlsx (or .html) file to write."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Write prognose-YYYY-MM.xlsx (the as-of month) in this folder."),
    keep: int = typer.Option(0, "--keep", min=0, help="With --out-dir: keep only the N newest monthly reports (0: keep all)."),
    snapshot: Optional[str] = typer.Option(None, "--snapshot", help="Report this snapshot (as-of date or folder); default the latest."),
    with_citizens: bool = typer.Option(False, "--with-citizens", help="Add sheets of the largest changes per citizen and the largest grants per paragraph (pseudonyms)."),
    top: int = typer.Option(25, "--top", min=0, help="With --with-citizens: how many citizens."),
    max_age: Optional[int] = typer.Option(None, "--max-age", min=0, help="Fail if the newest posting is older than this many days."),
    today: Optional[str] = typer.Option(None, "--today", help="The date --max-age counts from (default: today)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Say nothing on success (for cron)."),
    workspace: Optional[Path] = WORKSPACE, lang: Optional[Lang] = LANG,
) -> None:
    """Write the social director's Excel report from the latest snapshot: cron-safe, never half-written."""
    if quiet:
        ctx.obj = Flags(**{**edge.flags(ctx).__dict__, "quiet": True})
    if (out is None) == (out_dir is None):
        raise UsageError("give either -o FILE.xlsx or --out-dir DIR")
    fmt = writers.choose(out, None) if out is not None else "xlsx"
    if fmt not in ("xlsx", "html"):
        raise UsageError(f"-o {out}: the report is an Excel workbook (or a page); name it .xlsx or .html")
    opts = edge.options(ctx, workspace, lang)
    if out_dir is not None:        # before the work: a folder that cannot take the report is said at once
        check_output_folder(out_dir, edge.read_by(opts))
    else:
        check_output(out, edge.read_by(opts))
    if out_dir is not None and not out_dir.is_dir():     # a mistyped folder is said, not made
        raise UsageError(Message("usage.out_dir_missing", folder=str(out_dir)))
    rep = step(opts, snapshot, top if with_citizens else 0)
    if max_age is not None:
        newest = rep.freshness.get_column("latest").max()
        ref = edge.parse_date(today, "--today") or dt.date.today()
        if newest is None or (ref - newest).days > max_age:
            raise UsageError(f"stale input: the newest posting in snapshot {rep.snapshot} is from {newest}, "
                             f"more than {max_age} days before {ref}; no report was written")
    data = writers.write(DirectorReport(rep), fmt, rep.lang, opts.csv_dialect, opts.deviation_sign)
    target = out if out is not None else out_dir / report_out.monthly_name(rep.as_of, rep.year)
    check_output(target, edge.read_by(opts))
    report_out.publish(data.encode("utf-8") if isinstance(data, str) else data, target)
    edge.say(ctx, f"wrote {target}")
    if out_dir is not None and keep:
        for gone in report_out.prune(out_dir, keep):
            edge.say(ctx, f"removed {gone.name} (--keep {keep})")


def step(opts: Options, name: str | None = None, citizens: int = 0) -> director.Report:
    """The director's report of a snapshot (default: the latest), with the bridge from the snapshot
    before it and the year's history. Reads only snapshots: it shows what run showed."""
    path, prev_path, history = store.latest(opts.snapshots, name)
    snap = store.load(path, {**BRIDGE_INPUTS, **director.DIRECTOR_INPUTS})
    prev = store.load(prev_path, BRIDGE_INPUTS) if prev_path is not None else None
    br = bridge(prev, snap) if prev is not None else None
    people = top_citizens(br, snap.input("grants"), citizens, opts.lang) if (br is not None and citizens) else []
    hist = [store.load(p) if p != path else snap for p in history]
    rep = director.build(snap, prev, hist, br, opts.lang, opts.deviation_sign, people, opts.highlight_percent,
                         store.read_input(path, "postings", director.POSTINGS))
    if citizens:
        rep.largest = largest_grants(snap.lines, per_paragraph=5)
    rep.activity = of_snapshot(snap, bands=opts.activity_bands)
    rep.projection = projection_of(snap)
    rep.followup = per_team(path)
    return director.with_movement(rep)
