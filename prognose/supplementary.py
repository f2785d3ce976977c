"""The supplementary period (supplementsperiode): what is still booked to a closed year's months.

December's invoices arrive in January–February and are booked with period December; so are
year-end accruals and late corrections. Three steps of the forecast need what is still to come to
periods whose months have passed, each learned from the same part of the municipality's own
postings — what was booked to earlier years' months after the same day of the year:

  - open_december: while the previous year's supplementary period is still open (an as-of date in
    January or February), its December is not yet what it will be. What no grant explains is
    learned from every closed month, December included, as booked − expected grant bookings, the
    expectation being for after the close; so the December booked so far is topped up with what
    earlier Decembers still received after the same day — as a share of what they had by then —
    else the month reads as a large shortfall, and the level of the months ahead with it.
  - late_bookings: what no invoiced grant explains and is still to be booked to the budget year's
    months up to the as-of date, while months of the year are still ahead;
  - close_residuals: at the year's end (an as-of date in December), what the supplementary period
    brings beyond what the grants' billing lag expects of it, as it did at earlier closes, and how
    far that varied from year to year: the range's only spread of what no grant explains once no
    month is ahead.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.months import add_months

YEARS = 3            # past years whose late bookings are averaged


def _shifted(d: dt.date, years: int) -> dt.date:
    """d moved back by `years` (a first of the month, so never 29 February)."""
    return d.replace(year=d.year - years)


def open_december(booked: pl.DataFrame, as_of: dt.date, years: int = YEARS) -> pl.DataFrame:
    """account, period, amount: what is still to be booked to the previous year's December while
    its supplementary period is open at the as-of date (none from March on). Per account, what
    earlier Decembers came to in full, per krone booked to the months before them in their year
    (summed over the past years the postings cover), times this year's January–November, less what
    is booked to December so far: how much arrives by the end of January varies from year to year
    with a few large invoices, what a December comes to in all much less. booked:
    booked.sum_postings (period, posting_month, amount), the kinds the history is learned from."""
    schema = {"account": pl.String, "period": pl.Date, "amount": pl.Float64}
    december = dt.date(as_of.year - 1, 12, 1)
    if add_months(december, 2) < as_of.replace(day=1) or booked.is_empty():
        return pl.DataFrame(schema=schema)
    first = booked.get_column("posting_month").min()
    past = [december.year - back for back in range(1, years + 1) if dt.date(december.year - back, 1, 1) >= first]
    if not past:
        return pl.DataFrame(schema=schema)
    y, month = pl.col("period").dt.year(), pl.col("period").dt.month()
    sums = (booked.filter(y.is_in([*past, december.year]) & (pl.col("posting_month") <= as_of.replace(day=1)) | y.is_in(past))
            .group_by("account")
            .agg(pl.col("amount").filter(y.is_in(past) & (month == 12)).sum().alias("decembers"),
                 pl.col("amount").filter(y.is_in(past) & (month < 12)).sum().alias("before"),
                 pl.col("amount").filter((y == december.year) & (month < 12)).sum().alias("before_now"),
                 pl.col("amount").filter((y == december.year) & (month == 12)).sum().alias("so_far")))
    amount = pl.col("decembers").cast(pl.Float64) / pl.col("before") * pl.col("before_now") - pl.col("so_far")
    return (sums.filter(pl.col("before") > 0)
            .select("account", pl.lit(december).alias("period"), amount.alias("amount"))
            .filter(pl.col("amount") != 0).sort("account"))


def late_bookings(booked: pl.DataFrame, as_of: dt.date, year: int, years: int = YEARS) -> pl.DataFrame:
    """account, month, amount: what no invoiced grant explains and is still to be booked to the
    months of the year up to the as-of date — late invoices without a grant, year-end accruals in
    the supplementary period — as it came in the municipality's own past years: per past year, the
    postings (of kind "other", on no invoiced grant) to its months up to the same month that were
    booked after that month; their mean over the past years the postings cover, placed in the as-of
    month. An invoice whose text names its provider is left out: the provider's billing ratio and
    lag are learned with it, so the grants' expected bookings hold it already. booked:
    booked.sum_postings (with gi, the invoiced grant's row, and provider)."""
    last = as_of.replace(day=1)
    first = booked.get_column("posting_month").min()
    past = [y for y in range(year - years, year) if first is not None and first <= dt.date(y, 1, 1)]
    if not past:
        return pl.DataFrame(schema={"account": pl.String, "month": pl.Date, "amount": pl.Float64})
    rest = booked.filter(pl.col("gi").is_null() & (pl.col("kind") == "other") & pl.col("provider").is_null())
    late = [rest.filter((pl.col("period") >= dt.date(y, 1, 1)) & (pl.col("period") <= last.replace(year=y))
                        & (pl.col("posting_month") > last.replace(year=y)))
            .group_by("account").agg(pl.col("amount").sum().alias(str(y))) for y in past]
    out = late[0]
    for frame in late[1:]:
        out = out.join(frame, on="account", how="full", coalesce=True)
    return out.select("account", pl.lit(last).alias("month"),
                      (pl.sum_horizontal(pl.col(str(y)).fill_null(0) for y in past) / len(past)).alias("amount"))


def close_residuals(booked: pl.DataFrame, expected: pl.DataFrame, as_of: dt.date, year: int,
                    years: int = YEARS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What the supplementary period brings beyond what the grants' billing lag expects, once no
    month of the year is ahead (an as-of date in December): (account, month, amount) in December of
    the year, and (account, sd), its spread, both in øre.

    Per account and past year whose supplementary period has closed: everything booked to that
    year's periods after its last day (invoices, linked or not, accruals, late corrections), less
    what the lag expected of the grants at that year's last day (expected: account, year, expected
    — O at 31 December less O after the close), at today's size (times how much more the
    municipality has booked to this year's periods so far than to that year's by its last day).
    The amount is their mean; the spread the root mean square of how far each year's fell from the
    mean of the others' (leave one out; none with fewer than two closed years). Amounts, not shares
    of an account, so an account that was small in one year does not blow up."""
    lines = pl.DataFrame(schema={"account": pl.String, "month": pl.Date, "amount": pl.Float64})
    spread = pl.DataFrame(schema={"account": pl.String, "sd": pl.Float64})
    first = booked.get_column("posting_month").min() if booked.height else None
    closed = [y for y in range(year - years, year)
              if first is not None and dt.date(y, 1, 1) >= first and dt.date(y + 1, 3, 1) <= as_of]
    y = pl.col("period").dt.year()
    in_year = pl.col("posting_month").dt.year() <= y
    sizes = dict(booked.filter(y.is_in([*closed, year]) & in_year).group_by(y.alias("y")).agg(pl.col("amount").sum()).iter_rows())
    closed = [c for c in closed if sizes.get(c, 0) > 0]
    if not closed or sizes.get(year, 0) <= 0:
        return lines, spread
    late = (booked.filter(y.is_in(closed) & ~in_year).group_by("account", y.alias("year")).agg(pl.col("amount").sum().alias("late"))
            .join(expected.filter(pl.col("year").is_in(closed)), on=["account", "year"], how="full", coalesce=True)
            .with_columns(((pl.col("late").cast(pl.Float64).fill_null(0.0) - pl.col("expected").fill_null(0.0)) * sizes[year]
                           / pl.col("year").replace_strict(sizes, return_dtype=pl.Float64)).alias("rest")))
    grid = (late.select("account").unique().join(pl.DataFrame({"year": closed}, schema={"year": late.schema["year"]}), how="cross")
            .join(late.select("account", "year", "rest"), on=["account", "year"], how="left").with_columns(pl.col("rest").fill_null(0.0)))
    lines = grid.group_by("account").agg(pl.col("rest").mean().alias("amount")).select(
        "account", pl.lit(dt.date(year, 12, 1)).alias("month"), "amount").sort("account")
    if len(closed) >= 2:
        others = (pl.col("rest").sum().over("account") - pl.col("rest")) / (len(closed) - 1)
        spread = (grid.with_columns(others.alias("others")).group_by("account")
                  .agg(((pl.col("rest") - pl.col("others")) ** 2).mean().sqrt().alias("sd")).filter(pl.col("sd") > 0).sort("account"))
    return lines, spread
