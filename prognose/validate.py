"""Checks across rows and files, after each value has its type (pure: frames in, problems out).

A grant id used twice, an end before a start, an hourly grant without hours, a plan step for an
unknown grant, a budget account given twice for a year: each becomes a Problem with its line.
"""

from __future__ import annotations

import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.schema import LINE
from prognose.months import date_bounds, per_day
from prognose.paragraphs import accounts_in_use
from prognose.words.message import Message

MAX_SHOWN = 20


def _report(frame: pl.DataFrame, mask: pl.Expr, fname: str, column: str, expected: str,
            problems: list[Problem], value: pl.Expr | None = None) -> None:
    bad = frame.filter(mask)
    if bad.is_empty():
        return
    shown = bad.select(LINE, (value if value is not None else pl.col(column)).cast(pl.String).alias("_v")).head(MAX_SHOWN)
    for line, v in shown.iter_rows():
        problems.append(Problem(fname, line, column, v, expected))
    if bad.height > MAX_SHOWN:
        problems.append(Problem(fname, None, column, None, f"{bad.height - MAX_SHOWN} more row(s) like the ones above"))


def check_grants(grants: pl.DataFrame, settings, problems: list[Problem], fname: str) -> pl.DataFrame:
    _report(grants, pl.col("grant_id").is_duplicated(), fname, "grant_id", "a grant_id used only once", problems)
    _report(grants, pl.col("end_date") < pl.col("start_date"), fname, "end_date",
            "an end date on or after the start date", problems)
    _report(grants, (pl.col("unit") == "hour") & pl.col("quantity").is_null(), fname, "quantity",
            "hours per week for a grant paid per hour", problems, pl.lit(""))
    _report(grants, pl.col("rate") < 0, fname, "rate", "a rate of 0 or more", problems)
    _report(grants, pl.col("quantity") < 0, fname, "quantity", "a quantity of 0 or more", problems)
    accounts = accounts_in_use(grants, settings.paragraph_accounts)
    mapping = pl.DataFrame({"paragraph": list(accounts), "_mapped": list(accounts.values())},
                           schema={"paragraph": pl.String, "_mapped": pl.String})
    grants = grants.join(mapping, on="paragraph", how="left", maintain_order="left")
    _report(grants, pl.col("account").is_null() & pl.col("_mapped").is_null(), fname, "paragraph",
            "an account in the file or a paragraph in prognose.toml [paragraph_accounts]", problems)
    if settings.price_index:
        years = sorted(settings.price_index)
        _report(grants, pl.col("price_year").is_not_null() & ~pl.col("price_year").is_in(years), fname,
                "price_year", f"a year in the price index ({years[0]}–{years[-1]}) in prognose.toml", problems)
    return grants.with_columns(
        pl.coalesce("account", "_mapped").alias("account"),
        pl.col("quantity").fill_null(1.0),
        pl.col("provider_type").fill_null("private"),
    ).drop("_mapped")


def check_plan_steps(steps: pl.DataFrame, grants: pl.DataFrame, problems: list[Problem],
                     warnings: list[InputWarning], fname: str) -> pl.DataFrame:
    _report(steps, ~pl.col("grant_id").is_in(grants.get_column("grant_id").implode()), fname, "grant_id",
            "the id of a grant in the grants file", problems)
    _report(steps, pl.col("quantity").is_null() & pl.col("rate").is_null(), fname, "quantity",
            "a new quantity or a new rate (or both)", problems, pl.lit(""))
    check_amounts(steps, fname, problems)
    return latest_step_per_date(steps, warnings, fname)


def check_amounts(frame: pl.DataFrame, fname: str, problems: list[Problem]) -> None:
    """A rate or a quantity below 0 (plan steps, the buffers' lists) would turn a cost into income."""
    for column in ("rate", "quantity"):
        if column in frame.columns:
            _report(frame, pl.col(column) < 0, fname, column, f"a {column} of 0 or more", problems)


def latest_step_per_date(steps: pl.DataFrame, warnings: list[InputWarning], fname: str) -> pl.DataFrame:
    """Two steps of one grant on one date are a step entered twice or re-entered: the later row in
    the file is the later entry and applies; the warning says when the two differ."""
    key = ("grant_id", "effective_date")
    steps = steps.sort(LINE)
    superseded = steps.select(pl.struct(key).is_last_distinct().not_()).to_series()
    if not superseded.any():
        return steps
    later = steps.filter(pl.struct(key).is_duplicated())
    differ = later.group_by(key).agg(pl.struct("quantity", "rate").n_unique() > 1).get_column("quantity").sum()
    detail = Message("warning.same_date_differ", n=differ) if differ else None
    warnings += InputWarning.rows("plan_step_same_date", fname, steps.filter(superseded).get_column(LINE).to_list(), detail)
    return steps.filter(~superseded)


def check_postings(postings: pl.DataFrame, problems: list[Problem], fname: str) -> pl.DataFrame:
    bounds = date_bounds(postings, "posting_date")
    if bounds is None:
        return postings
    posted = pl.col("posting_date")
    if postings.get_column("period").null_count():
        postings = postings.with_columns(pl.coalesce("period", per_day(posted, *bounds, lambda d: d.dt.month_start()))
                                         .alias("period"))
    # Postings are booked into the open period or an earlier one (corrections, and December's
    # supplementary period in January–February); a period in a later month, or more than a year
    # back, is a typing error that would move money between years. (A period is a month's first
    # day, so it lies in a later month exactly when it is after the posting date.)
    later = pl.col("period") > pl.col("posting_date")
    too_early = pl.col("period") < per_day(posted, *bounds, lambda d: pl.date(d.dt.year() - 1, 1, 1))
    _report(postings, later | too_early, fname, "period",
            "the posting's month or an earlier open period (YYYY-12 for the supplementary period)",
            problems, pl.col("period").dt.strftime("%Y-%m"))
    return postings


def check_budget(budget: pl.DataFrame, problems: list[Problem], fname: str) -> pl.DataFrame:
    _report(budget, pl.struct("account", "year").is_duplicated(), fname, "account",
            "one budget row per account and year", problems)
    return budget


STRAY_SHARE = 0.05   # SPEC §4: a latest month with fewer postings than this share of a usual month is a typo


def stray_latest_month(postings: pl.DataFrame) -> list[int]:
    """The lines of the postings in the latest posting month when that month holds fewer than
    STRAY_SHARE of the postings of an average month of the three before it (SPEC §4: a typo in
    a date, which must not set the default as-of date); else none."""
    # counted per posting day first (a few hundred days), then per month: one pass over the postings
    days = postings.lazy().group_by("posting_date").agg(pl.len().alias("n")).collect()
    counts = (days.group_by(pl.col("posting_date").dt.month_start().alias("m")).agg(pl.col("n").sum())
              .drop_nulls().sort("m"))
    if counts.height < 4:
        return []
    latest = counts.get_column("m")[-1]
    # the three posting months before it (a typo years ahead has only empty months right before it)
    usual = counts.get_column("n")[-4:-1].mean()
    if counts.get_column("n")[-1] >= STRAY_SHARE * usual:
        return []
    return postings.filter(pl.col("posting_date") >= latest).get_column(LINE).sort().to_list()


def check_budget_year(budget: pl.DataFrame, year: int, fname: str) -> list[Problem]:
    """A budget file without the budget year would put every account's budget at 0."""
    years = sorted(set(budget.get_column("year").to_list()))
    if year in years:
        return []
    found = ", ".join(map(str, years)) or "none"
    return [Problem(fname, None, "year", None, f"rows for the budget year {year} (found: {found})")]
