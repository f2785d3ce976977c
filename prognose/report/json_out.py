"""JSON as every command writes it: UTF-8 text (Danish letters as they are), indented, one newline at the end."""

from __future__ import annotations

import json


def dkk(ore: int | float | None) -> float | None:
    """øre as the DKK every JSON, CSV and workbook cell shows: 2 decimals (None stays None)."""
    return None if ore is None else round(ore / 100, 2)


def json_text(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
