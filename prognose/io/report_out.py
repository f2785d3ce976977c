"""Putting the director's report where she looks, safely under cron.

The workbook is written to a hidden temporary file in the target folder and renamed into place,
so the folder only ever holds the previous report or the new one, whole. A lock file in the
folder keeps two runs from interleaving; temporary files a killed run left behind are removed by
the next one that holds the lock. `--keep N` keeps the N newest `prognose-YYYY-MM.xlsx`.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

from prognose.errors import UsageError
from prognose.io.files import write_atomic

LOCK_NAME = ".prognose-report.lock"
MONTHLY = re.compile(r"^prognose-\d{4}-\d{2}(-\d{4})?\.xlsx$")


def monthly_name(as_of, year: int) -> str:
    """prognose-2025-10.xlsx; a forecast of another year than the as-of date's gets its year too."""
    return f"prognose-{as_of:%Y-%m}.xlsx" if as_of.year == year else f"prognose-{as_of:%Y-%m}-{year}.xlsx"


@contextmanager
def locked(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    f = open(path, "a+")
    try:
        try:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows
            import msvcrt

            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        f.close()
        raise UsageError(f"another prognose report is being written in {directory} (lock {path.name}); try again later")
    try:
        for stale in directory.glob(".*.xlsx.*.tmp"):
            stale.unlink(missing_ok=True)
        yield
    finally:
        f.close()


def publish(data: bytes, target: Path) -> None:
    with locked(target.parent):
        write_atomic(target, data)


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest monthly reports; returns what was removed."""
    reports = sorted(p for p in directory.iterdir() if p.is_file() and MONTHLY.match(p.name))
    gone = reports[:-keep] if keep > 0 else []
    for p in gone:
        os.remove(p)
    return gone
