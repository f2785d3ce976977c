"""What has been booked at the as-of date, in the grain every later step of the forecast needs.

A posting linked to a grant stays one row (the billing lag is measured on it); the rest — mostly
payroll, millions of lines — is summed per account, period, posting month, citizen and kind. Each
row carries its kind: the refund of expensive cases (its kind codes, refusion.py), BPA substitute
pay (only postings on BPA accounts can be that, buffers/sickness.py), or other.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.months import date_bounds, per_day
from prognose.schema import NOT_PAYROLL

KEYS = ("account", "period", "posting_month", "grant_id", "citizen_id", "kind")


def kinded(part: pl.LazyFrame, bpa_accounts: list[str], bpa_kind: pl.Expr, refund: pl.Expr) -> pl.LazyFrame:
    """Each posting's kind: refund, BPA substitute pay (on BPA accounts only), or other."""
    on_bpa = pl.col("account").is_in(bpa_accounts)
    return pl.concat([part.filter(~on_bpa).with_columns(pl.lit("other").alias("kind")),
                      part.filter(on_bpa).with_columns(bpa_kind.alias("kind"))]).with_columns(
        pl.when(refund).then(pl.lit("refusion")).otherwise(pl.col("kind")).alias("kind"))


def sum_postings(postings: pl.DataFrame, grant_rows: pl.LazyFrame, as_of: dt.date, bpa_accounts: list[str],
                 bpa_kind: pl.Expr, refund: pl.Expr, provider: pl.Expr | None = None) -> pl.DataFrame:
    """The postings known at the as-of date: linked ones one row each with their grant's row
    number (gi, from grant_rows: grant_id, gi), the rest summed; both with the date of their first
    posting (first_date) and the month they were booked in (posting_month). The rest keeps the
    provider whose invoice a posting is (`provider`, linking.provider_named; null for none)."""
    provider = pl.lit(None, pl.String) if provider is None else provider
    known = postings.lazy().filter(pl.col("posting_date") <= as_of)
    posted = date_bounds(postings, "posting_date") or (as_of, as_of)
    month = per_day(pl.col("posting_date"), *posted, lambda d: d.dt.month_start()).alias("posting_month")
    linked = (kinded(known.filter(pl.col("grant_id").is_not_null()), bpa_accounts, bpa_kind, refund)
              .select(*KEYS[:2], month, *KEYS[3:], "amount", pl.col("posting_date").alias("first_date"))
              .join(grant_rows, on="grant_id", how="left").with_columns(pl.lit(None, pl.String).alias("provider")))
    # summed per posting date first (few payroll dates a month), then per month; grant_id is null
    # throughout, so it is no key
    # the texts are read for a provider only where they can be an invoice: payroll is most lines
    loose = kinded(known.filter(pl.col("grant_id").is_null()), bpa_accounts, bpa_kind, refund)
    rest = (pl.concat([loose.filter(~NOT_PAYROLL).with_columns(pl.lit(None, pl.String).alias("provider")),
                       loose.filter(NOT_PAYROLL).with_columns(provider.alias("provider"))])
            .group_by(*KEYS[:2], "posting_date", *KEYS[4:], "provider").agg(pl.col("amount").sum())
            .group_by(*KEYS[:2], month, *KEYS[4:], "provider").agg(pl.col("amount").sum(),
                                                                   pl.col("posting_date").min().alias("first_date"))
            .select(*KEYS[:3], pl.lit(None, pl.String).alias("grant_id"), *KEYS[4:], "amount", "first_date",
                    pl.lit(None, pl.UInt32).alias("gi"), "provider"))
    return pl.concat([linked, rest]).collect()
