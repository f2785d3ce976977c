"""Calendar months: the month arithmetic every part of the engine shares (pure)."""

from __future__ import annotations

import datetime as dt

import polars as pl


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
