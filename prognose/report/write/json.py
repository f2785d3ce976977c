"""JSON: the record's document (its view's `document`), UTF-8, indented (json_out.py)."""

from __future__ import annotations

from prognose.errors import UsageError
from prognose.report.json_out import json_text


def write(record, view, style) -> str:
    if not hasattr(view, "document"):
        raise UsageError(f"`prognose {record.kind}` writes no JSON")
    return json_text(view.document(record, style))
