"""`prognose backtest`: how accurate the forecast was — today's engine re-run at each month-end of
a past year, against its final accounts and three baselines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose import backtest as bt
from prognose.background import in_background
from prognose.commands import edge
from prognose.commands.edge import FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.errors import UsageError
from prognose.forecast import run_forecast
from prognose.io import snapshots as store
from prognose.io.buffers_io import BufferInputs, read_buffers
from prognose.io.extract import read_extract
from prognose.io.keyfile import load_key
from prognose.options import Options
from prognose.uncertainty import DRAWS


class Ablation(str, Enum):
    buffers = "buffers"
    lag = "lag"


@dataclass(frozen=True)
class BacktestReport:
    table: pl.DataFrame
    summary: pl.DataFrame
    final: int
    ablate: list[str]
    coverage: pl.DataFrame | None
    kind: str = "backtest"


def command(
    ctx: typer.Context,
    extracts: Optional[Path] = typer.Option(None, "--extracts", help="Folder of month-end extracts (YYYY-MM-DD/); default paths.backtest."),
    final: Optional[Path] = typer.Option(None, "--final", help="Extract with the year's final accounts; default the workspace data."),
    ablate: list[Ablation] = typer.Option([], "--ablate", help="Leave a part of the engine out: buffers, lag (repeatable)."),
    snapshots: Optional[int] = typer.Option(None, "--snapshots", help="Re-run the workspace's saved month-end snapshots of this year instead of extracts."),
    seed: int = typer.Option(0, "--seed", min=0, max=2**32 - 1, help="Seed of the interval simulation."),
    draws: int = typer.Option(DRAWS, "--draws", min=0, help="Simulated outcomes per month for the interval (0: none)."),
    workspace: Optional[Path] = WORKSPACE, fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """How accurate the forecast was: re-run at each month-end of a past year against its final accounts and three baselines."""
    import sys

    from rich.progress import Progress

    opts = edge.options(ctx, workspace, lang)
    folder = extracts or opts.backtest
    count = len(store.month_end_inputs(opts.snapshots, snapshots) if snapshots is not None else extract_folders(folder))
    show = not edge.flags(ctx).quiet and sys.stderr.isatty()
    with Progress(transient=True, disable=not show) as bar:   # on stderr, on a terminal only
        task = bar.add_task("backtest", total=count)
        final_total, rows = step(opts, folder, final, tuple(a.value for a in ablate),
                                 progress=lambda name: bar.update(task, advance=1, description=name),
                                 draws=draws, seed=seed, snapshots_year=snapshots)
    t = bt.table(rows, final_total)
    record = BacktestReport(t, bt.summary(t), final_total, [a.value for a in ablate], bt.coverage(rows, final_total))
    edge.write(ctx, record, out, fmt, opts)


def step(opts: Options, extracts: Path | None = None, final: Path | None = None, ablate: tuple[str, ...] = (),
             progress=None, draws: int = DRAWS, seed: int = 0, snapshots_year: int | None = None) -> tuple[int, list[dict]]:
    """Re-run today's engine as of each month-end of a past year and return (final accounts in øre,
    one row per as-of date with the forecast, its P10/P90 and the baselines in øre).

    The month-ends come from `extracts` (folders named YYYY-MM-DD, each a data directory, optionally
    with its own buffers/ — else the workspace's buffers), or, with `snapshots_year`, from the
    workspace's snapshots of that year taken at a month's end (their inputs, lists and buffer
    configuration as they were). Final accounts come from `final` (default: the workspace's data),
    which must cover the year's supplementary period."""
    key = load_key(opts.key_file)
    if snapshots_year is not None:
        points = store.month_end_inputs(opts.snapshots, snapshots_year)
        if not points:
            raise UsageError(f"no snapshots of {snapshots_year} taken at a month's end in {opts.snapshots}")
        year = snapshots_year
        loader = lambda folder: _snapshot_inputs(folder, opts)  # noqa: E731
    else:
        folders = extract_folders(extracts)
        if not folders:
            raise UsageError(f"no month-end extracts in {extracts} (folders named YYYY-MM-DD, each a data directory)")
        points = [(p.name, p) for p in folders]
        year = dt.date.fromisoformat(folders[0].name).year
        loader = lambda folder: _extract_inputs(folder, opts, key, "buffers" not in ablate)  # noqa: E731
    final_ex = read_extract(final or opts.data, opts, key)
    last_posting = final_ex.postings.get_column("posting_date").max()
    if last_posting is None or last_posting < dt.date(year + 1, 2, 28):
        raise UsageError(f"the final accounts for {year} need an extract taken after its supplementary period "
                         f"(the latest posting in {final or opts.data} is {last_posting}); give --final DIR")
    final_total = bt.final_accounts(final_ex.postings, year)
    rows = []
    for name, folder in points:
        as_of = dt.date.fromisoformat(name)
        grants, steps, postings, budget, bufs = loader(folder)
        fc = run_forecast(grants, steps, postings, budget, opts, year, as_of,
                          None if "buffers" in ablate else bufs,
                          learn_lag="lag" not in ablate, draws=draws, seed=seed, alongside=in_background)
        band = fc.interval.of(None) if fc.interval is not None else None
        rows.append({"as_of": as_of, "prognose": int(fc.lines.get_column("ore").sum()),
                     "p10": band["p10"] if band else None, "p90": band["p90"] if band else None,
                     **bt.baselines(postings, budget, year, as_of)})
        if progress is not None:
            progress(name)
    return final_total, rows


def _extract_inputs(folder: Path, opts: Options, key: bytes, with_buffers: bool):
    ex = read_extract(folder, opts, key)
    bufs = None
    if with_buffers:
        bufs = read_buffers(folder / "buffers" if (folder / "buffers").is_dir() else opts.buffers, opts, key)
    return ex.grants, ex.plan_steps, ex.postings, ex.budget, bufs


def _snapshot_inputs(folder: Path, opts: Options):
    frames, config, lists = store.inputs_of(folder)
    named = {name: frame for name, frame in lists.items() if name not in ("adjustments", "initiatives")}
    bufs = BufferInputs(config or {}, named, lists["adjustments"]) if config is not None else None
    return frames["grants"], frames["plan_steps"], frames["postings"], frames["budget"], bufs


def extract_folders(extracts: Path | None) -> list[Path]:
    """The dated extract folders (YYYY-MM-DD) a backtest re-runs, in date order."""
    if extracts is None or not extracts.is_dir():
        return []
    return sorted(p for p in extracts.iterdir() if p.is_dir() and _is_date(p.name))


def _is_date(name: str) -> bool:
    try:
        dt.date.fromisoformat(name)
        return True
    except ValueError:
        return False
