"""Putting the director's report where she looks, safely under cron.

The workbook is written to a hidden temporary file in the target folder and renamed into place,
so the folder only ever holds the previous report or the new one, whole. A lock file in the
folder keeps two runs from interleaving; temporary files a killed run left behind are removed by
the next one that holds the lock. `--keep N` keeps the N newest `prognose-YYYY-MM.xlsx`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prognose.io.files import folder_lock, write_atomic

LOCK_NAME = ".prognose-report.lock"
MONTHLY = re.compile(r"^prognose-\d{4}-\d{2}(-\d{4})?\.xlsx$")


def monthly_name(as_of, year: int) -> str:
    """prognose-2025-10.xlsx; a forecast of another year than the as-of date's gets its year too."""
    return f"prognose-{as_of:%Y-%m}.xlsx" if as_of.year == year else f"prognose-{as_of:%Y-%m}-{year}.xlsx"


def publish(data: bytes, target: Path) -> None:
    with folder_lock(target.parent, LOCK_NAME, "another prognose report is being written in {folder} (lock {lock}); "
                     "try again later", leftovers=(".*.xlsx.*.tmp",)):
        write_atomic(target, data)


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest monthly reports; returns what was removed."""
    reports = sorted(p for p in directory.iterdir() if p.is_file() and MONTHLY.match(p.name))
    gone = reports[:-keep] if keep > 0 else []
    for p in gone:
        os.remove(p)
    return gone
