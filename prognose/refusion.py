"""The state's refund of particularly expensive single cases (den centrale refusionsordning for
særligt dyre enkeltsager), citizen by citizen.

Per citizen and year the state pays back a share of the municipality's cost above a first
threshold and a larger share above a second (Rule). The refund comes back as income (kind 8.6) on
the account of the citizen's largest cost, either on account during the year with a settlement
after it, or in one settlement after the year booked in the supplementary period (period YYYY-12).

What the engine learns from the municipality's own postings (learn):
  - how it settles: each period month's share of a year's booked refund (the profile), from the
    years whose settlement has been booked;
  - the thresholds it is refunded at: for each such year, the one factor on the rule's thresholds
    at which the citizens' periodised costs give the refund actually booked. Everything the rule
    does not know (costs the municipality does not claim, a different threshold) is in that factor.
The budget year's refund is then computed from its citizens' costs at the latest learned factor.
All amounts are øre; the refund is a positive amount here and income (negative) in forecast lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from prognose.months import last_closed_month
from prognose.periodise import periodise, round_half_up

REFUND_KINDS = ("8.6",)
SETTLEMENTS = ("learn", "quarterly", "after_year")
# With only one year of booked refunds there is no evidence of how far a year's refund can miss
# its estimate; this relative error is assumed until two years give one.
PRIOR_CV = 0.10


@dataclass(frozen=True)
class Rule:
    """The scheme as configured (prognose.toml [refusion]); thresholds in øre."""
    shares: tuple[float, float] = (0.25, 0.50)
    thresholds: dict[int, tuple[int, int]] = field(default_factory=dict)   # per year, as configured
    default: tuple[int, int] = (1_100_000_00, 2_200_000_00)               # at the price level of default_year
    default_year: int = 2025
    paragraphs: tuple[str, ...] = ()        # empty: every paragraph of the area but STU (not a service act cost)
    min_age: int = 18
    max_age: int | None = None
    own_provision: bool = True              # own provision counts at its grant's cost
    settlement: str = "learn"
    kinds: tuple[str, ...] = REFUND_KINDS
    enabled: str = "auto"                   # auto: where refunds have been booked; "on"; "off"

    def at(self, year: int, price_index: dict[int, float]) -> tuple[int, int]:
        """The year's thresholds: configured, else the default carried to the year's price level."""
        if year in self.thresholds:
            return self.thresholds[year]
        f = price_index[year] / price_index[self.default_year] if {year, self.default_year} <= price_index.keys() else 1.0
        return (int(round(self.default[0] * f)), int(round(self.default[1] * f)))


@dataclass
class Learned:
    factor: float | None                    # on the rule's thresholds; None: nothing to learn from
    years: dict[int, float]                 # year → factor at which that year's booked refund is met
    booked: dict[int, int]                  # year → refund booked for it (positive øre)
    profile: dict[int, float]               # period month (1–12) → share of a year's refund booked in it
    settlement: str                         # quarterly | after_year
    cv: float                               # relative error of a year's refund estimated from the year before


@dataclass
class Refusion:
    year: int
    thresholds: tuple[int, int]
    source: str                             # configured | learned | default
    learned: Learned
    citizens: pl.DataFrame                  # schema.CITIZENS: every citizen with a cost in the year
    booked: pl.DataFrame                    # account, ore: refund booked for the year so far (negative: income)
    lines: pl.DataFrame                     # account, paragraph, month, ore: still to come (negative: income)
    shares: tuple[float, float] = (0.25, 0.50)

    @property
    def refund(self) -> int:
        return int(self.citizens.get_column("refund").sum())

    @property
    def booked_total(self) -> int:
        return -int(self.booked.get_column("ore").sum())

    @property
    def ahead(self) -> int:
        return -int(self.lines.get_column("ore").sum())


def refund_expr(cost: pl.Expr, t1: float, t2: float, shares: tuple[float, float]) -> pl.Expr:
    """The refund of a year's cost (øre, rounded half up)."""
    return round_half_up(shares[0] * (cost.clip(t1, t2) - t1) + shares[1] * (cost.clip(t2, None) - t2))


