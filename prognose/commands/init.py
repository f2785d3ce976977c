"""`prognose init DIR`: lay out a new municipality's workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from prognose.commands import edge
from prognose.io.workspace import init_workspace


def command(ctx: typer.Context, directory: Path = typer.Argument(..., help="Folder for the new workspace.")) -> None:
    """Lay out a new municipality's workspace: prognose.toml, data/, buffers/."""
    created, kept = init_workspace(directory)
    for path in created:
        edge.say(ctx, f"created {path}")
    for path in kept:
        edge.say(ctx, f"kept {path} as it was (init never overwrites a file)")
