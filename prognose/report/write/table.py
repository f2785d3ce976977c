"""The terminal's table: the record's own layout (its view's `text`), in colour at the terminal's
width only where it goes to a terminal; a file or a pipe gets plain text at a fixed width."""

from __future__ import annotations

from prognose.errors import UsageError
from prognose.report.terminal import Doc


def write(record, view, style) -> str:
    if not hasattr(view, "text"):
        raise UsageError(f"`prognose {record.kind}` writes no table")
    out = view.text(record, style)
    return out.render(for_terminal=style.for_terminal) if isinstance(out, Doc) else out