def citizen_costs(grants: pl.DataFrame, steps: pl.DataFrame, first: int, last: int, rule: Rule,
                  price_index: dict[int, float]) -> pl.DataFrame:
    """year, citizen_id, account and paragraph (of the largest cost), cost: see costs_per_account."""
    return largest_account(costs_per_account(grants, steps, first, last, rule, price_index))


def costs_per_account(grants: pl.DataFrame, steps: pl.DataFrame, first: int, last: int, rule: Rule,
                      price_index: dict[int, float]) -> pl.DataFrame:
    """year, citizen_id, account, paragraph, ore: each year's periodised cost of the grants the
    scheme counts, months when the citizen is inside its age range only."""
    counted = grants.filter(pl.col("paragraph").is_in(rule.paragraphs) if rule.paragraphs else pl.col("paragraph") != "STU")
    if not rule.own_provision:
        counted = counted.filter(pl.col("provider_type") != "own")
    birth = "birth_date" if "birth_date" in counted.columns else None
    carry = ("citizen_id", "account", "paragraph", *((birth,) if birth else ()))
    pieces = periodise(counted.lazy(), steps.lazy(), dt.date(first, 1, 1), dt.date(last, 12, 31), price_index, carry=carry)
    if birth:
        age = (pl.col("month").dt.year() - pl.col(birth).dt.year()) - (
            pl.col("month").dt.ordinal_day() < pl.col(birth).dt.ordinal_day()).cast(pl.Int32)
        inside = (age >= rule.min_age) & (age <= rule.max_age if rule.max_age is not None else pl.lit(True))
        pieces = pieces.filter(pl.col(birth).is_null() | inside)
    return (pieces.group_by(pl.col("month").dt.year().alias("year"), "citizen_id", "account", "paragraph")
            .agg(pl.col("ore").sum()).collect())


def largest_account(per_account: pl.DataFrame) -> pl.DataFrame:
    """year, citizen_id, account, paragraph, ore → year, citizen_id, the account and paragraph of the
    largest cost, cost (all of them): the refund is booked there."""
    return (per_account.sort("year", "citizen_id", "ore", "account", "paragraph", descending=[False, False, True, False, False])
            .group_by("year", "citizen_id", maintain_order=True)
            .agg(pl.col("account").first(), pl.col("paragraph").first(), pl.col("ore").sum().alias("cost")))


def refunds(costs: pl.DataFrame, thresholds: tuple[float, float], shares: tuple[float, float]) -> pl.DataFrame:
    """citizen_id, account, paragraph, cost → schema.CITIZENS: the refund and the band (0 below, 1 between,
    2 above both)."""
    t1, t2 = thresholds
    return costs.select(
        "citizen_id", "account", pl.col("paragraph") if "paragraph" in costs.columns else pl.lit(None, pl.String).alias("paragraph"),
        "cost", refund_expr(pl.col("cost"), t1, t2, shares).alias("refund"),
        ((pl.col("cost") > t1).cast(pl.Int8) + (pl.col("cost") > t2).cast(pl.Int8)).alias("band"))


def factor_for(costs: pl.Series, target: int, thresholds: tuple[int, int], shares: tuple[float, float]) -> float | None:
    """The factor on the thresholds at which the costs give `target` in refund (bisection: the
    refund falls as the thresholds rise); None where no factor in 0.2–5 reaches it."""
    frame = costs.to_frame("cost")

    def total(f: float) -> int:
        return frame.select(refund_expr(pl.col("cost"), thresholds[0] * f, thresholds[1] * f, shares).sum()).item()

    lo, hi = 0.2, 5.0
    if not total(hi) <= target <= total(lo):
        return None
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if total(mid) > target else (lo, mid)
    return (lo + hi) / 2


def settled_years(refund_postings: pl.DataFrame, before: int, as_of: dt.date) -> list[int]:
    """Years before `before` whose refund has been settled by as_of: a December-period refund is
    booked for them, or the supplementary period is over."""
    dec = refund_postings.filter(pl.col("period").dt.month() == 12).get_column("period").dt.year().unique().to_list()
    seen = refund_postings.get_column("period").dt.year().unique().to_list()
    return sorted(y for y in seen if y < before and (y in dec or as_of >= dt.date(y + 1, 3, 1)))


