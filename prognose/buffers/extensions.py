"""Extended grants: a planned end the case system gives no reason for is a review date, and review
dates are often extended (SPEC §2). Each such grant is expected to run on past its date for as
long as the survival model gives it (survival.py), so this component adds the months the known
grants' own end dates leave out; deaths and other outflow then take away what ends for a reason.
Switch it off (`[extensions] enabled = false`) where planned ends are firm.
"""

from __future__ import annotations

import polars as pl

from prognose.buffers import BufferContext, BufferResult, Param
from prognose.buffers.options import Options
from prognose.words.message import Message


def extensions(ctx: BufferContext, opts: Options) -> BufferResult:
    model = ctx.prepared["survival"]
    lines = model.extensions
    total = int(lines.get_column("ore").sum()) if lines.height else 0
    people = citizens(lines)
    return BufferResult("extensions", lines, [Param("citizens_with_review_date", people, "estimated", people)],
                        Message("extensions.explanation", people=people, total=total), events=model.extension_events)


def citizens(lines: pl.DataFrame) -> int:
    """The citizens whose grants run on past a review date this year."""
    return lines.get_column("citizen_id").n_unique() if lines.height else 0
