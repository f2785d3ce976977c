"""What is behind a figure (pure): a snapshot's forecast lines for one account, paragraph, citizen,
grant or provider, split by origin, with the grants and citizens that contribute most, a grant's
cost month by month beside what was booked against it and the billing lag it was given, and the
postings that make up what is booked.

Everything is a sum over the snapshot's lines, so the split adds up to the figure `run` showed,
to the øre. Known grants' bookings still to come are split in the invoices for cost incurred by
the as-of date that had not arrived (the grant's outstanding, lag.py) and the rest of the year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from prognose.paragraphs import natural_order, normalise_paragraph
from prognose.periodise import periodise
from prognose import components

KEYS = ("account", "paragraph", "citizen", "grant", "provider")
# the origins of a figure, in the order a reader follows them: what is booked, what known grants
# still bring, what no grant explains, each buffer, the refund, the controller's own estimate
PARTS = ("booked", "invoices_outstanding", "grants", "unexplained")


def origins() -> tuple[str, ...]:
    return (*PARTS, *[c.name for c in components.REGISTRY], "refusion", "adjustments")


@dataclass
class Explanation:
    key: str
    value: str
    year: int
    as_of: dt.date
    month: dt.date | None
    by_origin: dict[str, int]                 # øre per origin (origins()), adding up to forecast
    contributors: pl.DataFrame                # grant_id, citizen_id, paragraph, account, booked, ahead, amount
    grant: dict | None = None                 # grant_detail, for --grant
    postings: pl.DataFrame | None = None      # the booked postings behind `booked`, for --postings
    notes: list = field(default_factory=list)   # words.message.Message
    # for an account or a paragraph: the snapshot's table of every account or paragraph (views.by,
    # øre) and the rows of it this figure is — its budget and deviation, and its kroner as `run`
    # shows them (rounded among all the rows, report/figures.py)
    table: pl.DataFrame | None = None
    rows: list = field(default_factory=list)

    @property
    def figures(self) -> dict[str, int] | None:
        """budget, actual_to_date, forecast, deviation of the figure's rows (øre), where it is an
        account's or a paragraph's for the whole year."""
        if self.table is None or not self.rows:
            return None
        mine = self.table.filter(pl.col(self.key).is_in(self.rows))
        return {c: int(mine.get_column(c).sum()) for c in ("budget", "actual_to_date", "forecast", "deviation")}

    @property
    def forecast(self) -> int:
        return sum(self.by_origin.values())


def selection(key: str, value: str, grants: pl.DataFrame) -> pl.Expr:
    """Which forecast lines belong to the figure: an account (and the groupings under it), a
    paragraph in any spelling, a citizen's pseudonym, a grant, or a provider's grants."""
    if key == "account":
        return (pl.col("account") == value) | pl.col("account").str.starts_with(value + ".")
    if key == "paragraph":
        normal = pl.select(normalise_paragraph(pl.lit(value))).item()
        return pl.col("paragraph") == (normal or value)
    if key == "citizen":
        return pl.col("citizen_id") == value
    if key == "grant":
        return pl.col("grant_id") == value
    ids = grants.filter(pl.col("provider").str.to_lowercase() == value.lower()).get_column("grant_id")
    return pl.col("grant_id").is_in(ids.implode())


def rows_of(key: str, value: str, table: pl.DataFrame) -> list:
    """The rows of a table per account or paragraph (views.by) that make up the figure asked for:
    an account and the groupings under it, or a paragraph in any spelling."""
    keys = table.get_column(key).to_list()
    if key == "account":
        return [k for k in keys if k == value or str(k).startswith(value + ".")]
    normal = pl.select(normalise_paragraph(pl.lit(value))).item()
    return [k for k in keys if k == (normal or value)]


def by_origin(lines: pl.DataFrame, grant_costs: pl.DataFrame | None, split_outstanding: bool) -> dict[str, int]:
    """øre per origin. Known grants still to come split into the invoices outstanding at the as-of
    date and the rest, where the snapshot holds each grant's outstanding and no month is chosen."""
    sums = dict(lines.group_by("origin").agg(pl.col("ore").sum()).iter_rows())
    registered = components.by_name()
    out = {o: int(sums.get(registered[o].origin if o in registered else o, 0)) for o in origins() if o != "invoices_outstanding"}
    out["invoices_outstanding"] = 0
    if split_outstanding and grant_costs is not None:
        ids = lines.filter(pl.col("origin") == "grants").select("grant_id").unique()
        owed = int(grant_costs.join(ids, on="grant_id").get_column("outstanding").sum())
        out["invoices_outstanding"], out["grants"] = owed, out["grants"] - owed
    return {o: out[o] for o in origins()}