def learn(costs: pl.DataFrame, refund_postings: pl.DataFrame, rule: Rule, price_index: dict[int, float],
          year: int, as_of: dt.date) -> Learned:
    """From the settled years before `year`: the factor on the thresholds, the booking profile
    and the settlement mode. costs: citizen_costs; refund_postings: account, period, posting_date, amount."""
    years = settled_years(refund_postings, year, as_of)
    per_year = (refund_postings.filter(pl.col("period").dt.year().is_in(years))
                .group_by(pl.col("period").dt.year().alias("y")).agg((-pl.col("amount").sum()).alias("ore")))
    booked = dict(per_year.iter_rows())
    factors: dict[int, float] = {}
    for y in years:
        if booked.get(y, 0) > 0:
            f = factor_for(costs.filter(pl.col("year") == y).get_column("cost"), booked[y], rule.at(y, price_index), rule.shares)
            if f is not None:
                factors[y] = f
    profile, within = _profile(refund_postings.filter(pl.col("period").dt.year().is_in(years)))
    settlement = rule.settlement
    if settlement == "learn":
        settlement = "quarterly" if within >= 0.25 else "after_year"
    if not profile:
        profile = {3: 0.25, 6: 0.25, 9: 0.25, 12: 0.25} if settlement == "quarterly" else {12: 1.0}
    return Learned(factors[max(factors)] if factors else None, factors, booked, profile, settlement,
                   _cv(costs, factors, booked, rule, price_index))


def _profile(settled: pl.DataFrame) -> tuple[dict[int, float], float]:
    """Each period month's mean share of a year's refund, and the share booked within the year itself."""
    if settled.is_empty():
        return {}, 0.0
    y = pl.col("period").dt.year()
    shares = (settled.group_by(y.alias("y"), pl.col("period").dt.month().alias("m")).agg(pl.col("amount").sum())
              .with_columns((pl.col("amount") / pl.col("amount").sum().over("y")).alias("share"))
              .group_by("m").agg(pl.col("share").sum()).sort("m"))
    n = settled.select(y.n_unique()).item()
    within = settled.select((pl.col("amount").filter(pl.col("posting_date").dt.year() == y).sum()
                             / pl.col("amount").sum())).item()
    return {int(m): s / n for m, s in shares.iter_rows()}, float(within or 0.0)


def _cv(costs: pl.DataFrame, factors: dict[int, float], booked: dict[int, int], rule: Rule,
        price_index: dict[int, float]) -> float:
    """How far a year's refund at the year before's factor missed what was booked (root mean square)."""
    errors = []
    for y in sorted(factors):
        if y - 1 in factors:
            t = rule.at(y, price_index)
            f = factors[y - 1]
            est = costs.filter(pl.col("year") == y).select(
                refund_expr(pl.col("cost"), t[0] * f, t[1] * f, rule.shares).sum()).item()
            errors.append(est / booked[y] - 1)
    return (sum(e * e for e in errors) / len(errors)) ** 0.5 if errors else PRIOR_CV


def estimate(costs: pl.DataFrame, refund_postings: pl.DataFrame, rule: Rule, learned: Learned,
             price_index: dict[int, float], year: int, as_of: dt.date) -> Refusion:
    """The year's refund per citizen, what is booked of it by as_of, and the rest as lines."""
    base = rule.at(year, price_index)
    if year in rule.thresholds:
        thresholds, source = base, "configured"
    elif learned.factor is not None:
        # thresholds are whole kroner; the factor is known only as closely as the refunds' øre tell it
        thresholds = (int(round(base[0] * learned.factor, -2)), int(round(base[1] * learned.factor, -2)))
        source = "learned"
    else:
        thresholds, source = base, "default"
    citizens = refunds(costs.filter(pl.col("year") == year).drop("year"), thresholds, rule.shares).sort(
        "cost", "citizen_id", descending=[True, False])
    booked = (refund_postings.filter((pl.col("period").dt.year() == year) & (pl.col("posting_date") <= as_of))
              .group_by("account").agg(pl.col("amount").sum().alias("ore")).sort("account"))
    due = citizens.group_by("account", "paragraph").agg(pl.col("refund").sum())
    return Refusion(year, thresholds, source, learned, citizens, booked, place(due, booked, learned.profile, year, as_of),
                    rule.shares)


