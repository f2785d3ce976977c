"""`prognose history`: every snapshot with budget, forecast and deviation, and how the forecast
moved through the year."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from prognose.commands import edge
from prognose.commands.edge import FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.errors import UsageError
from prognose.io import snapshots as store
from prognose.io.snapshots import Snapshot


@dataclass(frozen=True)
class HistoryReport:
    snapshots: list[Snapshot]
    kind: str = "history"


def command(ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, fmt: Optional[Fmt] = FORMAT,
            out: Optional[Path] = OUT, lang: Optional[Lang] = LANG) -> None:
    """List the saved snapshots with budget, forecast and deviation: how the forecast moved through the year."""
    opts = edge.options(ctx, workspace, lang)
    edge.chosen(out, fmt)      # a wrong -o is said first, snapshots or not
    paths = store.listing(opts.snapshots)
    if not paths:
        raise UsageError(f"no snapshots in {opts.snapshots}: run `prognose run` first")
    edge.write(ctx, HistoryReport([store.load(p) for p in paths]), out, fmt, opts)
