"""Billing lag: how much of a grant's cost has not yet been booked at a month's end.

Providers bill in arrears (monthly, quarterly, some with a further delay); payroll is on time.
We measure it as *months of cost outstanding*: at month-end t, outstanding(t) = cost incurred
so far − amount booked so far, for grants whose postings are linked to them, and express it as
k(t) = Σ outstanding / Σ monthly cost. k depends on the month of the year (a quarterly biller's
backlog grows and falls within the quarter), and December has two values: at the turn of the
year (`moy` 12, posting date ≤ 31 Dec) and after the supplementary period (`moy` 13: everything
booked with period December, which is what counts in the year's accounts).

k is learned per provider and month of the year where the history supports it; else, for a
provider that bills monthly, per provider over all months of the year (its k hardly moves with
the month, and a provider whose few grants started inside the history rarely has a dozen
grant-months of every calendar month); else per billing class (providers that invoice on the same
cycle in the same phase: monthly, or quarterly in months 1/4/7/10, 2/5/8/11 or 3/6/9/12 — read
off when their invoices are booked, which needs no opening balance, so grants older than the
history count too) and provider type; else per provider type and account; else per provider
type; else from the configuration (`billing.outstanding_months`).
A model grant's outstanding at t is then the cost of its last k months:
    O(t) = Σ_a cost(t − a) × clip(k(t) − a, 0, 1)
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.months import last_closed_month, month_end

MAX_LAG = 6          # months of history that can be outstanding
MIN_COST_MONTHS = 12  # grant-months of evidence needed to trust a group's estimate
# (name, key columns, whether k is kept per month of the year), most specific first. A level kept
# per month of the year needs members that share a billing phase; the others get one k for every
# month end and their own value at the close of the year.
LEVELS = (("provider", ("provider",), True),
          ("provider_monthly", ("provider",), False),
          ("billing_class+provider_type", ("billing_class", "provider_type"), True),
          ("provider_type+account", ("provider_type", "account"), False),
          ("provider_type", ("provider_type",), False))
COLUMNS = ("provider", "billing_class", "provider_type", "account")
QUARTERLY_SHARE = 0.8    # share of a provider's invoiced amount booked in one phase of the quarter

YEAR_END = 13


def measure_outstanding(costs: pl.LazyFrame, grants: pl.LazyFrame, postings: pl.LazyFrame,
                        as_of: dt.date, history_start: dt.date) -> pl.DataFrame:
    """Observed (grant, month-end) outstanding amounts for grants that started inside the history.

    costs: grant_id, month, ore (full months, one row per grant and month). postings: linked
    postings known at as_of.
    Returns grant_id, month, moy, cost (ore in that month), outstanding (ore).
    """
    last_end = month_end(last_closed_month(as_of))  # the latest month end on or before as_of
    eligible = grants.filter(pl.col("start_date") >= history_start).select(
        "grant_id", pl.col("start_date").dt.month_start().alias("first"),
        pl.coalesce(pl.col("end_date"), pl.lit(as_of)).dt.month_start().dt.offset_by(f"{MAX_LAG}mo").alias("last"))
    grid = (
        eligible.with_columns(pl.min_horizontal("last", pl.lit(last_end.replace(day=1))).alias("last"))
        .filter(pl.col("first") <= pl.col("last"))
        .with_columns(pl.date_ranges("first", "last", "1mo").alias("month")).explode("month")
        .select("grant_id", "month")
    )
    c = costs.select("grant_id", "month", pl.col("ore").alias("cost"))
    linked = postings.filter(pl.col("grant_id").is_not_null())
    by_date = linked.group_by("grant_id", pl.col("posting_month").alias("month")).agg(
        pl.col("amount").sum().alias("booked"))
    by_period = linked.group_by("grant_id", pl.col("period").alias("month")).agg(pl.col("amount").sum().alias("booked_p"))
    series = (
        grid.join(c, on=["grant_id", "month"], how="left")
        .join(by_date, on=["grant_id", "month"], how="left")
        .join(by_period, on=["grant_id", "month"], how="left")
        .with_columns(pl.col("cost", "booked", "booked_p").fill_null(0))
        .sort("grant_id", "month")
        .with_columns(
            (pl.col("cost").cum_sum() - pl.col("booked").cum_sum()).over("grant_id").alias("open"),
            (pl.col("cost").cum_sum() - pl.col("booked_p").cum_sum()).over("grant_id").alias("closed"),
        )
    )
    # Only grants that have been booked at all tell us about billing (others are not linked).
    has_links = linked.select("grant_id").unique()
    series = series.join(has_links, on="grant_id", how="semi")
    year_end_known = pl.col("month").dt.offset_by("2mo").dt.month_end() <= pl.lit(as_of)
    regular = series.select("grant_id", "month", pl.col("month").dt.month().cast(pl.Int32).alias("moy"), "cost",
                            pl.col("open").alias("outstanding"))
    dec = series.filter((pl.col("month").dt.month() == 12) & year_end_known).select(
        "grant_id", "month", pl.lit(YEAR_END, dtype=pl.Int32).alias("moy"), "cost", pl.col("closed").alias("outstanding"))
    return pl.concat([regular, dec]).collect()


def timing_cv(observed: pl.DataFrame) -> float:
    """How much the invoices outstanding at a month's end vary from year to year, relative to what
    is typical for that month of the year: per month-end, outstanding ÷ cost over all observed grants;
    per month of the year, the spread of that ratio over the years ÷ its mean; the median over the
    months of the year that have at least two years (a median: one year's odd quarter, or the few
    grants of the first history year, should not set the spread of every month). The close of the
    year (after the supplementary period) leaves almost nothing outstanding and is not a month-end
    of its own here."""
    per_t = (observed.filter(pl.col("moy") != YEAR_END)
             .group_by("month", "moy").agg(pl.col("outstanding").sum(), pl.col("cost").sum())
             .filter(pl.col("cost") > 0).with_columns((pl.col("outstanding") / pl.col("cost")).alias("r")))
    by_moy = (per_t.group_by("moy").agg((pl.col("r").std() / pl.col("r").mean().abs()).alias("cv"), pl.len().alias("n"))
              .filter((pl.col("n") >= 2) & pl.col("cv").is_finite()))
    return float(by_moy.get_column("cv").median()) if by_moy.height else 0.0


def estimate_k(observed: pl.DataFrame, grants: pl.DataFrame) -> pl.DataFrame:
    """k per group level and month of year: level, key, moy, k, cost_months."""
    attrs = grants.select("grant_id", *COLUMNS)
    obs = observed.join(attrs, on="grant_id", how="left")
    frames = []
    for name, columns, per_month in LEVELS:
        key = pl.concat_str([pl.col(c).fill_null("?") for c in columns], separator="|")
        by = obs.with_columns(key.alias("key"))
        if not per_month:
            # The month-of-year profile belongs to one provider (the phase of its quarterly billing);
            # pooled over providers it would impose one provider's phase on another.
            pooled = by.with_columns(pl.when(pl.col("moy") == YEAR_END).then(YEAR_END).otherwise(0).alias("grp"))
            agg = (pooled.group_by("key", "grp")
                   .agg(pl.col("outstanding").sum(), pl.col("cost").sum(), (pl.col("cost") > 0).sum().alias("cost_months"))
                   .join(pl.DataFrame({"grp": [0] * 12 + [YEAR_END], "moy": list(range(1, YEAR_END + 1))},
                                      schema={"grp": pl.Int32, "moy": pl.Int32}), on="grp")
                   .drop("grp"))
        else:
            agg = by.group_by("key", "moy").agg(pl.col("outstanding").sum(), pl.col("cost").sum(),
                                                (pl.col("cost") > 0).sum().alias("cost_months"))
        agg = (agg.filter((pl.col("cost_months") >= MIN_COST_MONTHS) & (pl.col("cost") > 0))
               .with_columns((pl.col("outstanding") / pl.col("cost")).clip(0, MAX_LAG).alias("k"),
                             pl.lit(name).alias("level")))
        frames.append(agg.select("level", "key", "moy", "k", "cost_months"))
    return pl.concat(frames).sort("level", "key", "moy")


def assign_k(grants: pl.LazyFrame, k_table: pl.DataFrame, defaults: dict[str, float]) -> pl.LazyFrame:
    """k for every grant and month of year (1–13), from the most specific level that has evidence."""
    moys = pl.LazyFrame({"moy": list(range(1, YEAR_END + 1))}, schema={"moy": pl.Int32})
    out = grants.select("grant_id", *COLUMNS).join(moys, how="cross")
    ks = []
    for i, (name, columns, _) in enumerate(LEVELS):
        key = pl.concat_str([pl.col(c).fill_null("?") for c in columns], separator="|")
        tbl = k_table.lazy().filter(pl.col("level") == name).select("key", "moy", pl.col("k").alias(f"k{i}"))
        out = out.with_columns(key.alias(f"key{i}")).join(tbl, left_on=[f"key{i}", "moy"], right_on=["key", "moy"], how="left")
        if name == "provider_monthly":  # a quarterly biller's k follows its phase: its class knows that
            out = out.with_columns(pl.when(pl.col("billing_class").fill_null("m") == "m").then(pl.col(f"k{i}")).alias(f"k{i}"))
        ks.append(f"k{i}")
    default = pl.col("provider_type").replace_strict(defaults, default=1.0, return_dtype=pl.Float64)
    default = pl.when(pl.col("moy") == YEAR_END).then(pl.max_horizontal(default - 2.0, 0.0)).otherwise(default)
    source = pl.coalesce(*[pl.when(pl.col(k).is_not_null()).then(pl.lit(lvl[0])) for k, lvl in zip(ks, LEVELS)],
                         pl.lit("default"))
    return out.select("grant_id", "moy", pl.coalesce(*ks, default).alias("k"), source.alias("k_source"))


def outstanding_at(costs: pl.LazyFrame, k: pl.LazyFrame, points: pl.LazyFrame) -> pl.LazyFrame:
    """O(t) per grant at each point: points has grant_id, t (month start of the month-end), moy, and
    costs has grant_id, month, ore (cost of months as they count at t; see forecast.py)."""
    lags = pl.LazyFrame({"a": list(range(MAX_LAG + 1))}, schema={"a": pl.Int32})
    return (
        points.join(k, on=["grant_id", "moy"], how="left")
        .join(lags, how="cross")
        .with_columns(pl.col("t").dt.offset_by(pl.format("-{}mo", pl.col("a"))).alias("month"))
        .join(costs, on=["grant_id", "month"], how="inner")
        .with_columns((pl.col("ore") * (pl.col("k") - pl.col("a")).clip(0, 1)).alias("o"))
        .group_by("grant_id", "t", "moy")
        .agg(pl.col("o").sum())
    )


def billing_classes(grants: pl.DataFrame, postings: pl.DataFrame) -> pl.DataFrame:
    """grant_id → billing_class: `q1`, `q2`, `q3` for a provider that books its invoices in one
    phase of the quarter (q1: months 1, 4, 7, 10), `m` for the others, null without linked postings.

    postings: linked postings with grant_id, posting_month and amount.
    """
    linked = (postings.lazy().filter(pl.col("grant_id").is_not_null() & (pl.col("amount") > 0))
              .join(grants.lazy().select("grant_id", "provider"), on="grant_id")
              .group_by("provider", ((pl.col("posting_month").dt.month() - 1) % 3 + 1).alias("phase"))
              .agg(pl.col("amount").sum())
              .with_columns((pl.col("amount") / pl.col("amount").sum().over("provider")).alias("share"))
              .sort("provider", "share", "phase", descending=[False, True, False])
              .group_by("provider", maintain_order=True).first()
              .select("provider", pl.when(pl.col("share") >= QUARTERLY_SHARE).then(pl.format("q{}", "phase"))
                      .otherwise(pl.lit("m")).alias("billing_class"))
              .collect())
    return grants.select("grant_id", "provider").join(linked, on="provider", how="left").select("grant_id", "billing_class")
