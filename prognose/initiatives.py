"""Initiatives (pure): what each planned measure changes in the model cost of the years ahead.

An initiative is read from the buffers directory's initiatives.csv (io/initiatives_io.py): a name,
a kind, a start date, a scope (paragraph, account, provider type; blank: all) and what the kind
needs. Kinds, each on the model cost (projection.MODEL) from its start:
  fewer_new    share s      newcomers arriving in scope cost s less (s of them do not come)
  lower_price  share s      every grant in scope, known or new, costs s less
  end_earlier  count n      n of the grants running in scope end at the start (average grants)
  move         count n      n grants in scope end, and n grants of `to_paragraph` begin at its
                            typical cost, ending at its rate
  fixed        amount a     a kroner a year (negative: saved) on the scope's account
and `cost`: what the initiative itself costs a year (kroner), on the scope's account.

They are applied one after another, each to the cost the ones before it left, so two initiatives
on the same grants never save the same krone twice: an initiative's effect is what it changes
after those before it in the file, and the effects add up to the change of all of them together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from prognose.words.message import Message

DIRECT = "direct"   # the source of amounts that are money as they are (projection.project does not scale them)


@dataclass(frozen=True)
class Initiative:
    name: str
    kind: str
    start: dt.date
    share: float | None = None
    count: float | None = None
    amount: int | None = None          # øre a year (fixed)
    cost: int | None = None            # øre a year: what the initiative itself costs
    paragraph: str | None = None
    account: str | None = None
    provider_type: str | None = None
    to_paragraph: str | None = None


@dataclass(frozen=True)
class Context:
    """What the initiatives need besides the model cost: the known grants (to count those in
    scope), the newcomers' typical cost and the paragraphs' rates of ending and accounts."""
    grants: pl.DataFrame
    newcomers: pl.DataFrame      # paragraph, provider_type, per_year, monthly (projection.newcomer_rates)
    rates: pl.DataFrame          # paragraph, h
    accounts: dict[str, str]
    last: int


def in_scope(i: Initiative) -> pl.Expr:
    expr = pl.lit(True)
    for column in ("paragraph", "account", "provider_type"):
        if getattr(i, column):
            expr = expr & (pl.col(column) == getattr(i, column))
    return expr


def apply(i: Initiative, frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """The model cost with initiative i applied (projection.MODEL rows): grants moved in come as
    source "moved", amounts in kroner as source DIRECT (money as it is, not a grant's cost)."""
    from_start = pl.col("month") >= i.start.replace(day=1)
    if i.kind == "fewer_new":
        cut = in_scope(i) & (pl.col("source") == "new") & (pl.col("arrival") >= i.start.replace(day=1))
        frame = _scaled(frame, cut, 1 - i.share)
    elif i.kind == "lower_price":
        frame = _scaled(frame, in_scope(i) & from_start, 1 - i.share)
    elif i.kind in ("end_earlier", "move"):
        frame = _scaled(frame, in_scope(i) & from_start & (pl.col("source") == "known"), 1 - _share_of_running(i, ctx))
        if i.kind == "move":
            frame = pl.concat([frame, _moved_in(i, ctx, frame.schema)])
    elif i.kind == "fixed":
        frame = pl.concat([frame, _yearly(i, i.amount, ctx, frame.schema)])
    if i.cost:
        frame = pl.concat([frame, _yearly(i, i.cost, ctx, frame.schema)])
    return frame


def _scaled(frame: pl.DataFrame, where: pl.Expr, factor: float) -> pl.DataFrame:
    return frame.with_columns(pl.when(where).then(pl.col("cost") * factor).otherwise(pl.col("cost")).alias("cost"))


def _running(i: Initiative, ctx: Context) -> int:
    """The grants running in scope at the start."""
    at = i.start
    return ctx.grants.filter(in_scope(i) & (pl.col("start_date") <= at)
                             & (pl.col("end_date").is_null() | (pl.col("end_date") >= at) | pl.col("end_reason").is_null())).height


def _share_of_running(i: Initiative, ctx: Context) -> float:
    """n over the grants running in scope at the start (at most all of them)."""
    running = _running(i, ctx)
    return min(1.0, float(i.count) / running) if running else 0.0


def notes_on(plans: list[Initiative], ctx: Context) -> list[Message]:
    """What the controller should know of her initiatives: a count above the grants in scope (taken
    as all of them), a scope no grant is in, a start after the last year projected."""
    notes = []
    for i in plans:
        if i.kind in ("end_earlier", "move") and i.count is not None and i.count > _running(i, ctx):
            notes.append(Message("note.initiative_capped", name=i.name, count=int(i.count), running=_running(i, ctx)))
        elif i.kind != "fixed" and (i.paragraph or i.account or i.provider_type) and ctx.grants.filter(in_scope(i)).is_empty():
            notes.append(Message("note.initiative_no_scope", name=i.name))
        if i.start.year > ctx.last:
            notes.append(Message("note.initiative_after", name=i.name, start=i.start, last=ctx.last))
    return notes


def _months(i: Initiative, last: int) -> pl.Series:
    return pl.date_range(i.start.replace(day=1), dt.date(last, 12, 1), "1mo", eager=True)


def _moved_in(i: Initiative, ctx: Context, schema) -> pl.DataFrame:
    """n grants of to_paragraph from the start (no more than left the scope), at its newcomers'
    typical cost a month, ending at its rate."""
    moved = float(min(i.count, _running(i, ctx)))
    typical = ctx.newcomers.filter(pl.col("paragraph") == i.to_paragraph)
    monthly = float((typical.get_column("monthly") * typical.get_column("per_year")).sum()
                    / max(float(typical.get_column("per_year").sum()), 1e-9)) if typical.height else 0.0
    rate = ctx.rates.filter(pl.col("paragraph") == i.to_paragraph).get_column("h")
    h = float(rate[0]) if rate.len() else 0.0
    months = pl.DataFrame({"month": _months(i, ctx.last)})
    t = (pl.col("month").dt.offset_by("14d") - pl.lit(i.start)).dt.total_days().clip(0, None) / 365.25
    return months.select(pl.lit(ctx.accounts.get(i.to_paragraph)).alias("account"), pl.lit(i.to_paragraph).alias("paragraph"),
                         pl.lit(None, pl.String).alias("provider_type"), "month", pl.lit("moved").alias("source"),
                         pl.lit(i.start).alias("arrival"), (moved * monthly * (-h * t).exp()).alias("cost")).cast(schema)


def _yearly(i: Initiative, ore_a_year: int, ctx: Context, schema) -> pl.DataFrame:
    """An amount a year from the start, a twelfth each month, on the scope's account."""
    account = i.account or (ctx.accounts.get(i.paragraph) if i.paragraph else None)
    months = pl.DataFrame({"month": _months(i, ctx.last)})
    return months.select(pl.lit(account).alias("account"), pl.lit(i.paragraph).alias("paragraph"),
                         pl.lit(i.provider_type).alias("provider_type"), "month", pl.lit(DIRECT).alias("source"),
                         pl.lit(None, pl.Date).alias("arrival"), pl.lit(ore_a_year / 12).alias("cost")).cast(schema)
