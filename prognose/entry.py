"""The `prognose` program: the version is answered before the engine (and polars) is imported,
so a script that checks it does not wait for a second of imports; everything else goes to cli.py."""

from __future__ import annotations

import sys

from prognose import __version__


def main() -> None:
    if sys.argv[1:] in (["--version"], ["version"]):
        print(__version__)
        return
    from prognose.cli import main as run

    run()
