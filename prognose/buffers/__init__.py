"""The six buffers: what no grant shows yet (SPEC §2), each a pure function with one contract.

    compute(ctx: BufferContext, cfg: dict) -> BufferResult

A result carries its signed lines (account, paragraph, month, citizen_id, ore: positive adds,
negative takes away), its parameters (estimated or overridden, and from how many observations),
a sentence a social director understands, and for the list buffers the people on the list
(pseudonyms) with their status. They run in ORDER; none counts a citizen another already counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

BUFFER_LINES = {"account": pl.String, "paragraph": pl.String, "month": pl.Date, "citizen_id": pl.String, "ore": pl.Int64}


@dataclass
class Param:
    name: str
    value: object
    source: str          # "estimated", "override" or "default"
    observations: int | None = None
    unit: str = ""


@dataclass
class BufferResult:
    name: str
    lines: pl.DataFrame
    params: list[Param] = field(default_factory=list)
    explanation: dict[str, str] = field(default_factory=dict)
    people: pl.DataFrame | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return int(self.lines.get_column("ore").sum()) if self.lines.height else 0


@dataclass
class BufferContext:
    year: int
    as_of: dt.date
    grants: pl.DataFrame          # known at as_of (all provider types), with account
    invoiced: pl.DataFrame        # the grants whose cost is invoiced per grant
    steps: pl.DataFrame
    postings: pl.DataFrame        # known at as_of, summed: account, period, posting_month, grant_id, citizen_id, amount, kind
    price_index: dict[int, float]
    paragraph_accounts: dict[str, str]
    youth_list: pl.DataFrame | None = None
    stu_list: pl.DataFrame | None = None


def empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=BUFFER_LINES)


def finish_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Float amounts → whole øre, rounded on each citizen's running total (nothing lost to rounding)."""
    if frame.is_empty():
        return empty_lines()
    from prognose.periodise import round_half_up

    f = (frame.group_by("account", "paragraph", "citizen_id", "month").agg(pl.col("amount").sum())
         .sort("citizen_id", "account", "paragraph", "month", nulls_last=True)
         .with_columns(pl.col("amount").cum_sum().over("citizen_id", "account", "paragraph").alias("cum"))
         .with_columns((round_half_up(pl.col("cum"))
                        - round_half_up(pl.col("cum").shift(1).over("citizen_id", "account", "paragraph").fill_null(0.0))).alias("ore")))
    return f.select([pl.col(c).cast(t) for c, t in BUFFER_LINES.items()]).filter(pl.col("ore") != 0)


def run_buffers(ctx: BufferContext, config: dict) -> list[BufferResult]:
    from prognose.buffers import inflow, lists, sickness, survival

    results = []
    for name, fn in ORDER(lists, inflow, survival, sickness):
        cfg = config.get(name, {})
        if not cfg.get("enabled", True):
            results.append(BufferResult(name, empty_lines(), [Param("enabled", False, "override")],
                                        {"da": "Slået fra i buffers.toml.", "en": "Switched off in buffers.toml."}))
            continue
        results.append(fn(ctx, cfg))
    return results


def ORDER(lists, inflow, survival, sickness):
    """The explicit order: the lists first (they name people), then what history predicts."""
    return [("youth_transfers", lists.youth_transfers), ("stu", lists.stu), ("other_inflow", inflow.other_inflow),
            ("deaths", survival.deaths), ("bpa_sickness", sickness.bpa_sickness), ("other_outflow", survival.other_outflow)]
