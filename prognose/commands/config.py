"""`prognose config`: the effective settings and where each came from, and what the engine learns
from the extract for the refund of expensive cases."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from prognose.commands import edge
from prognose.commands.edge import WORKSPACE
from prognose.commands.refusion import of_grants
from prognose.errors import InputError, UsageError
from prognose.io.config import as_rows
from prognose.options import Options
from prognose.words.locale import kroner


def command(ctx: typer.Context, workspace: Optional[Path] = WORKSPACE) -> None:
    """Print the effective settings and where each came from, and what the engine learns from the extract."""
    opts = edge.options(ctx, workspace)
    rows = as_rows(opts)
    try:
        rows += learned_rows(opts)
    except (InputError, UsageError) as e:   # the settings are still worth seeing without a readable extract
        rows.append(("refusion.learned", "not learned: the extract could not be read", str(e).splitlines()[0][:80]))
    width = max(len(k) for k, _, _ in rows)
    for key, value, origin in rows:
        typer.echo(f"{key:<{width}}  {value}    ({origin})")


def learned_rows(opts: Options) -> list[tuple[str, str, str]]:
    """What the engine learns for the refund of expensive cases from the extract, as `config` rows."""
    ex = edge.read(opts)
    as_of = edge.default_as_of(ex)
    rf = of_grants(ex, opts, as_of.year, as_of)   # what is learned does not depend on the buffers
    if rf is None:
        return [("refusion.learned", "nothing: no refund is booked in the history", "postings")]
    learned, origin = rf.learned, "postings, kind " + ", ".join(opts.refusion.kinds)
    rows = [("refusion.learned.settlement", learned.settlement, f"{origin}, years {', '.join(map(str, sorted(learned.booked)))}"
             if learned.booked else "default")]
    rows += [(f"refusion.learned.{y}", f"factor {f:.4f} on the thresholds, refund booked {kroner(learned.booked[y])} kr.", origin)
             for y, f in sorted(learned.years.items())]
    rows.append((f"refusion.thresholds.{rf.year}", f"{kroner(rf.thresholds[0])} / {kroner(rf.thresholds[1])}",
                 f"learned from {max(learned.years)}" if rf.source == "learned" else rf.source))
    return rows
