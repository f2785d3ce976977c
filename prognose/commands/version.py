"""`prognose version`: the engine version."""

from __future__ import annotations

import typer

from prognose import __version__


def command(ctx: typer.Context) -> None:
    """Print the engine version."""
    typer.echo(__version__)
