"""The components' one contract: what no grant shows yet (SPEC §2's six buffers, and the grants
that review dates would end too early), each a pure function

    compute(ctx: BufferContext, opts: Options) -> BufferResult

A result carries its signed lines (account, paragraph, month, citizen_id, ore: positive adds,
negative takes away), its parameters (estimated or overridden, and from how many observations),
a sentence a social director understands (a Message: its words are the catalogue's), and for the list buffers the people on the list
(pseudonyms) with their status. They run in the registry's order (components.py); none counts a
citizen another already counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import polars as pl

from prognose.schema import BUFFER_LINES, EVENTS
from prognose.words.message import Message

# What is uncertain in a component (schema.EVENTS), for the simulation of the interval (uncertainty.py). One
# row is a kind of event and what it costs when it happens (øre, signed, the year's rest):
#   dist "bernoulli": happens with probability p (a listed person, one grant's death);
#   dist "poisson":   happens a Poisson(p) number of times (newcomers in one paragraph and month);
#   dist "scale":     always happens (p = 1), only its amount varies (a share of a cost).
# cv is the coefficient of variation of one event's amount (its cost, and its timing: a start a
# month earlier or later); events of one `group` share a rate estimated from history, whose
# relative uncertainty is group_cv (a death rate from 40 deaths is known to about 1/√40).
TIMING_CV = (2 / 3) ** 0.5   # sd of a start moved −1, 0 or +1 month, in months


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
    explanation: Message | None = None
    people: pl.DataFrame | None = None
    flags: list[Message] = field(default_factory=list)   # something the controller should check
    events: pl.DataFrame | None = None

    @property
    def total(self) -> int:
        return int(self.lines.get_column("ore").sum()) if self.lines.height else 0


@dataclass(frozen=True)
class BufferContext:
    year: int
    as_of: dt.date
    grants: pl.DataFrame          # known at as_of (all provider types), with account
    invoiced: pl.DataFrame        # the grants whose cost is invoiced per grant
    steps: pl.DataFrame
    # known at as_of (a linked posting one row, the rest summed): account, period, posting_month,
    # grant_id, citizen_id, amount, kind, gi (an invoiced grant's row in `invoiced`)
    postings: pl.DataFrame
    price_index: dict[int, float]
    paragraph_accounts: dict[str, str]
    lists: Mapping[str, pl.DataFrame | None] = field(default_factory=lambda: MappingProxyType({}))   # the components' lists by name
    prepared: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))   # components.SHARED's work


def empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=BUFFER_LINES)


def empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENTS)


def events_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The EVENTS columns in order and type; rows without an amount or a chance are left out."""
    if frame.is_empty():
        return empty_events()
    return (frame.select([pl.col(c).cast(t) for c, t in EVENTS.items()])
            .filter((pl.col("amount") != 0) & (pl.col("p") > 0) & pl.col("amount").is_not_null()))


def timing_cv(months: pl.Expr) -> pl.Expr:
    """Relative spread of a cost running `months` months when its start may move a month either way."""
    return TIMING_CV / pl.max_horizontal(months, pl.lit(1.0))


def finish_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Float amounts → whole øre, rounded on each citizen's running total (nothing lost to rounding);
    where the frame names the grant (an amount that is one grant's), on each grant's."""
    if frame.is_empty():
        return empty_lines()
    from prognose.periodise import round_half_up

    if "grant_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("grant_id"))
    keys = ("citizen_id", "account", "paragraph", "grant_id")
    # after the sort a running total's rows are consecutive: a new one starts where a key changes
    starts = pl.any_horizontal(*[pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys])
    f = (frame.lazy().group_by("account", "paragraph", "citizen_id", "grant_id", "month").agg(pl.col("amount").sum())
         .sort(*keys, "month", nulls_last=True)
         .with_columns(starts.fill_null(True).cum_sum().alias("_run"))
         .with_columns(pl.col("amount").cum_sum().over("_run").alias("cum"))
         .with_columns((round_half_up(pl.col("cum"))
                        - pl.when(pl.col("_run") == pl.col("_run").shift(1)).then(round_half_up(pl.col("cum").shift(1)))
                        .otherwise(0)).alias("ore"))
         .collect())
    return f.select([pl.col(c).cast(t) for c, t in BUFFER_LINES.items()]).filter(pl.col("ore") != 0)
