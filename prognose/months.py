"""Calendar months: the month arithmetic every part of the engine shares (pure)."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import polars as pl

EPOCH = dt.date(1970, 1, 1)


def add_months(d: dt.date, n: int) -> dt.date:
    """The first day of the month n months after d's month."""
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def month_end(d: dt.date) -> dt.date:
    return add_months(d, 1) - dt.timedelta(days=1)


def is_month_end(d: dt.date) -> bool:
    return d == month_end(d)


def month_ends(year: int) -> list[dt.date]:
    return [month_end(dt.date(year, m, 1)) for m in range(1, 13)]


def last_closed_month(as_of: dt.date) -> dt.date:
    """The first day of the latest month whose end is on or before as_of."""
    return as_of.replace(day=1) if is_month_end(as_of) else add_months(as_of, -1)


def months_between(a: pl.Expr, b: dt.date | pl.Expr) -> pl.Expr:
    """Whole months from month a to month b (b − a); b a date or a date expression."""
    b = pl.lit(b) if isinstance(b, dt.date) else b
    return (b.dt.year() - a.dt.year()) * 12 + (b.dt.month() - a.dt.month())


def number_of(d: dt.date) -> int:
    """A date's month number (year × 12 + month − 1), as month_number gives it for a column."""
    return d.year * 12 + d.month - 1


def month_of_number(n: int) -> dt.date:
    """The first day of the month with number n."""
    return dt.date(n // 12, n % 12 + 1, 1)


def month_number(d: pl.Expr) -> pl.Expr:
    """Months since year 0 (year × 12 + month − 1): month arithmetic as integer arithmetic."""
    return d.dt.year().cast(pl.Int32) * 12 + d.dt.month().cast(pl.Int32) - 1


def per_day(dates: pl.Expr, lo: dt.date, hi: dt.date, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """fn(dates) for a date column whose values lie within lo … hi (or are null): fn runs once per
    calendar day of lo … hi and each row looks its day up. On millions of rows with few distinct
    days this is a gather, where polars' own date functions take every row apart into a calendar date."""
    table = pl.select(fn(pl.date_range(lo, hi, "1d"))).to_series()
    return pl.lit(table).gather(dates.cast(pl.Int32) - (lo - EPOCH).days)


def date_bounds(frame: pl.DataFrame, column: str) -> tuple[dt.date, dt.date] | None:
    """The first and last date in `column`, or None when it holds none."""
    lo, hi = frame.select(pl.col(column).min().alias("lo"), pl.col(column).max().alias("hi")).row(0)
    return None if lo is None else (lo, hi)
