"""`prognose run`: the year-end forecast against budget, saved as a snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose.commands import edge
from prognose.commands.buffers import BuffersReport
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, YEAR, Fmt, Lang, Run
from prognose.forecast import in_order
from prognose.io import snapshots
from prognose.report import write as writers
from prognose.report.words import both, label, text
from prognose.uncertainty import DRAWS


class By(str, Enum):
    account = "account"
    paragraph = "paragraph"
    provider_type = "provider_type"


@dataclass(frozen=True)
class RunReport:
    """The forecast as `run` shows it: rows per key (account, paragraph, provider_type), or months."""
    run: Run
    key: str | None = "account"
    monthly: bool = False
    kind: str = "run"


def command(
    ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
    buffers: Optional[Path] = BUFFERS, as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR,
    by: Optional[By] = typer.Option(None, "--by", help="Rows per account (default), paragraph or provider_type."),
    monthly: bool = typer.Option(False, "--monthly", help="Month by month: booked, expected, forecast (with --by: for each)."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
    no_save: bool = typer.Option(False, "--no-save", help="Do not save a snapshot of this run."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing snapshot of the same as-of date."),
    seed: int = typer.Option(0, "--seed", min=0, max=2**32 - 1, help="Seed of the simulation behind the P10–P90 interval (same seed, same interval)."),
    draws: int = typer.Option(DRAWS, "--draws", min=0, help="Simulated outcomes for the interval (0: no interval)."),
) -> None:
    """Forecast the year-end result against budget (forventet regnskab), and save a snapshot."""
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    result = edge.forecast(opts, edge.parse_date(as_of, "--as-of"), year, draws=draws, seed=seed)
    if not no_save:
        path, status = save_snapshot(result, replace)
        edge.say(ctx, label(opts.lang, f"snapshot_{status}").format(path=path, name=path.name))
    edge.say_files(ctx, result.extract)
    edge.warn(ctx, result.warnings, opts.lang)
    key = by.value if by else (None if monthly else "account")
    edge.write(ctx, RunReport(result, key, monthly), out, fmt, opts)
    for note in result.forecast.notes:
        edge.say_wrapped(ctx, label(opts.lang, "note"), text(note, opts.lang))
    if edge.flags(ctx).verbose:
        for line in result.clock.report():
            edge.say(ctx, f"time: {line}")


def save_snapshot(run: Run, replace: bool = False, directory: Path | None = None) -> tuple[Path, str]:
    """The run's snapshot: its lines and what each grant costs and owes, in a fixed order (the same
    bytes every time), and the forecast and the buffers as the JSON documents that later commands read."""
    fc = run.forecast
    tables = {"lines": in_order(fc.lines), "budget": fc.budget.sort("account"), "grant_costs": fc.grant_costs.sort("grant_id"),
              "grant_lag": fc.grant_lag.sort("grant_id", "moy")}
    if fc.yearly is not None:
        tables["yearly"] = fc.yearly
    if fc.interval is not None:
        tables["interval"] = fc.interval.table.sort("account", nulls_last=True)
    if fc.refusion is not None:
        tables["refund_bands"] = (fc.refusion.citizens.filter(pl.col("band") > 0)
                                  .select("citizen_id", "account", "band", "refund").sort("citizen_id", "account"))
    documents = {"result": writers.document(RunReport(run)), "buffers": writers.document(BuffersReport(fc))}
    warnings = [{"kind": w.kind, "file": w.file, "count": w.count, "lines": list(w.lines), "text": both(w.message())}
                for w in run.warnings]
    return snapshots.save(run, directory or run.settings.snapshots, tables, documents, replace, warnings)
