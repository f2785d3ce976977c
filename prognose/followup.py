"""The month's follow-up with every caseworker: the grants that need a decision or a correction,
each with what it moves in this year's forecast — the amount the forecast assumes for it and what
it would be if the caseworker answers the other way, both from the forecast's own lines, its
billing ratios and lags (no second model).

    review_passed           an end date passed with no end reason and no follow-on grant
    decision_due            an end date with no reason within the next months
    billed_off              invoices over the last months the lag has closed, against the grant's
                            cost times its provider's billing ratio
    no_invoices             a running external grant with nothing invoiced for longer than its lag
    invoices_without_grant  a citizen's invoices on an account where the citizen has no grant
    step_ahead              an action plan's step in the next months
    data                    overlapping grants, a rate of 0, an hourly grant without hours, an
                            account without a budget

Pure: frames in, an items frame out (øre); the words are the catalogue's (followup.kind.*).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from prognose import components
from prognose.buffers.costs import synthetic_cost
from prognose.linking import link_by_citizen
from prognose.months import add_months, month_end
from prognose.periodise import periodise
from prognose.schema import NOT_PAYROLL

KINDS = ("review_passed", "decision_due", "billed_off", "no_invoices", "invoices_without_grant", "step_ahead", "data")
GROUPINGS = ("caseworker", "team", "provider", "paragraph")   # what a work list is by, the first the grants have
DUE_MONTHS = 2          # a decision is due when its end date is this many months ahead (--due-months)
STEP_MONTHS = 3         # a plan step is on the table this many months ahead
BILLED_WINDOW = 12      # the closed months a grant's invoices are held against its cost (a year: a catch-up
#                         invoice, a quarter's, falls inside it)
REVIEW_LOOKBACK = 12    # months back a passed review date is still asked about
# what the provider's own ratio and lag do not explain: further from its ratio than its grants usually
# are (SPREAD robust standard deviations of their invoiced share about its median, learned per
# provider from MIN_SPREAD_GRANTS grants or more), and never less than a tenth (a month in a year
# paid twice or not at all) nor less than five thousand kroner (no question for a caseworker)
SPREAD, MIN_SPREAD_GRANTS, BILLED_SHARE, BILLED_FLOOR = 3.0, 5, 0.10, 500_000

ITEMS = {"kind": pl.String, "grant_id": pl.String, "citizen_id": pl.String, "account": pl.String, "since": pl.Date,
         "amount": pl.Int64, "alternative": pl.Int64, "fact": pl.Int64, "ratio": pl.Float64, "detail": pl.String}
KEY = ["kind", "grant_id", "citizen_id", "account"]   # one item, from one month to the next


@dataclass(frozen=True)
class Basis:
    """What the follow-up is made from: a forecast's inputs and its own lines and lags."""
    grants: pl.DataFrame        # the grants known at the as-of date (caseworker, team where the file has them)
    steps: pl.DataFrame
    postings: pl.DataFrame
    lines: pl.DataFrame         # the forecast's lines (schema.LINES)
    grant_lag: pl.DataFrame     # grant_id, moy, k, ratio (forecast.Forecast.grant_lag)
    budget_accounts: frozenset[str]
    year: int
    as_of: dt.date
    price_index: dict[int, float] = field(default_factory=dict)
    due_months: int = DUE_MONTHS


def empty_items() -> pl.DataFrame:
    return pl.DataFrame(schema=ITEMS)