def contributors(lines: pl.DataFrame, n: int) -> pl.DataFrame:
    """The grants (and citizens on a buffer's list) that add most to the figure: booked, still to
    come and in all, largest first; pseudonyms only."""
    tied = lines.filter(pl.col("grant_id").is_not_null() | pl.col("citizen_id").is_not_null())
    booked = pl.when(pl.col("origin") == "booked").then(pl.col("ore")).otherwise(0)
    return (tied.group_by("grant_id", "citizen_id")
            .agg(pl.col("paragraph").drop_nulls().first(), pl.col("account").first(),
                 booked.sum().alias("booked"), (pl.col("ore") - booked).sum().alias("ahead"), pl.col("ore").sum().alias("amount"))
            .sort(pl.col("amount").abs(), "grant_id", "citizen_id", descending=[True, False, False], nulls_last=True)
            .head(n))


def largest_grants(lines: pl.DataFrame, per_paragraph: int) -> pl.DataFrame:
    """The largest grants of each paragraph by this year's cost (booked and still to come), for
    the director's report with citizens: paragraph, grant_id, citizen_id, booked, ahead, amount."""
    return (contributors(lines.filter(pl.col("grant_id").is_not_null()), lines.height)
            .filter(pl.col("paragraph").is_not_null())
            .sort(*natural_order("paragraph"), pl.col("amount"), "grant_id", descending=[False, False, False, True, False])
            .group_by("paragraph", maintain_order=True).head(per_paragraph)
            .select("paragraph", "grant_id", "citizen_id", "booked", "ahead", "amount"))


def grant_detail(grant: dict, steps: pl.DataFrame, postings: pl.DataFrame, lines: pl.DataFrame, lag: pl.DataFrame | None,
                 costs: pl.DataFrame | None, price_index: dict[int, float], year: int, as_of: dt.date) -> dict:
    """One grant: its action plan (the grant and its plan steps), its cost by the plan month by
    month in the year beside what was booked against it and what the forecast expects still, the
    billing lag it was given and its outstanding at the as-of date."""
    gid = grant["grant_id"]
    frame = pl.DataFrame([grant]).select(*[c for c in grant if c in ("grant_id", "start_date", "end_date", "unit", "rate",
                                                                        "quantity", "price_year")])
    own_steps = steps.filter(pl.col("grant_id") == gid).sort("effective_date")
    plan = (periodise(frame.lazy(), own_steps.lazy(), dt.date(year, 1, 1), dt.date(year, 12, 31), price_index)
            .group_by("month").agg(pl.col("ore").sum().alias("plan")).collect())
    booked = (postings.filter((pl.col("grant_id") == gid) & (pl.col("period").dt.year() == year) & (pl.col("posting_date") <= as_of))
              .group_by(pl.col("period").alias("month")).agg(pl.col("amount").sum().alias("booked")))
    expected = (lines.filter((pl.col("grant_id") == gid) & (pl.col("origin") == "grants"))
                .group_by("month").agg(pl.col("ore").sum().alias("expected")))
    months = pl.DataFrame({"month": pl.date_range(dt.date(year, 1, 1), dt.date(year, 12, 1), "1mo", eager=True)})
    for part in (plan, booked, expected):
        months = months.join(part, on="month", how="left")
    months = months.with_columns(pl.col("plan", "booked", "expected").fill_null(0).cast(pl.Int64))
    k = {} if lag is None else {("now" if r["moy"] != 13 else "year_end"): r
                                for r in lag.filter(pl.col("grant_id") == gid).to_dicts()}
    owed = None if costs is None else costs.filter(pl.col("grant_id") == gid).get_column("outstanding").sum()
    return {"grant": {c: grant.get(c) for c in ("grant_id", "citizen_id", "paragraph", "account", "provider", "provider_type",
                                                 "start_date", "end_date", "end_reason", "unit", "rate", "quantity", "price_year")},
            "steps": own_steps.select("effective_date", "quantity", "rate").to_dicts(),
            "months": months, "lag": k, "outstanding": owed, "invoiced": grant.get("provider_type") != "own" or bool(k)}


POSTINGS_BY = ("account", "citizen")


def postings_behind(postings: pl.DataFrame, key: str, value: str, year: int, as_of: dt.date) -> pl.DataFrame:
    """The booked postings that make up what an account or a citizen has booked for the year by
    the as-of date (the forecast's `booked`), in date order. (A grant's booked lines also hold
    postings the forecast linked to it by the citizen, which the postings as read do not name.)"""
    where = {"account": (pl.col("account") == value) | pl.col("account").str.starts_with(value + "."),
             "citizen": pl.col("citizen_id") == value}[key]
    cols = [c for c in ("posting_date", "period", "account", "amount", "art", "source", "text", "grant_id", "citizen_id")
            if c in postings.columns]
    return (postings.filter(where & (pl.col("period").dt.year() == year) & (pl.col("posting_date") <= as_of))
            .select(cols).sort("posting_date", "period", "account", "amount"))