def place(due: pl.DataFrame, booked: pl.DataFrame, profile: dict[int, float], year: int, as_of: dt.date) -> pl.DataFrame:
    """account, paragraph, month, ore still to come: each month ahead its profile share of the
    refund of an account's citizens of a paragraph, December (the settlement) the rest, so booked +
    ahead is the whole refund to the øre. What is booked (per account) is set against the
    account's paragraph with the largest refund."""
    last = last_closed_month(as_of)
    ahead = [m for m in range(1, 12) if dt.date(year, m, 1) > last and profile.get(m, 0.0) > 0]
    if "paragraph" not in due.columns:
        due = due.with_columns(pl.lit(None, pl.String).alias("paragraph"))
    due = due.sort("account", "refund", "paragraph", descending=[False, True, False], nulls_last=True).with_columns(
        pl.col("account").is_first_distinct().alias("first"))
    acc = (due.join(booked.with_columns(pl.lit(True).alias("first")), on=["account", "first"], how="full", coalesce=True)
           .with_columns(pl.col("refund").fill_null(0), pl.col("ore").fill_null(0)))
    rows = []
    for account, paragraph, refund, ore in acc.select("account", "paragraph", "refund", "ore").sort("account", "paragraph").iter_rows():
        planned = [(m, -int(round(refund * profile[m]))) for m in ahead]
        rows += [(account, paragraph, dt.date(year, m, 1), a) for m, a in planned]
        rows.append((account, paragraph, dt.date(year, 12, 1), -refund - ore - sum(a for _, a in planned)))
    lines = pl.DataFrame(rows, schema={"account": pl.String, "paragraph": pl.String, "month": pl.Date, "ore": pl.Int64},
                         orient="row")
    return lines.filter(pl.col("ore") != 0)


def next_threshold(citizens: pl.DataFrame, thresholds: tuple[int, int]) -> pl.DataFrame:
    """citizens with `to_next`: how far their cost is from the next threshold (null above both)."""
    t1, t2 = thresholds
    return citizens.with_columns(
        pl.when(pl.col("band") == 0).then(t1 - pl.col("cost")).when(pl.col("band") == 1).then(t2 - pl.col("cost"))
        .otherwise(None).cast(pl.Int64).alias("to_next"))


def refund_postings(postings: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    """The postings of the refund (account, period, posting_date, amount): those of its kinds."""
    cols = ("account", "period", "posting_date", "amount")
    if "art" not in postings.columns:
        return postings.select(cols).head(0)
    return postings.filter(pl.col("art").str.strip_chars().is_in(rule.kinds)).select(cols)


def forecast_refusion(grants: pl.DataFrame, steps: pl.DataFrame, postings: pl.DataFrame, rule: Rule,
                      price_index: dict[int, float], year: int, as_of: dt.date, first: int,
                      changes: pl.DataFrame | None = None) -> Refusion | None:
    """The budget year's refund (or a past year's, from the years before it). None where the rule
    is off, or on 'auto' and no refund has ever been booked (the municipality books it elsewhere).
    changes: citizen_id, account, (paragraph,) month, ore — what the buffers add to or take from a
    citizen's cost."""
    booked = refund_postings(postings.filter(pl.col("posting_date") <= as_of), rule)
    if rule.enabled == "off" or (rule.enabled == "auto" and booked.is_empty()):
        return None
    per_account = costs_per_account(grants, steps, first, year, rule, price_index)
    if changes is not None and changes.height:
        if "paragraph" not in changes.columns:
            changes = changes.with_columns(pl.lit(None, pl.String).alias("paragraph"))
        mine = (changes.filter(pl.col("citizen_id").is_not_null() & (pl.col("month").dt.year() == year))
                .group_by(pl.col("month").dt.year().alias("year"), "citizen_id", "account", "paragraph").agg(pl.col("ore").sum()))
        per_account = (pl.concat([per_account, mine.select(per_account.columns)], how="vertical_relaxed")
                       .group_by("year", "citizen_id", "account", "paragraph").agg(pl.col("ore").sum()))
    costs = largest_account(per_account).filter(pl.col("cost") > 0)
    learned = learn(costs, booked, rule, price_index, year, as_of)
    return estimate(costs, booked, rule, learned, price_index, year, as_of)
