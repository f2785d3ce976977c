"""Postings that name a citizen but no grant, linked to the one grant they can belong to.

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

from dataclasses import dataclass

import polars as pl

from prognose.lag import MAX_LAG

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
                     & (pl.col("source").is_null() | (pl.col("source") != "payroll")))
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
