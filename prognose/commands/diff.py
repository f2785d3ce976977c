"""`prognose diff`: why the forecast moved between two snapshots, a bridge whose causes add up to
the change to the øre, and the citizens behind the largest changes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose.commands import edge
from prognose.commands.activity import BRIDGE_INPUTS
from prognose.commands.edge import FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang
from prognose.diff import Bridge, bridge
from prognose.io import snapshots as store
from prognose.options import Options


class DiffBy(str, Enum):
    account = "account"
    paragraph = "paragraph"


@dataclass(frozen=True)
class DiffReport:
    bridge: Bridge
    grants: pl.DataFrame | None          # the later snapshot's grants: what the citizens behind a change received
    top: int = 10                        # citizens behind the largest changes
    by: str | None = None                # the causes per account or paragraph (table, CSV; JSON has both)
    kind: str = "diff"


def command(
    ctx: typer.Context,
    snapshots: list[str] = typer.Argument(None, help="Snapshots A and B (as-of dates or folders); default: the two latest."),
    workspace: Optional[Path] = WORKSPACE, top: int = typer.Option(10, "--top", min=0, help="Citizens behind the largest changes."),
    by: Optional[DiffBy] = typer.Option(None, "--by", help="The causes per account or paragraph (table, csv; json has both)."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """Explain why the forecast moved between two snapshots: a bridge whose causes add up to the change."""
    opts = edge.options(ctx, workspace, lang)
    edge.write(ctx, step(opts, list(snapshots or []), top, by.value if by else None), out, fmt, opts)


def step(opts: Options, names: list[str], top: int = 10, by: str | None = None) -> DiffReport:
    pa, pb = store.resolve(opts.snapshots, names)
    a, b = store.load(pa, BRIDGE_INPUTS), store.load(pb, BRIDGE_INPUTS)
    return DiffReport(bridge(a, b), b.input("grants"), top, by)
