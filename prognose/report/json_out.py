"""JSON as every command writes it: UTF-8 text (Danish letters as they are), indented, one newline at the end."""

from __future__ import annotations

import json


def json_text(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
