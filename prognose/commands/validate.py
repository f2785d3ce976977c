"""`prognose validate`: read everything and print what was read, or every problem found (exit 2)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer

from prognose.commands import edge
from prognose.commands.edge import DATA, LANG, WORKSPACE, Lang
from prognose.io.extract import Extract


@dataclass(frozen=True)
class ValidateReport:
    extract: Extract
    kind: str = "validate"


def command(ctx: typer.Context, workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA,
            lang: Optional[Lang] = LANG) -> None:
    """Read everything, print what was read and every problem found (exit 2 on problems)."""
    opts = edge.options(ctx, workspace, lang, data=data)
    ex = edge.read(opts)
    edge.write(ctx, ValidateReport(ex), None, None, opts)
    edge.warn(ctx, ex.warnings, opts.lang)
