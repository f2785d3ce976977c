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

Every level's key is a function of the grant's cohort (provider, provider type, account), and
outstanding amounts are additive, so both the measuring and O run per cohort and month on
MonthBlocks (blocks.py): whole arrays, no per-grant windows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from prognose.blocks import MonthBlocks
from prognose.realisation import billing_ratios, ratio_sources, scale_pieces
from prognose.months import date_bounds, last_closed_month, month_number, month_of_number, number_of, per_day

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


def measure_outstanding(pieces: pl.DataFrame, grants: pl.DataFrame, linked: pl.DataFrame, n_cohorts: int,
                        as_of: dt.date, history_start: dt.date) -> pl.DataFrame:
    """Observed outstanding amounts per cohort and month-end, from the grants that started inside
    the history and have linked postings: each such grant counts from its first month until six
    months after its end (or the latest closed month), with outstanding(t) = its cost up to t −
    what has been booked for it up to t (by posting date; for the close of the year, `moy` 13, by
    period). Outstanding is additive, so a cohort's is the sum over the grants it holds at t; the
    grant's balance leaves the cohort the month after its last.

    grants: one row per grant, row i being grant gi = i: start_date, end_date, ci (its cohort's
    number, 0 … n_cohorts − 1). pieces: gi, mi (month number), ore — the grants' periodised months.
    linked: gi, pm and pn (the numbers of the posting month and of the period), amount — postings
    linked to those grants, known at the as-of date.
    Returns ci, month, moy, cost, outstanding (øre) and cost_months (grant-months with a cost)."""
    schema = {"ci": pl.Int64, "month": pl.Date, "moy": pl.Int32, "cost": pl.Int64, "outstanding": pl.Int64,
              "cost_months": pl.Int64}
    last_m = last_closed_month(as_of)
    last_n = number_of(last_m)
    g = grants.select(month_number(pl.col("start_date")).alias("first"),
                      pl.min_horizontal(month_number(pl.coalesce(pl.col("end_date"), pl.lit(as_of))) + MAX_LAG,
                                        pl.lit(last_n)).alias("last"),
                      (pl.col("start_date") >= history_start).alias("inside"), "ci")
    first, last = g.get_column("first").to_numpy(), g.get_column("last").to_numpy()
    gi_p = linked.get_column("gi").to_numpy()
    has_link = np.zeros(grants.height, dtype=bool)
    has_link[gi_p] = True
    eligible = g.get_column("inside").to_numpy() & has_link & (first <= last)
    if not eligible.any():
        return pl.DataFrame(schema=schema)
    ci = np.where(eligible, g.get_column("ci").cast(pl.Int64).to_numpy(), -1)
    first, last = np.where(eligible, first, np.iinfo(np.int32).max), np.where(eligible, last, -1)   # nothing counted
    blocks = MonthBlocks(pl.Series("ci", np.arange(n_cohorts)), month_of_number(int(first[eligible].min())), last_m)

    def inside(gi: np.ndarray, months: np.ndarray) -> np.ndarray:
        return (months >= first[gi]) & (months <= last[gi])

    def per_grant(gi: np.ndarray, keep: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.bincount(gi[keep], weights=w[keep].astype(np.float64), minlength=grants.height)

    gi_c, m_c, ore = (pieces.get_column(c).to_numpy() for c in ("gi", "mi", "ore"))
    m_d, m_p = linked.get_column("pm").to_numpy(), linked.get_column("pn").to_numpy()
    amount = linked.get_column("amount").to_numpy()
    in_c, in_d, in_p = inside(gi_c, m_c), inside(gi_p, m_d), inside(gi_p, m_p)
    at_c = np.where(in_c, ci[gi_c], -1)
    cost = blocks.place(at_c, m_c, ore)
    by_date = blocks.place(np.where(in_d, ci[gi_p], -1), m_d, amount)
    by_period = blocks.place(np.where(in_p, ci[gi_p], -1), m_p, amount)
    # the balance a grant still has after its last month leaves the cohort's sum the month after
    total_c = per_grant(gi_c, in_c, ore)
    leave_open = blocks.place(ci, last + 1, total_c - per_grant(gi_p, in_d, amount))
    leave_closed = blocks.place(ci, last + 1, total_c - per_grant(gi_p, in_p, amount))
    open_ = blocks.cumulative(cost - by_date - leave_open)
    closed = blocks.cumulative(cost - by_period - leave_closed)
    counted = blocks.place(at_c, m_c, (ore > 0).astype(np.int64))
    return _by_month_of_year(blocks.frame(cost=cost, open=open_, closed=closed, cost_months=counted), as_of, schema)


def _by_month_of_year(series: pl.DataFrame, as_of: dt.date, schema: dict) -> pl.DataFrame:
    """Each month-end's outstanding by posting date, and December's once more after its
    supplementary period (moy YEAR_END, by period) where that period has closed at as_of."""
    year_end_known = pl.col("month").dt.offset_by("2mo").dt.month_end() <= pl.lit(as_of)
    regular = series.select("ci", "month", pl.col("month").dt.month().cast(pl.Int32).alias("moy"), "cost",
                            pl.col("open").alias("outstanding"), "cost_months")
    dec = series.filter((pl.col("month").dt.month() == 12) & year_end_known).select(
        "ci", "month", pl.lit(YEAR_END, dtype=pl.Int32).alias("moy"), "cost", pl.col("closed").alias("outstanding"),
        "cost_months")
    return pl.concat([regular, dec]).select([pl.col(c).round(0).cast(t) if t == pl.Int64 else pl.col(c).cast(t)
                                            for c, t in schema.items()])


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


def year_end_timing(observed: pl.DataFrame, k: np.ndarray, month: int) -> float:
    """How far one provider's invoices outstanding at this month-end may move the year's result,
    relative to what the lag expects outstanding there, as the history years showed. Per cohort and
    year: moved = D(close) − D(month-end), D being what was outstanding less what k expected (k ×
    the month's cost). An invoice a month late at the month-end but booked by the close moves the
    result; a provider that is behind all year moves it only by what it is still behind at the
    close. The share all cohorts moved together in a year (Σ moved ÷ Σ expected) is taken out: it
    is the account's, and shows in what no grant explains, whose range is measured on the
    account's own history at the same month of the year. Returns √(Σ rest² ÷ Σ expected²); where
    no history year has both this month-end and its close, the spread of the month-end's
    outstanding from year to year (timing_cv). observed: measure_outstanding."""
    years = pl.col("month").dt.year().alias("y")
    now = observed.filter(pl.col("moy") == month).select("ci", years, pl.col("cost").alias("c0"), pl.col("outstanding").alias("o0"))
    close = observed.filter(pl.col("moy") == YEAR_END).select("ci", years, pl.col("cost").alias("c1"),
                                                               pl.col("outstanding").alias("o1"))
    pairs = now.join(close, on=["ci", "y"]).sort("y", "ci")
    ci = pairs.get_column("ci").to_numpy()
    expected = k[ci, month - 1] * pairs.get_column("c0").to_numpy()
    moved = ((pairs.get_column("o1").to_numpy() - k[ci, YEAR_END - 1] * pairs.get_column("c1").to_numpy())
             - (pairs.get_column("o0").to_numpy() - expected))
    per_year = (pl.DataFrame({"y": pairs.get_column("y"), "e": expected, "m": moved}, schema_overrides={"e": pl.Float64, "m": pl.Float64})
                .filter(pl.col("e").sum().over("y") > 0)
                .with_columns((pl.col("m").sum().over("y") / pl.col("e").sum().over("y")).alias("g")))
    if per_year.is_empty():
        return timing_cv(observed)
    rest = per_year.select(((pl.col("m") - pl.col("g") * pl.col("e")) ** 2).sum() / (pl.col("e") ** 2).sum()).item()
    return float(rest) ** 0.5


def estimate_k(observed: pl.DataFrame, cohorts: pl.DataFrame) -> pl.DataFrame:
    """k per group level and month of year: level, key, moy, k, cost_months. observed: per cohort
    number ci (measure_outstanding); cohorts: its COLUMNS, row ci for cohort ci (every level's key
    is one of a cohort's)."""
    sums = (pl.col("outstanding").sum(), pl.col("cost").sum(), pl.col("cost_months").sum())
    level_keys = [pl.concat_str([pl.col(c).fill_null("?") for c in columns], separator="|").alias(f"key{i}")
                  for i, (_, columns, _) in enumerate(LEVELS)]
    keys = cohorts.with_row_index("ci").select(pl.col("ci").cast(pl.Int64), *level_keys)
    # sums are whole øre: summing per cohort and month of the year first changes no level's sum
    obs = observed.group_by("ci", "moy").agg(*sums).join(keys, on="ci", how="left")
    frames = []
    for i, (name, columns, per_month) in enumerate(LEVELS):
        by = obs.rename({f"key{i}": "key"})
        if not per_month:
            # The month-of-year profile belongs to one provider (the phase of its quarterly billing);
            # pooled over providers it would impose one provider's phase on another.
            pooled = by.with_columns(pl.when(pl.col("moy") == YEAR_END).then(YEAR_END).otherwise(0).alias("grp"))
            agg = (pooled.group_by("key", "grp").agg(*sums)
                   .join(pl.DataFrame({"grp": [0] * 12 + [YEAR_END], "moy": list(range(1, YEAR_END + 1))},
                                      schema={"grp": pl.Int32, "moy": pl.Int32}), on="grp")
                   .drop("grp"))
        else:
            agg = by.group_by("key", "moy").agg(*sums)
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


def lag_of_grants(classed: pl.DataFrame, k_cohort: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Each invoiced grant's billing lag at the as-of month's end and after the year's supplementary
    period: months of cost outstanding (k) and the level it was learned at (k_source); and its
    billing ratio at the as-of year's prices with the level that was learned at (ratio, ratio_source)."""
    ks = k_cohort.filter(pl.col("moy").is_in([as_of.month, YEAR_END])).rename({"grant_id": "cohort"})
    return (classed.select("grant_id", "billing_class", "cohort", "ratio", "ratio_source").join(ks, on="cohort", how="left")
            .select("grant_id", "billing_class", "moy", "k", "k_source", "ratio", "ratio_source"))


def month_of_year(month_number: np.ndarray) -> np.ndarray:
    """The k column (0-based) for a month-end: its month of the year, December's close as YEAR_END."""
    moy = month_number % 12 + 1
    return np.where(moy == 12, YEAR_END, moy) - 1


def after_close(blocks: MonthBlocks, k_close: np.ndarray) -> np.ndarray:
    """Each month's share of its cost still outstanding once its year's supplementary period has
    closed: clip(k(close) − months to December, 0, 1), k_close the row's k at the close."""
    return np.clip(k_close - (11 - blocks.number_of_row() % 12), 0.0, 1.0)


def outstanding(blocks: MonthBlocks, cost: np.ndarray, k: np.ndarray, close: np.ndarray | None = None) -> np.ndarray:
    """O at every month-end of the blocks: Σ_a cost(t − a) × clip(k(t) − a, 0, 1), with k(t) the
    row's k for that month-end (same shape as cost). With `close` (after_close), a month-end counts
    the months of the year before only at the share still outstanding after that year's close: an
    invoice for December booked in January is booked to December (period 12), not to January, so it
    is not outstanding for the new year's months."""
    out = np.zeros(cost.shape)
    moy0 = blocks.number_of_row() % 12
    for a in range(MAX_LAG + 1):   # seven whole-array terms, one per lag
        lagged = blocks.lagged(cost, a)
        if close is not None and a > 0:
            lagged = np.where(a > moy0, blocks.lagged(cost * close, a), lagged)
        out += lagged * np.clip(k - a, 0.0, 1.0)
    return out


def k_matrix(keys: pl.DataFrame, k: pl.DataFrame, key: str) -> np.ndarray:
    """k as a (len(keys), 13) array: row = the key's position in `keys`, column = moy − 1.
    k: assign_k's output, whose grant_id holds the value of `keys`' column `key`."""
    placed = keys.select(key).with_row_index("_i").join(k, left_on=key, right_on="grant_id", how="inner")
    out = np.zeros(keys.height * YEAR_END)
    out[(placed.get_column("_i").cast(pl.Int64) * YEAR_END + placed.get_column("moy").cast(pl.Int64) - 1).to_numpy()] = \
        placed.get_column("k").to_numpy()
    return out.reshape(keys.height, YEAR_END)


def billing_classes(grants: pl.DataFrame, linked: pl.DataFrame) -> pl.DataFrame:
    """grant_id → billing_class: `q1`, `q2`, `q3` for a provider that books its invoices in one
    phase of the quarter (q1: months 1, 4, 7, 10), `m` for the others, null without linked postings.

    grants: one row per grant (row i is grant gi = i) with grant_id and provider; linked: postings
    linked to those grants, with gi, pm (the posting month's number) and amount. A provider's
    invoiced amount is summed per phase of the quarter (whole øre); its phase is the largest (the
    earliest of equals), and it bills quarterly when that phase holds QUARTERLY_SHARE of it.
    """
    code = grants.select((pl.col("provider").rank("dense") - 1).fill_null(-1).cast(pl.Int64)).to_series().to_numpy()
    n = int(code.max()) + 1 if code.size else 0
    invoices = linked.filter(pl.col("amount") > 0)
    provider = code[invoices.get_column("gi").to_numpy()]
    phase = invoices.get_column("pm").to_numpy() % 3           # month − 1 ≡ month number (mod 3)
    amount = invoices.get_column("amount").to_numpy()
    keep = provider >= 0
    sums = np.bincount(provider[keep] * 3 + phase[keep], weights=amount[keep].astype(np.float64),
                       minlength=n * 3).reshape(n, 3)
    total = sums.sum(axis=1)
    best = sums.argmax(axis=1)
    share = np.divide(sums[np.arange(n), best], total, out=np.zeros(n), where=total > 0)
    label = np.where(share >= QUARTERLY_SHARE, np.char.add("q", (best + 1).astype(str)), "m").astype(object)
    label[total <= 0] = None                                    # nothing invoiced: no class
    # position 0 stands for "no provider" (code −1)
    per_grant = pl.Series("billing_class", [None, *label.tolist()], dtype=pl.String).gather(code + 1)
    return grants.select("grant_id").with_columns(per_grant)


# Grants of the same provider, type and account share k (a provider's billing class goes with the
# provider), and O is linear in cost, so history's expected bookings are computed per such cohort.
COHORT = pl.concat_str([pl.col(c).fill_null("?") for c in ("provider", "provider_type", "account")], separator="|")


@dataclass(frozen=True)
class Lag:
    """What the billing lag step learns: the grants' months at what providers invoice of them,
    the cohorts (cohort_of[gi] is grant gi's), k per cohort and month of the year, how far one
    cohort's invoices outstanding at the as-of month-end may move the year's result
    (year_end_timing), and each grant's k."""
    pieces: pl.DataFrame
    cohorts: pl.DataFrame
    cohort_of: np.ndarray
    k_table: pl.DataFrame
    k: np.ndarray
    billing_cv: float
    grant_lag: pl.DataFrame


def learn_lag(invoiced: pl.DataFrame, pieces: pl.DataFrame, booked: pl.DataFrame, as_of: dt.date, covered_from: dt.date,
              outstanding_months: dict[str, float], learn: bool = True, spread: pl.DataFrame | None = None) -> Lag:
    """The billing lag of the invoiced grants (row gi of `invoiced` is grant gi), from their
    periodised months (pieces) and the postings linked to them in `booked`, with the invoices that
    named only their provider spread over its grants (`spread`: gi, posting_month, period, amount;
    linking.spread_by_provider). learn=False assumes every invoice is booked in the month of its
    service (an ablation)."""
    linked = booked.lazy().filter(pl.col("gi").is_not_null()).select("gi", "posting_month", "period",
                                                                     pl.col("amount").cast(pl.Float64))
    if spread is not None and spread.height:
        linked = pl.concat([linked, spread.lazy().select("gi", "posting_month", "period", pl.col("amount").cast(pl.Float64))])
    linked = linked.collect()
    months, periods = date_bounds(linked, "posting_month") or (as_of, as_of), date_bounds(linked, "period") or (as_of, as_of)
    linked = linked.select("gi", "amount", per_day(pl.col("posting_month"), *months, month_number).alias("pm"),
                           per_day(pl.col("period"), *periods, month_number).alias("pn"))
    # what providers invoice of a grant's cost (the lag is measured on that), at the as-of year's prices
    ratio, source = np.ones(invoiced.height), pl.repeat("none", invoiced.height, eager=True)
    if learn:
        ratio, closed, drift, table = billing_ratios(invoiced, pieces, linked, as_of)
        pieces = scale_pieces(pieces, ratio, closed, drift)
        ratio, source = ratio * drift ** (as_of.year - closed), ratio_sources(invoiced, table)
    classed = invoiced.join(billing_classes(invoiced, linked), on="grant_id", how="left", maintain_order="left"
                            ).with_columns(COHORT.alias("cohort"), pl.Series("ratio", ratio, dtype=pl.Float64),
                                           source.alias("ratio_source"))
    cohorts = classed.select("cohort", *COLUMNS).unique("cohort", keep="first", maintain_order=True)
    cohort_of = (classed.select("cohort").join(cohorts.select("cohort").with_row_index("ci"), on="cohort",
                                               how="left", maintain_order="left").get_column("ci").to_numpy())
    spans = invoiced.select("start_date", "end_date", pl.lit(pl.Series(cohort_of)).alias("ci"))
    observed = measure_outstanding(pieces, spans, linked, cohorts.height, as_of, covered_from)
    k_table = estimate_k(observed if learn else observed.head(0), cohorts)
    k_cohort = assign_k(cohorts.rename({"cohort": "grant_id"}).lazy(), k_table, outstanding_months).collect()
    if not learn:
        k_cohort = k_cohort.with_columns(pl.lit(0.0).alias("k"))
    k = k_matrix(cohorts, k_cohort, "cohort")
    return Lag(pieces, cohorts, cohort_of, k_table, k, year_end_timing(observed, k, as_of.month) if learn else 0.0,
               lag_of_grants(classed, k_cohort, as_of))
