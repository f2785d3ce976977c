"""What the controller should know about a forecast, beside its figures: messages (words/message.py),
one sentence each, shown under the terminal's table, in the JSON's notes and in the report."""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.bankdays import Pending
from prognose.hindcast import scale
from prognose.words.message import Message


def forecast_notes(buffers, results: list, linked_by_citizen, spread: pl.DataFrame, weekend: Pending, lines: pl.DataFrame,
                   bud: pl.DataFrame, year: int, as_of: dt.date) -> list[Message]:
    """What the controller should know about this forecast. spread: the invoices that named only
    their provider, as linking.spread_by_provider spread them; weekend: the invoices of a weekend
    as-of date still to come (bankdays.pending)."""
    notes = list(buffers.notes) if buffers is not None else []
    if linked_by_citizen.postings:
        notes.append(Message("note.linked_by_citizen", postings=linked_by_citizen.postings, ore=linked_by_citizen.ore))
    if spread.height:
        notes.append(Message("note.provider_named", ore=round(float(spread.get_column("amount").sum()))))
    if weekend.ore:
        notes.append(Message("note.weekend", as_of=as_of, days=weekend.days, ore=weekend.ore))
    notes += [Message("note.flag", component=r.name, flag=flag) for r in results for flag in r.flags]
    adjustments = buffers.adjustments if buffers is not None else None
    if adjustments is not None and adjustments.height:
        years = adjustments.select(pl.coalesce(pl.col("period").dt.year(), pl.col("year")).alias("y")).get_column("y")
        other = years.filter(years != year)
        if other.len():       # kept in the file for their own year, and said: never dropped in silence
            notes.append(Message("note.adjustments_other_year", rows=other.len(), year=year,
                                 years=", ".join(str(y) for y in other.unique().sort().to_list())))
    no_budget = lines.select("account").unique().join(bud, on="account", how="anti").get_column("account").sort().to_list()
    if no_budget:
        notes.append(Message("note.no_budget", year=year, accounts=", ".join(no_budget)))
    return notes


def backtest_notes(past: list, band) -> list[Message]:
    """How the engine's own forecasts of earlier years did, and what that did to the range
    (hindcast.py); past: hindcast.Past."""
    if not past or band is None:
        return []
    years = [Message("note.own_backtest_year", as_of=p.as_of, year=p.year, off=_percent(p), spread=abs(p.z)) for p in past]
    return [Message("note.own_backtest", years=years, factor=scale(past))]


def _percent(p) -> float:
    return 100 * (p.forecast - p.final) / p.final if p.final else 0.0
