"""`prognose buffers`: the six buffers (and every other component): parameters, estimated or
overridden, the months ahead, and the people on the lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from prognose.commands import edge
from prognose.commands.edge import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, YEAR, Fmt, Lang
from prognose.forecast import Forecast


@dataclass(frozen=True)
class BuffersReport:
    forecast: Forecast
    kind: str = "buffers"


def command(ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
            buffers: Optional[Path] = BUFFERS, as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR, fmt: Optional[Fmt] = FORMAT,
            out: Optional[Path] = OUT, lang: Optional[Lang] = LANG) -> None:
    """Show the six buffers: parameters (estimated or overridden), months ahead, and the people on the lists."""
    opts = edge.options(ctx, workspace, lang, data=data, buffers=buffers)
    result = edge.forecast(opts, edge.parse_date(as_of, "--as-of"), year)
    edge.write(ctx, BuffersReport(result.forecast), out, fmt, opts)