def _items(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """A kind's rows in the items' columns (what a kind does not have is null)."""
    cols = [pl.lit(kind).alias("kind")] + [pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                                          for c, t in ITEMS.items() if c != "kind"]
    return frame.select(cols)


def per_grant(lines: pl.DataFrame, origin: str | None = None) -> pl.DataFrame:
    """grant_id, ore: the forecast's lines of one origin (None: all of them) summed per grant."""
    chosen = lines if origin is None else lines.filter(pl.col("origin") == origin)
    return chosen.filter(pl.col("grant_id").is_not_null()).group_by("grant_id").agg(pl.col("ore").sum())


def _amount_of(frame: pl.DataFrame, sums: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.join(sums.rename({"ore": name}), on="grant_id", how="left").with_columns(pl.col(name).fill_null(0))


def invoiced_of(grants: pl.DataFrame) -> pl.DataFrame:
    return grants.filter(pl.col("provider_type") != "own")


def _lag_now(b: Basis) -> pl.DataFrame:
    """grant_id, k (months outstanding at the as-of month), ratio (its provider's billing ratio)."""
    lag = b.grant_lag.filter(pl.col("moy") == b.as_of.month).select("grant_id", "k", "ratio")
    return lag.unique("grant_id", keep="first")


def followed_on(grants: pl.DataFrame) -> pl.DataFrame:
    """grant_id of each grant another grant of the citizen and paragraph follows on (starts after it
    started and runs at or past its end): its end is decided, whatever the end reason says."""
    g = grants.select("grant_id", "citizen_id", "paragraph", "start_date", "end_date")
    later = g.select("citizen_id", "paragraph", pl.col("start_date").alias("s2"), pl.col("end_date").alias("e2"),
                     pl.col("grant_id").alias("g2"))
    return (g.join(later, on=["citizen_id", "paragraph"])
            .filter((pl.col("g2") != pl.col("grant_id")) & (pl.col("s2") > pl.col("start_date"))
                    & (pl.col("e2").is_null() | (pl.col("e2") >= pl.col("end_date"))))
            .select("grant_id").unique())


def reviews(b: Basis) -> pl.DataFrame:
    """review_passed and decision_due: an end date with no reason and no follow-on grant. The
    forecast assumes what its extensions component adds for the grant (all of the continuation, or
    nothing where the review is too long past); the other answer is the other of the two."""
    ahead = month_end(add_months(b.as_of, b.due_months))   # add_months gives the month's first day
    open_end = (pl.col("end_reason").is_null() & pl.col("end_date").is_not_null()
                & (pl.col("end_date") > add_months(b.as_of, -REVIEW_LOOKBACK)) & (pl.col("end_date") <= ahead))
    g = invoiced_of(b.grants).filter(open_end).join(followed_on(b.grants), on="grant_id", how="anti")
    if g.is_empty():
        return empty_items()
    g = _amount_of(g, per_grant(b.lines, components.origin("extensions")), "amount")
    rows = g.select(pl.col("grant_id").alias("key"), "unit", "rate", "quantity", "start_date",
                    pl.lit(None, pl.Date).alias("end_date"), "price_year")
    on = synthetic_cost(rows, b.year, b.as_of, b.price_index).group_by("key").agg(pl.col("cost").sum().round(0))
    g = g.join(on.select(pl.col("key").alias("grant_id"), pl.col("cost").cast(pl.Int64).alias("continued")),
               on="grant_id", how="left").with_columns(pl.col("continued").fill_null(0))
    g = g.with_columns(
        pl.when(pl.col("amount") != 0).then(0).otherwise(pl.col("continued")).alias("alternative"),
        pl.col("end_date").alias("since"), pl.col("continued").alias("fact"))
    passed = g.filter(pl.col("end_date") <= b.as_of)
    return pl.concat([_items(passed, "review_passed"), _items(g.filter(pl.col("end_date") > b.as_of), "decision_due")])


def linked_postings(b: Basis) -> pl.DataFrame:
    """The invoices known at the as-of date with the grant each is for (by its grant id, or linked
    by its citizen as the forecast links them)."""
    known = b.postings.filter((pl.col("posting_date") <= b.as_of) & NOT_PAYROLL)
    if "period" not in known.columns:
        known = known.with_columns(pl.col("posting_date").dt.month_start().alias("period"))
    known = known.with_columns(pl.coalesce("period", pl.col("posting_date").dt.month_start()).alias("period"))
    for column in ("grant_id", "citizen_id"):
        if column not in known.columns:
            known = known.with_columns(pl.lit(None, pl.String).alias(column))
    linked, _ = link_by_citizen(known, invoiced_of(b.grants))
    return linked


def _months(k: pl.Expr) -> pl.Expr:
    """Whole months of cost a lag of k months leaves outstanding (at least the as-of month itself)."""
    return k.fill_null(1.0).ceil().clip(1, 6).cast(pl.Int32)


def cost_by_month(b: Basis, grants: pl.DataFrame, start: dt.date) -> pl.DataFrame:
    """grant_id, month, ore: the grants' cost by their plans from `start` to the as-of month."""
    g = grants.select("grant_id", "unit", "rate", pl.col("quantity").fill_null(1.0), "start_date", "end_date",
                      pl.col("price_year").cast(pl.Int64))
    steps = b.steps.select("grant_id", "effective_date", "quantity", "rate")
    return periodise(g.lazy(), steps.lazy(), start, b.as_of.replace(day=1), b.price_index).select(
        "grant_id", "month", "ore").collect()


def billing(b: Basis, linked: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """billed_off and no_invoices, from the closed months: those before the months the grant's lag
    leaves outstanding at the as-of month."""
    g = (invoiced_of(b.grants).filter(pl.col("end_date").is_null() | (pl.col("end_date") > b.as_of))
         .join(_lag_now(b), on="grant_id", how="inner").filter(pl.col("ratio") > 0))
    if g.is_empty():
        return empty_items(), empty_items()
    first = add_months(b.as_of.replace(day=1), -(BILLED_WINDOW + 6))
    cost = cost_by_month(b, g, first)
    last_closed = pl.lit(b.as_of.replace(day=1)).dt.offset_by(pl.format("-{}mo", _months(pl.col("k"))))
    window = g.select("grant_id", "k", "ratio", last_closed.alias("to")).with_columns(
        pl.col("to").dt.offset_by(f"-{BILLED_WINDOW - 1}mo").alias("from"))
    billed = linked.filter(pl.col("grant_id").is_not_null()).select("grant_id", pl.col("period").alias("month"), "amount")
    covered = linked.get_column("period").min() or b.as_of.replace(day=1)   # no cost before the postings begin
    cost = cost.filter(pl.col("month") >= covered)
    held = (window.join(cost, on="grant_id").filter(pl.col("month").is_between(pl.col("from"), pl.col("to")))
            .group_by("grant_id").agg(pl.col("ore").sum().alias("cost"), pl.first("from", "ratio")))
    got = (window.join(billed, on="grant_id").filter(pl.col("month").is_between(pl.col("from"), pl.col("to")))
           .group_by("grant_id").agg(pl.col("amount").sum().alias("billed")))
    held = _amount_of(held.join(got, on="grant_id", how="left").with_columns(pl.col("billed").fill_null(0)),
                      per_grant(b.lines, "grants"), "amount")
    held = held.with_columns((pl.col("cost") * pl.col("ratio")).round(0).cast(pl.Int64).alias("expected"))
    off = off_spread(held.join(g.select("grant_id", "provider"), on="grant_id"))
    off = off.with_columns((pl.col("amount") * pl.col("billed") / pl.col("expected")).round(0).cast(pl.Int64).alias("alternative"),
                           pl.col("from").alias("since"), (pl.col("billed") - pl.col("expected")).alias("fact"),
                           (pl.col("billed") / pl.col("expected")).alias("ratio"))
    gaps = silent(b, g, cost, billed, window)
    # a grant nothing is invoiced for is that item, not also one billed below its price
    return _items(off.join(gaps.select("grant_id"), on="grant_id", how="anti"), "billed_off"), gaps


def off_spread(held: pl.DataFrame) -> pl.DataFrame:
    """The grants whose invoiced share (billed / expected) is further from 1 than their provider's
    grants usually are (its learned spread; BILLED_SHARE where it has too few grants to tell)."""
    held = held.filter((pl.col("billed") > 0) & (pl.col("expected") > 0)).with_columns(
        (pl.col("billed") / pl.col("expected")).alias("share"))
    mad = (pl.col("share") - pl.col("share").median()).abs().median() * 1.4826   # a robust standard deviation
    spread = pl.when(pl.len() >= MIN_SPREAD_GRANTS).then(SPREAD * mad).otherwise(BILLED_SHARE)
    held = held.with_columns(spread.over("provider").alias("tolerance"))
    return held.filter(((pl.col("share") - 1).abs() > pl.max_horizontal(pl.col("tolerance"), pl.lit(BILLED_SHARE)))
                       & ((pl.col("billed") - pl.col("expected")).abs() > BILLED_FLOOR))


def silent(b: Basis, g: pl.DataFrame, cost: pl.DataFrame, billed: pl.DataFrame, window: pl.DataFrame) -> pl.DataFrame:
    """no_invoices: a closed month with cost and nothing invoiced for it or any month after it."""
    last = billed.group_by("grant_id").agg(pl.col("month").max().alias("last"))
    gap = (window.join(cost.filter(pl.col("ore") > 0), on="grant_id").join(last, on="grant_id", how="left")
           .filter((pl.col("month") <= pl.col("to")) & (pl.col("last").is_null() | (pl.col("month") > pl.col("last"))))
           .group_by("grant_id").agg(pl.col("month").min().alias("since"), pl.len().cast(pl.Int64).alias("fact")))
    gap = _amount_of(gap, per_grant(b.lines, "grants"), "amount").with_columns(pl.lit(0, pl.Int64).alias("alternative"))
    return _items(gap.join(g.select("grant_id", "ratio"), on="grant_id"), "no_invoices")


def unmatched(b: Basis, linked: pl.DataFrame) -> pl.DataFrame:
    """invoices_without_grant: this year's invoices naming a citizen on an account where the
    citizen has no grant. The forecast holds what is booked; were a grant missing, the months'
    average would go on to the year's end."""
    year = pl.col("period").dt.year() == b.year
    loose = linked.filter(year & pl.col("grant_id").is_null() & pl.col("citizen_id").is_not_null())
    loose = loose.join(b.grants.select("citizen_id", "account").unique(), on=["citizen_id", "account"], how="anti")
    if loose.is_empty():
        return empty_items()
    left = 12 - b.as_of.month
    per = (loose.group_by("citizen_id", "account")
           .agg(pl.col("amount").sum(), pl.col("period").min().alias("since"), pl.col("period").n_unique().alias("months"))
           .filter(pl.col("amount") > 0)
           .with_columns(pl.col("amount").alias("fact"),
                         (pl.col("amount") + pl.col("amount") * left / pl.col("months")).round(0).cast(pl.Int64).alias("alternative")))
    return _items(per, "invoices_without_grant")


def steps_ahead(b: Basis) -> pl.DataFrame:
    """step_ahead: a plan step in the next months. The forecast counts it; without it the grant
    would go on as before (its cost at its provider's ratio, as the forecast scales it)."""
    until = month_end(add_months(b.as_of, STEP_MONTHS))
    soon = b.steps.filter((pl.col("effective_date") > b.as_of) & (pl.col("effective_date") <= until))
    g = b.grants.filter(pl.col("grant_id").is_in(soon.get_column("grant_id").implode()))
    if g.is_empty():
        return empty_items()
    end = dt.date(b.year, 12, 31)
    cols = ("grant_id", "unit", "rate", pl.col("quantity").fill_null(1.0), "start_date", "end_date", pl.col("price_year").cast(pl.Int64))

    def year_cost(steps: pl.DataFrame, name: str) -> pl.DataFrame:
        out = periodise(g.select(*cols).lazy(), steps.select("grant_id", "effective_date", "quantity", "rate").lazy(),
                        b.as_of.replace(day=1), end, b.price_index, split=b.as_of).collect()
        return out.filter(pl.col("after")).group_by("grant_id").agg(pl.col("ore").sum().alias(name))

    without = b.steps.join(soon.select("grant_id", "effective_date"), on=["grant_id", "effective_date"], how="anti")
    ratio = _lag_now(b).select("grant_id", "ratio")
    first = soon.group_by("grant_id").agg(pl.col("effective_date").min().alias("since"))
    out = (first.join(year_cost(b.steps, "with"), on="grant_id", how="left").join(year_cost(without, "without"), on="grant_id", how="left")
           .join(ratio, on="grant_id", how="left").with_columns(pl.col("with", "without").fill_null(0), pl.col("ratio").fill_null(1.0)))
    own = b.grants.filter(pl.col("provider_type") == "own").get_column("grant_id").implode()
    scale = pl.when(pl.col("grant_id").is_in(own)).then(0.0).otherwise(pl.col("ratio"))
    out = out.with_columns(((pl.col("with") - pl.col("without")) * scale).round(0).cast(pl.Int64).alias("amount"),
                           pl.lit(0, pl.Int64).alias("alternative"), (pl.col("with") - pl.col("without")).alias("fact"))
    return _items(out.join(g.select("grant_id", "citizen_id", "account"), on="grant_id"), "step_ahead")


def data_to_mend(b: Basis) -> pl.DataFrame:
    """data: what the grants say that cannot be so — two grants of a citizen on one paragraph at
    once, a rate of 0, an hourly grant without hours, an account with no budget. The forecast takes
    the grant as it stands: the amount is what it holds for it, until the grant is mended."""
    running = b.grants.filter(pl.col("end_date").is_null() | (pl.col("end_date") >= dt.date(b.year, 1, 1)))
    r = running.select("grant_id", "citizen_id", "paragraph", "start_date", "end_date")
    other = r.select("citizen_id", "paragraph", pl.col("grant_id").alias("other"), pl.col("start_date").alias("s2"),
                     pl.col("end_date").alias("e2"))
    earlier = (pl.col("s2") < pl.col("start_date")) | ((pl.col("s2") == pl.col("start_date")) & (pl.col("other") < pl.col("grant_id")))
    overlap = (r.join(other, on=["citizen_id", "paragraph"])
        .filter(earlier & (pl.col("e2").is_null() | (pl.col("e2") > pl.col("start_date"))))
        .group_by("grant_id").agg(pl.col("other").min().alias("detail"), pl.col("start_date").first().alias("since"))
        .with_columns(pl.lit("overlap").alias("why")))
    flagged = [overlap]
    for why, cond in (("rate_zero", pl.col("rate") == 0),
                      ("no_hours", (pl.col("unit") == "hour") & pl.col("quantity").is_null()),
                      ("no_budget", pl.col("account").is_not_null() & ~pl.col("account").is_in(sorted(b.budget_accounts)))):
        hit = running.filter(cond).select("grant_id", pl.col("start_date").alias("since"),
                                          pl.col("account" if why == "no_budget" else "grant_id").alias("detail"))
        flagged.append(hit.with_columns(pl.lit(why).alias("why")))
    found = pl.concat([f.select("grant_id", "since", pl.col("detail").cast(pl.String), "why") for f in flagged])
    found = found.group_by("grant_id").agg(pl.col("why").sort().str.join(","), pl.col("detail").sort_by("why").first(),
                                           pl.col("since").min())
    found = _amount_of(found.join(running.select("grant_id", "citizen_id", "account"), on="grant_id"),
                       per_grant(b.lines), "amount").with_columns(pl.col("amount").alias("alternative"))
    return _items(found.with_columns(pl.concat_str("why", "detail", separator=":").alias("detail")), "data")


def work_items(b: Basis) -> pl.DataFrame:
    """Every item of the month, each with its grant's citizen and account, in a stable order."""
    linked = linked_postings(b)
    billed_off, no_invoices = billing(b, linked)
    items = pl.concat([reviews(b), billed_off, no_invoices, unmatched(b, linked), steps_ahead(b), data_to_mend(b)])
    g = b.grants.select("grant_id", pl.col("citizen_id").alias("_c"), pl.col("account").alias("_a"))
    items = (items.join(g, on="grant_id", how="left")
             .with_columns(pl.coalesce("citizen_id", "_c").alias("citizen_id"), pl.coalesce("account", "_a").alias("account"))
             .drop("_c", "_a"))
    order = pl.col("kind").replace_strict(KINDS, range(len(KINDS)), return_dtype=pl.Int32)
    return items.sort(order, "grant_id", "citizen_id", "account", nulls_last=True)


def grouping(grants: pl.DataFrame, by: str | None) -> str:
    """What the work list is by: the one asked for, else the first of GROUPINGS the grants fill in."""
    if by is not None:
        return by
    return next(g for g in GROUPINGS if g in grants.columns and grants.get_column(g).drop_nulls().len())


def holders(grants: pl.DataFrame, by: str) -> pl.DataFrame:
    """grant_id → its group (and team); citizen_id → the group of the citizen's latest grant, for an
    item with no grant of its own (invoices without a grant)."""
    cols = [pl.col(by).cast(pl.String).alias("group")]
    cols.append(pl.col("team").cast(pl.String).alias("team") if "team" in grants.columns and by != "team"
                else pl.lit(None, pl.String).alias("team"))
    g = grants.select("grant_id", "citizen_id", "start_date", *cols)
    return g


def assign(items: pl.DataFrame, grants: pl.DataFrame, by: str) -> pl.DataFrame:
    """Each item with its group: its grant's, or for one with no grant its citizen's latest grant's."""
    h = holders(grants, by)
    by_citizen = h.sort("start_date", "grant_id").group_by("citizen_id").agg(
        pl.col("group").drop_nulls().last().alias("_cg"), pl.col("team").drop_nulls().last().alias("_ct"))
    return (items.join(h.select("grant_id", "group", "team"), on="grant_id", how="left")
            .join(by_citizen, on="citizen_id", how="left")
            .with_columns(pl.coalesce("group", "_cg").alias("group"), pl.coalesce("team", "_ct").alias("team"))
            .drop("_cg", "_ct"))


def first_seen(items: pl.DataFrame, before: pl.DataFrame | None, as_of: dt.date) -> pl.DataFrame:
    """A snapshot's items with `seen`, the as-of date of the first snapshot in an unbroken run of
    them that had the item: the `seen` of the snapshot before's items (first_seen of its own) where
    the item was there, else this snapshot's date. An item gone for a month and back is seen anew."""
    if before is None:
        return items.with_columns(pl.lit(as_of).alias("seen"))
    return (items.join(before.select(*KEY, pl.col("seen").alias("_seen")), on=KEY, how="left", nulls_equal=True)
            .with_columns(pl.coalesce("_seen", pl.lit(as_of)).alias("seen")).drop("_seen"))


def carry_over(now: pl.DataFrame, before: pl.DataFrame | None, before_as_of: dt.date | None,
               change: pl.DataFrame) -> pl.DataFrame:
    """Items with their status: new, open (at the snapshot before too: `seen` is when it was first
    seen, the before items' own `seen` where they carry one, else the snapshot before's date), or
    solved (seen before and gone now, with what its grant's forecast changed by since: `change`,
    grant_id → ore)."""
    if before is None:
        return now.with_columns(pl.lit("new").alias("status"), pl.lit(None, pl.Date).alias("seen"),
                                pl.lit(None, pl.Int64).alias("change"))
    if "seen" not in before.columns:
        before = first_seen(before, None, before_as_of)
    current = now.join(before.select(*KEY, "seen"), on=KEY, how="left", nulls_equal=True).with_columns(
        pl.when(pl.col("seen").is_null()).then(pl.lit("new")).otherwise(pl.lit("open")).alias("status"),
        pl.lit(None, pl.Int64).alias("change"))
    gone = before.join(now.select(KEY), on=KEY, how="anti", nulls_equal=True)
    gone = (gone.join(change.rename({"ore": "change"}), on="grant_id", how="left")
            .with_columns(pl.lit("solved").alias("status"), pl.col("change").fill_null(0)))
    return pl.concat([current, gone.select(current.columns)])


def grant_change(now_lines: pl.DataFrame, before_lines: pl.DataFrame | None) -> pl.DataFrame:
    """grant_id, ore: how each grant's part of the forecast moved since the snapshot before."""
    now = per_grant(now_lines)
    if before_lines is None:
        return now.with_columns(pl.lit(None, pl.Int64).alias("ore"))
    return (now.join(per_grant(before_lines).rename({"ore": "was"}), on="grant_id", how="full", coalesce=True)
            .select("grant_id", (pl.col("ore").fill_null(0) - pl.col("was").fill_null(0)).alias("ore")))


def summaries(items: pl.DataFrame, grants: pl.DataFrame, lines: pl.DataFrame, change: pl.DataFrame | None,
              year: int, by: str) -> pl.DataFrame:
    """Per group: citizens and grants running in the year, the forecast of their grants this year,
    its change since the snapshot before (null without one), the open items and their kroner
    (what the other answers would move the forecast by, in absolute)."""
    running = grants.filter(pl.col("end_date").is_null() | (pl.col("end_date") >= dt.date(year, 1, 1)))
    h = holders(running, by)
    fc = per_grant(lines)
    base = h.join(fc.rename({"ore": "forecast"}), on="grant_id", how="left")
    if change is not None:
        base = base.join(change.rename({"ore": "change"}), on="grant_id", how="left")
    else:
        base = base.with_columns(pl.lit(None, pl.Int64).alias("change"))
    per = base.group_by("group").agg(pl.col("citizen_id").n_unique().alias("citizens"), pl.len().alias("grants"),
                                     pl.col("team").drop_nulls().mode().sort().first().alias("team"),
                                     pl.col("forecast").fill_null(0).sum(),
                                     pl.when(pl.col("change").is_null().all()).then(None).otherwise(pl.col("change").sum()).alias("change"))
    open_ = items.filter(pl.col("status") != "solved").group_by("group").agg(
        pl.len().alias("open_items"), (pl.col("alternative") - pl.col("amount")).abs().sum().alias("open_amount"))
    out = per.join(open_, on="group", how="full", coalesce=True).with_columns(
        pl.col("citizens", "grants", "open_items").fill_null(0).cast(pl.Int64),
        pl.col("forecast", "open_amount").fill_null(0).cast(pl.Int64))
    return out.sort("group", nulls_last=True)
