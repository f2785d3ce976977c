"""`prognose init DIR`: lay out a new municipality's workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from prognose.commands import edge
from prognose.io.workspace import init_workspace


def command(ctx: typer.Context, directory: Path = typer.Argument(..., help="Folder for the new workspace.")) -> None:
    """Lay out a new municipality's workspace: prognose.toml, data/, buffers/."""
    for path in init_workspace(directory):
        edge.say(ctx, f"created {path}")
