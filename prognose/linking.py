"""Postings that name a citizen but no grant, linked to the one grant they can belong to; and
invoices that name only their provider, spread over that provider's grants for learning the billing.

Finance systems link an invoice to the grant it pays for when the caseworker's system hands the
grant id on; many providers' invoices reach finance with the citizen (CPR) and the account only.
Such an invoice is the cost of a grant all the same: left unlinked, the grant looks unbilled (the
billing lag learned from it grows, and with it the invoices expected still to come) while the
invoice is counted a second time in the part no grant explains. It is linked where one reading is
plain: the citizen has exactly one invoiced grant on the posting's account that runs in the
posting's period or ended at most MAX_LAG months before it (an invoice in arrears). Where two or
more fit, or none, the posting stays as it was. Payroll is never an invoice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from prognose.lag import MAX_LAG
from prognose.schema import NOT_PAYROLL, UNIT_MONTHS

_ROW = "_row"


@dataclass(frozen=True)
class Linked:
    postings: int      # how many postings were linked
    ore: int           # their amount


def link_by_citizen(postings: pl.DataFrame, invoiced: pl.DataFrame) -> tuple[pl.DataFrame, Linked]:
    """postings with grant_id filled in where exactly one invoiced grant of the citizen on the
    account fits the period; and how many were linked. Pure: frames in, frames out."""
    loose = (postings.lazy().with_row_index(_ROW)
             .filter(pl.col("grant_id").is_null() & pl.col("citizen_id").is_not_null()
                     & NOT_PAYROLL)
             .select(_ROW, "citizen_id", "account", "period", "amount"))
    grants = invoiced.lazy().filter(pl.col("citizen_id").is_not_null()).select(
        "grant_id", "citizen_id", "account", "start_date", "end_date")
    fits = (loose.join(grants, on=["citizen_id", "account"], how="inner")
            .filter((pl.col("start_date") <= pl.col("period").dt.month_end())
                    & (pl.col("end_date").is_null()
                       | (pl.col("end_date") >= pl.col("period").dt.offset_by(f"-{MAX_LAG}mo"))))
            .filter(pl.len().over(_ROW) == 1)
            .select(_ROW, "grant_id", "amount")
            .collect())
    if fits.is_empty():
        return postings, Linked(0, 0)
    rows = fits.get_column(_ROW).cast(pl.Int64)
    grant_id = postings.get_column("grant_id").scatter(rows, fits.get_column("grant_id"))
    out = postings.clone()
    out.replace_column(out.get_column_index("grant_id"), grant_id)
    return out, Linked(fits.height, int(fits.get_column("amount").sum()))


def provider_named(invoiced: pl.DataFrame, columns: list[str]) -> pl.Expr:
    """The provider of an invoiced grant whose name a finance posting's text begins with — an
    invoice booked with its creditor's name and neither grant nor citizen (SPEC §1: the text helps
    where it can, it is never required); null for payroll, a text that names none, or no texts.
    The longest name that fits wins: "Region X – Specialområde Y" before "Region X"; case and
    leading spaces do not matter (one system writes "BOSTEDET Å", another "Bostedet Å")."""
    names = sorted(invoiced.get_column("provider").drop_nulls().unique().to_list(), key=lambda n: (-len(n), n))
    if "text" not in columns or not names:
        return pl.lit(None, pl.String)
    canonical = {}
    for n in names:
        canonical.setdefault(n.lower(), n)
    pattern = "^(" + "|".join(re.escape(n) for n in canonical) + ")"
    found = (pl.col("text").str.strip_chars_start().str.to_lowercase().str.extract(pattern, 1)
             .replace_strict(canonical, default=None, return_dtype=pl.String))
    return pl.when(NOT_PAYROLL).then(found).otherwise(None)


def spread_by_provider(booked: pl.DataFrame, numbered: pl.DataFrame) -> pl.DataFrame:
    """gi, posting_month, period, amount (øre, float): every unlinked invoice that names its provider
    (booked.provider, of kind "other"), spread over that provider's invoiced grants on the posting's
    account that run in its period or ended at most MAX_LAG months before it — the citizen's, where
    the posting names one of them — in proportion to their monthly cost. Its provider's cohort gets
    the whole amount, so the billing ratio and lag measured per provider see the invoices the provider
    sent without a grant id; which grant paid which krone is not known and not claimed (the booked
    lines keep the posting as it was). numbered: the invoiced grants with their row gi."""
    loose = (booked.lazy().filter(pl.col("gi").is_null() & pl.col("provider").is_not_null() & (pl.col("kind") == "other"))
             .select("account", "provider", "citizen_id", "period", "posting_month", "amount").with_row_index(_ROW))
    per = pl.col("unit").replace_strict(UNIT_MONTHS, default=0.0, return_dtype=pl.Float64)
    grants = numbered.lazy().select("gi", "account", "provider", pl.col("citizen_id").alias("grant_citizen"), "start_date",
                                    "end_date", (pl.col("rate") * pl.col("quantity") * per).alias("weight"))
    fits = (loose.join(grants, on=["account", "provider"], how="inner")
            .filter((pl.col("start_date") <= pl.col("period").dt.month_end())
                    & (pl.col("end_date").is_null()
                       | (pl.col("end_date") >= pl.col("period").dt.offset_by(f"-{MAX_LAG}mo")))
                    & (pl.col("weight") > 0))
            # a posting that names a citizen goes to that citizen's grants of the provider, if any fit
            .with_columns((pl.col("citizen_id").is_not_null() & (pl.col("grant_citizen") == pl.col("citizen_id")))
                          .fill_null(False).alias("named_citizen"))
            .filter(~pl.col("named_citizen").any().over(_ROW) | pl.col("named_citizen")))
    return (fits.select("gi", "posting_month", "period",
                        (pl.col("amount") * pl.col("weight") / pl.col("weight").sum().over(_ROW)).alias("amount"))
            .collect())
