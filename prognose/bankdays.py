"""Postings are booked on bank days: what the days after the last one before the as-of date still bring.

A finance system books on weekdays: an invoice that arrives on a Saturday or a Sunday is booked on
the Monday. An extract taken on a Sunday holds the invoices up to Friday, and the weekend's
invoices come in the month of the next weekday. The rest of the forecast reads the months up to
the as-of date as booked in full: what the grants are still to bring runs from the as-of date, and
what no grant explains is forecast for the months after it. What is added here, per account:

    roll × pending(as-of) × invoices per day

in the month of the next weekday. The billing lag's outstanding months hold the weekends of past
month-ends only as an average over years and providers; the days missing from this extract are
its own. Where the next weekday is in the next year, nothing is added: what December's
supplementary period still brings is forecast as a whole, as it came in the years before
(supplementary.late_bookings, and what the grants leave outstanding at the close).

pending(d): the days after the last weekday on or before d (1 on a Saturday, 2 on a Sunday).
roll: how much of a weekend day's invoices the municipality's own postings show booked on
another day — 1 where finance books nothing on Saturdays and Sundays, 0 where weekends book as
weekdays do (then nothing is added). Invoices per day: the account's postings that can be invoices
(schema.NOT_PAYROLL; not the state's refund) over the last twelve closed months, per calendar day.
Payroll is paid on the last bank day of the month and is not moved. Public holidays are not
known here: only an as-of date on a Saturday or a Sunday has pending days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from prognose.months import add_months, last_closed_month
from prognose.periodise import round_half_up
from prognose.schema import NOT_PAYROLL


@dataclass(frozen=True)
class Pending:
    """The weekend's invoices still to be booked at the as-of date (lines: account, month, ore)."""
    days: int            # pending days at the as-of date
    roll: float
    lines: pl.DataFrame

    @property
    def ore(self) -> int:
        return int(self.lines.get_column("ore").sum())


def pending_days(d: dt.date) -> int:
    """The days after the last weekday on or before d."""
    return max(0, d.isoweekday() - 5)


def next_weekday(d: dt.date) -> dt.date:
    """The first weekday after d."""
    d += dt.timedelta(days=1)
    return d + dt.timedelta(days=max(0, 8 - d.isoweekday()) if d.isoweekday() > 5 else 0)


def roll(flows: pl.DataFrame) -> float:
    """The share of a weekend day's invoices that is booked on another day: 1 − the amount booked
    per Saturday or Sunday ÷ the amount per Tuesday–Friday (Monday holds what the weekend left),
    between 0 and 1; 0 without postings. flows: posting_date, amount."""
    if flows.is_empty():
        return 0.0
    lo, hi = flows.get_column("posting_date").min(), flows.get_column("posting_date").max()
    days = pl.DataFrame({"d": pl.date_range(lo, hi, "1d", eager=True)}).group_by(pl.col("d").dt.weekday().alias("wd")).len()
    booked = flows.group_by(pl.col("posting_date").dt.weekday().alias("wd")).agg(pl.col("amount").sum().cast(pl.Float64))
    rate = dict(days.join(booked, on="wd", how="left").select("wd", pl.col("amount").fill_null(0.0) / pl.col("len")).iter_rows())
    weekday = sum(rate.get(w, 0.0) for w in (2, 3, 4, 5)) / 4
    if weekday <= 0:
        return 0.0
    weekend = (rate.get(6, 0.0) + rate.get(7, 0.0)) / 2
    return min(1.0, max(0.0, 1.0 - weekend / weekday))


def pending(postings: pl.DataFrame, as_of: dt.date, year: int, refund_kinds: tuple[str, ...]) -> Pending:
    """What the days between the last weekday and the as-of date still bring, per account, in the
    month of the next weekday (nothing where that is in the next year: see the module's note)."""
    empty = pl.DataFrame(schema={"account": pl.String, "month": pl.Date, "ore": pl.Int64})
    if as_of.year != year or next_weekday(as_of).year != year:
        return Pending(0, 0.0, empty)
    known = postings.filter(pl.col("posting_date") <= as_of)
    if "source" in known.columns:
        known = known.filter(NOT_PAYROLL)
    if "art" in known.columns and refund_kinds:
        known = known.filter(pl.col("art").is_null() | ~pl.col("art").str.strip_chars().is_in(list(refund_kinds)))
    r = roll(known.select("posting_date", "amount"))
    days = pending_days(as_of)
    if r == 0.0 or days == 0:
        return Pending(days, r, empty)
    last = last_closed_month(as_of)
    first = add_months(last, -11)
    span = (add_months(last, 1) - first).days
    month = next_weekday(as_of).replace(day=1)
    lines = (known.filter(pl.col("posting_date").is_between(first, add_months(last, 1) - dt.timedelta(days=1)))
             .group_by("account").agg(pl.col("amount").sum())
             .select("account", pl.lit(month).alias("month"),
                     round_half_up(pl.col("amount").cast(pl.Float64) * (r * days / span)).alias("ore"))
             .filter(pl.col("ore") != 0).sort("account"))
    return Pending(days, r, lines)
