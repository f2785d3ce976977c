"""CSV: the record's table (its view's `csv`) in the dialect the reader asked for (csv_out.py)."""

from __future__ import annotations

from prognose.errors import UsageError
from prognose.report.csv_out import Dialect, render


def write(record, view, style) -> str:
    if not hasattr(view, "csv"):
        raise UsageError(f"`prognose {record.kind}` writes no CSV")
    return render(view.csv(record, style), Dialect.of(style.dialect, style.lang))
