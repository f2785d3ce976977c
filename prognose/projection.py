"""The years ahead (pure): what the budget year and the years after it are expected to cost.

The year the as-of date lies in ends at the monthly forecast F (forecast.py), per account and
paragraph. Each later year y is that, moved by what the grants say changes between the two years:

    P_y = F × M_y / M_Y        per account and paragraph (per account where a line has no paragraph)

M_t is the model cost of year t in the same terms for every year: the cost of every grant known at
the as-of date, month by month, and after the as-of date
  - a running grant goes on past a planned end the case system gives no reason for (a review date,
    as the extensions component takes it) and ends at the paragraph's yearly rate of ending, and
    one with an end reason ends when it says;
  - newcomers arrive at the paragraph's and provider type's rate of the history years (recent
    years weighing more), each at the typical cost of a new grant, and end at the same rate;
  - prices move by the configured index, its last growth carried on.
The ratio keeps what F knows and the grants do not (billing, payroll, what no grant explains, the
refund) at its level relative to the grants; the grants bring the change: who leaves, who comes,
what plan steps and prices do. Initiatives (initiatives.py) change M the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import polars as pl

from prognose.adjustments import one_off, recurring_lines
from prognose.buffers.costs import account_of
from prognose.initiatives import DIRECT, Context, apply, notes_on
from prognose.forecast import sole_paragraph
from prognose.months import add_months, month_number
from prognose.period import known_at
from prognose.periodise import periodise
from prognose.schema import MODEL, UNIT_MONTHS
from prognose.words.message import Message

Z90 = 1.2816           # the 90th percentile of a standard normal: P10–P90 is ±1.28 sd
HALF_LIFE_YEARS = 1.0   # a year's newcomers weigh half as much in the rate a year later (as in other inflow)


def extend_index(price_index: dict[int, float], last: int) -> dict[int, float]:
    """The configured index, on to `last` at its last year's growth (empty stays empty)."""
    if not price_index:
        return {}
    out = dict(price_index)
    top = max(out)
    growth = out[top] / out[top - 1] if top - 1 in out else 1.0
    for y in range(top + 1, last + 1):
        out[y] = out[y - 1] * growth
    return out


def ending_rates(grants: pl.DataFrame, as_of: dt.date, years: int = 3) -> pl.DataFrame:
    """paragraph → h: grants' yearly rate of ending for any reason over the history years
    (endings with a reason over years of exposure), STU included."""
    lo = dt.date(as_of.year - years, 1, 1)
    g = grants.filter(pl.col("start_date") <= as_of).with_columns(
        pl.max_horizontal("start_date", pl.lit(lo)).alias("s"),
        pl.min_horizontal(pl.coalesce("end_date", pl.lit(as_of)), pl.lit(as_of)).alias("e"))
    ended = pl.col("end_date").is_not_null() & (pl.col("end_date") <= as_of) & (pl.col("end_date") >= lo) \
        & pl.col("end_reason").is_not_null()
    return (g.filter(pl.col("e") >= pl.col("s"))
            .group_by("paragraph").agg(((pl.col("e") - pl.col("s")).dt.total_days().sum() / 365.25).alias("exposure"),
                                       ended.sum().alias("ends"))
            .select("paragraph", pl.when(pl.col("exposure") > 0).then(pl.col("ends") / pl.col("exposure"))
                    .otherwise(0.0).alias("h")))


def _survival(as_of: dt.date, start: pl.Expr) -> pl.Expr:
    """exp(−h·t): still running in the month, t years from `start` (the as-of date or an arrival) to its middle."""
    t = (pl.col("month").dt.offset_by("14d") - start).dt.total_days().clip(0, None) / 365.25
    return (-pl.col("h") * t).exp()


def known_cost(grants: pl.DataFrame, steps: pl.DataFrame, as_of: dt.date, first: int, last: int,
               price_index: dict[int, float], rates: pl.DataFrame) -> pl.DataFrame:
    """The known grants' expected cost per month of years first … last (MODEL, source "known", summed
    per account, paragraph and provider type): as periodised up to the as-of date, then running on
    past review dates (a planned end without an end reason after the as-of date) and ending at the
    paragraph's rate. Before the as-of date a review date lies ahead, so one periodisation serves both."""
    review = pl.col("end_reason").is_null() & (pl.col("end_date") > as_of)
    g = grants.filter(pl.col("start_date") <= dt.date(last, 12, 31)).with_columns(
        pl.when(review).then(None).otherwise(pl.col("end_date")).alias("end_date"))
    # each grant carries a number for its account, paragraph and provider type (millions of
    # grant-months need not carry three texts each) and its paragraph's rate of ending
    cells = (g.select("account", "paragraph", "provider_type").unique(maintain_order=True).with_row_index("cell")
             .join(rates, on="paragraph", how="left").with_columns(pl.col("h").fill_null(0.0)))
    g = g.join(cells.select("account", "paragraph", "provider_type", "cell"), on=["account", "paragraph", "provider_type"],
               how="left", nulls_equal=True)
    survival = pl.when(pl.col("after")).then(_survival(as_of, pl.lit(as_of))).otherwise(1.0)
    cost = (periodise(g.lazy(), steps.lazy(), dt.date(first, 1, 1), dt.date(last, 12, 31), price_index, split=as_of,
                      carry=("cell",))
            .join(cells.lazy().select("cell", "h"), on="cell", how="left")
            .group_by("cell", "month").agg((pl.col("ore") * survival).sum().alias("cost")).collect())
    return cost.join(cells.drop("h"), on="cell").select("account", "paragraph", "provider_type", "month",
                                                         pl.lit("known").alias("source"), pl.lit(None, pl.Date).alias("arrival"),
                                                         "cost")


def newcomer_rates(grants: pl.DataFrame, as_of: dt.date, price_index: dict[int, float], years: int = 3) -> pl.DataFrame:
    """paragraph, provider_type → per_year (grants started a year, recent years weighing more) and
    monthly (their typical cost a month, øre at the as-of year's price level)."""
    lo = add_months(as_of.replace(day=1), -12 * years + 1)
    new = grants.filter((pl.col("start_date") >= lo) & (pl.col("start_date") <= as_of))
    # year k back (0: the twelve months up to the as-of date) weighs 2^(−k / half-life)
    back = ((month_number(pl.lit(as_of)) - month_number(pl.col("start_date"))) // 12).cast(pl.Int32)
    weight = (2.0 ** (-back.cast(pl.Float64) / HALF_LIFE_YEARS))
    total_weight = sum(2.0 ** (-k / HALF_LIFE_YEARS) for k in range(years))
    per = pl.col("unit").replace_strict(UNIT_MONTHS, default=None, return_dtype=pl.Float64)
    level = pl.lit(1.0)
    if price_index:
        base = pl.col("price_year").replace_strict(list(price_index), list(price_index.values()), default=None,
                                                   return_dtype=pl.Float64)
        level = pl.when(base.is_null()).then(1.0).otherwise(price_index.get(as_of.year, 1.0) / base)
    return (new.with_columns(weight.alias("w"), (pl.col("rate") * 100 * pl.col("quantity").fill_null(1.0) * per * level).alias("m"))
            .group_by("paragraph", "provider_type")
            .agg((pl.col("w").sum() / total_weight).alias("per_year"), pl.col("m").mean().alias("monthly"))
            .filter(pl.col("monthly").is_not_null()))


def newcomer_cost(arrivals: pl.DataFrame, as_of: dt.date, last: int, price_index: dict[int, float],
                  rates: pl.DataFrame, accounts: dict[str, str]) -> pl.DataFrame:
    """Expected cost per month of the newcomers who arrive after the as-of date through `last`
    (MODEL, source "new"): per_year/12 arrive each month, in their first month for half of it, and
    end at the paragraph's rate; their cost moves with the index from the as-of year."""
    first = add_months(as_of.replace(day=1), 1)
    months = pl.date_range(first, dt.date(last, 12, 1), "1mo", eager=True)
    if months.is_empty() or arrivals.is_empty():
        return pl.DataFrame(schema=MODEL)
    grid = pl.DataFrame({"arrival": months}).join(pl.DataFrame({"month": months}), how="cross").filter(
        pl.col("month") >= pl.col("arrival"))
    level = pl.lit(1.0)
    if price_index:
        level = pl.col("month").dt.year().replace_strict(list(price_index), list(price_index.values()), default=None,
                                                          return_dtype=pl.Float64) / price_index.get(as_of.year, 1.0)
    f = (arrivals.join(grid, how="cross").join(rates, on="paragraph", how="left").with_columns(pl.col("h").fill_null(0.0))
         .with_columns((pl.col("per_year") / 12 * pl.col("monthly") * level * _survival(as_of, pl.col("arrival"))
                        * pl.when(pl.col("month") == pl.col("arrival")).then(0.5).otherwise(1.0)).alias("cost")))
    return f.select(account_of(pl.col("paragraph"), accounts).alias("account"), "paragraph", "provider_type", "month",
                    pl.lit("new").alias("source"), "arrival", "cost")


def model(grants: pl.DataFrame, steps: pl.DataFrame, as_of: dt.date, last: int, price_index: dict[int, float],
          accounts: dict[str, str]) -> pl.DataFrame:
    """The model cost (MODEL) of every month from the as-of year's January to `last`'s December."""
    index = extend_index(price_index, last)
    known = known_at(grants, as_of).with_columns(
        pl.coalesce("account", account_of(pl.col("paragraph"), accounts)).alias("account"))
    rates = ending_rates(known, as_of)
    return pl.concat([known_cost(known, steps, as_of, as_of.year, last, index, rates),
                      newcomer_cost(newcomer_rates(known, as_of, index), as_of, last, index, rates, accounts)])


def _by_year(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.group_by(*keys, pl.col("month").dt.year().cast(pl.Int32).alias("year")).agg(pl.col("cost").sum())


def project(lines: pl.DataFrame, frame: pl.DataFrame, baseline: pl.DataFrame, base_year: int, years: list[int],
            once: pl.DataFrame | None = None) -> pl.DataFrame:
    """account, paragraph, year, ore: the base year's forecast lines (forecast.LINES) moved by the
    model cost `frame` over the `baseline` model's cost of the base year, cell by cell:
      - an account and paragraph the base year's model has: F × M_y / M_base (so the base year
        itself is the forecast);
      - one only the model has (a paragraph new to an account, grants an initiative moves in):
        its model cost × the account's ratio of forecast to model cost over its paragraphs;
      - the forecast's lines without a paragraph (what no grant explains, the refund, the
        controller's adjustments), or with one the base year's model has no cost for on the
        account (postings of a grant of another paragraph): F × the baseline account's M_y / M_base;
      - amounts an initiative gives in kroner: as they are;
      - `once` (account, paragraph, ore: the controller's one-off adjustments, adjustments.one_off):
        in the base year alone, never moved into the years after it."""
    moved = lines.select("account", "paragraph", "ore")
    if once is not None and once.height:
        moved = pl.concat([moved, once.select("account", "paragraph", -pl.col("ore"))])
    f = moved.group_by("account", "paragraph").agg(pl.col("ore").sum().alias("F"))
    grant_rows = pl.col("source") != DIRECT
    m0 = _by_year(baseline.filter(grant_rows & (pl.col("month").dt.year() == base_year)), "account", "paragraph").drop("year")
    m0 = m0.rename({"cost": "m0"})
    cells = f.filter(pl.col("paragraph").is_not_null()).join(m0, on=["account", "paragraph"], how="full", coalesce=True)
    c = cells.filter(pl.col("F").is_not_null() & (pl.col("m0") > 0)).group_by("account").agg(
        (pl.col("F").sum() / pl.col("m0").sum()).alias("c"))
    m = _by_year(frame.filter(grant_rows & pl.col("month").dt.year().is_in(years)), "account", "paragraph")
    grid = cells.join(pl.DataFrame({"year": years}, schema={"year": pl.Int32}), how="cross")
    grants = (grid.join(m, on=["account", "paragraph", "year"], how="full", coalesce=True).join(c, on="account", how="left")
              .select("account", "paragraph", "year", pl.when(pl.col("m0") > 0)
                      .then(pl.col("F").fill_null(0) * pl.col("cost").fill_null(0.0) / pl.col("m0"))
                      .otherwise(pl.col("cost").fill_null(0.0) * pl.col("c").fill_null(1.0)).alias("amount")))
    base_acc = _by_year(baseline.filter(grant_rows), "account")
    g = base_acc.join(base_acc.filter(pl.col("year") == base_year).select("account", pl.col("cost").alias("b")), on="account")
    # forecast lines the base year's model has no cost beside (no paragraph, or one with no grant
    # cost on the account that year) move with the account's model cost, so the base year is F
    modelled = m0.filter(pl.col("m0") > 0).select("account", "paragraph")
    rest = (f.join(modelled, on=["account", "paragraph"], how="anti", nulls_equal=False)
            .join(pl.DataFrame({"year": years}, schema={"year": pl.Int32}), how="cross")
            .join(g, on=["account", "year"], how="left")
            .select("account", "paragraph", "year", (pl.col("F") * pl.when(pl.col("b") > 0).then(pl.col("cost") / pl.col("b"))
                                                     .otherwise(1.0).fill_null(1.0)).alias("amount")))
    direct = _by_year(frame.filter(~grant_rows & pl.col("month").dt.year().is_in(years)), "account", "paragraph").select(
        "account", "paragraph", "year", pl.col("cost").alias("amount"))
    held = [] if once is None or base_year not in years else [
        once.select("account", "paragraph", pl.lit(base_year, pl.Int32).alias("year"), pl.col("ore").cast(pl.Float64).alias("amount"))]
    out = (pl.concat([grants, rest, direct.cast(grants.schema), *[h.cast(grants.schema) for h in held]])
           .group_by("account", "paragraph", "year").agg(pl.col("amount").sum()))
    return out.select("account", "paragraph", "year", (pl.col("amount") + 0.5).floor().cast(pl.Int64).alias("ore")).sort(
        "year", "account", "paragraph", nulls_last=True)


@dataclass(frozen=True)
class Projection:
    as_of: dt.date
    base_year: int
    years: list[int]
    cells: pl.DataFrame                 # account, paragraph, year, ore: the projection without initiatives
    budget: pl.DataFrame                # account, year, ore: the budget file's rows for those years
    citizens: pl.DataFrame              # paragraph (None: all), year, citizens expected at the year's end
    spread: dict[int, float]            # year → the total's relative spread (sd of its log)
    effects: list[tuple[str, dict[int, int]]] = field(default_factory=list)   # initiative → year → øre
    with_initiatives: pl.DataFrame | None = None   # cells with every initiative
    notes: list[Message] = field(default_factory=list)
    base_band: tuple[int, int] | None = None      # the monthly forecast's own P10–P90, for the as-of year

    def total(self, year: int, cells: pl.DataFrame | None = None) -> int:
        c = self.cells if cells is None else cells
        return int(c.filter(pl.col("year") == year).get_column("ore").sum())

    def has_band(self, year: int) -> bool:
        return bool(self.spread.get(year)) or (year == self.base_year and self.base_band is not None)

    def band(self, year: int) -> tuple[int, int]:
        """P10 and P90 of the year's total: the monthly forecast's own for the as-of year, else the
        projection times exp(∓1.28 sd)."""
        if year == self.base_year and self.base_band is not None:
            return self.base_band
        t, sd = self.total(year), self.spread.get(year, 0.0)
        return int(round(t * math.exp(-Z90 * sd))), int(round(t * math.exp(Z90 * sd)))


def build(fc, frame: pl.DataFrame, grants: pl.DataFrame, yearly: pl.DataFrame | None, budget: pl.DataFrame, years: list[int],
          accounts: dict[str, str], plans: list | None = None, price_index: dict[int, float] | None = None,
          base_band: tuple[int, int] | None = None, adjustments: pl.DataFrame | None = None) -> Projection:
    """The projection of `years` from the base year's forecast fc (forecast.Forecast) and the model cost
    `frame` (model()); each initiative of `plans` applied after those before it; the controller's
    `adjustments` (buffers/adjustments.csv) held in the base year unless marked recurring."""
    base = fc.as_of.year
    known = known_at(grants, fc.as_of)
    once = one_off(fc.lines, recurring_lines(adjustments, base, sole_paragraph(known, accounts)))
    cells = project(fc.lines, frame, frame, base, years, once)
    bud = budget.filter(pl.col("year").is_in(years)).group_by("account", pl.col("year").cast(pl.Int32)).agg(
        pl.col("amount").sum().alias("ore"))
    rates = ending_rates(known, fc.as_of)
    index = extend_index(price_index or {}, years[-1])
    arrivals = newcomer_rates(known, fc.as_of, index)
    effects, with_all, notes = [], None, history_notes(yearly, fc.as_of)
    if plans:
        ctx = Context(known, arrivals, rates, accounts, years[-1])
        notes += notes_on(plans, ctx)
        before, current = cells, frame
        for plan in plans:
            current = apply(plan, current, ctx)
            after = project(fc.lines, current, frame, base, years, once)
            effects.append((plan.name, {y: _total(after, y) - _total(before, y) for y in years}))
            before = after
        with_all = before
    sd = history_spread(yearly)
    spread = {y: sd * math.sqrt(max(y - base, 0) + (12 - fc.as_of.month) / 12) for y in years}
    people = citizens(known, fc.as_of, years, rates, arrivals)
    return Projection(fc.as_of, base, years, cells, bud, people, spread, effects, with_all, notes, base_band)


def history_notes(yearly: pl.DataFrame | None, as_of: dt.date, wanted: int = 3) -> list[Message]:
    """A note where the postings hold fewer complete years before the as-of year than SPEC asks."""
    have = 0 if yearly is None or yearly.is_empty() else yearly.get_column("year").n_unique()
    if have >= wanted:
        return []
    return [Message("note.few_history_years", have=have, year=as_of.year, wanted=wanted, band=have >= 2)]


def _total(cells: pl.DataFrame, year: int) -> int:
    return int(cells.filter(pl.col("year") == year).get_column("ore").sum())


def history_spread(yearly: pl.DataFrame | None) -> float:
    """How far a year's total has moved from what its grants said, in the complete years the postings
    hold (yearly: account, year, booked, cost — forecast.yearly): the sd of log(booked growth) −
    log(grant cost growth) per account and year. It is taken for the total as it is: a few years
    cannot say how far the accounts' surprises cancel, and those of one year tend to share a cause
    (0 with fewer than two complete years)."""
    if yearly is None or yearly.is_empty():
        return 0.0
    j = yearly.filter((pl.col("booked") > 0) & (pl.col("cost") > 0)).sort("account", "year").with_columns(
        (pl.col("booked") / pl.col("cost")).log().alias("r"))
    j = j.with_columns((pl.col("r") - pl.col("r").shift(1).over("account")).alias("r"),
                       (pl.col("year") - pl.col("year").shift(1).over("account")).alias("gap")).filter(pl.col("gap") == 1)
    return float(j.get_column("r").std()) if j.height >= 2 else 0.0


def citizens(grants: pl.DataFrame, as_of: dt.date, years: list[int], rates: pl.DataFrame, arrivals: pl.DataFrame) -> pl.DataFrame:
    """paragraph (None: all), year, citizens: those with a grant on the year's last day, expected —
    the known ones still running (each at the best chance among their grants), and newcomers who
    are new to the paragraph (or to the area) and still there."""
    running = grants.filter((pl.col("start_date") <= as_of) & (pl.col("end_date").is_null() | (pl.col("end_date") > as_of)))
    ends = pl.DataFrame({"year": years, "end": [dt.date(y, 12, 31) for y in years]}, schema={"year": pl.Int32, "end": pl.Date})
    t = (pl.col("end") - pl.lit(as_of)).dt.total_days() / 365.25
    stays = pl.when(pl.col("end_reason").is_not_null() & (pl.col("end_date") <= pl.col("end"))).then(0.0).otherwise((-pl.col("h") * t).exp())
    s = (running.join(ends, how="cross").join(rates, on="paragraph", how="left").with_columns(pl.col("h").fill_null(0.0))
         .with_columns(stays.alias("s")))
    known_p = s.group_by("paragraph", "citizen_id", "year").agg(pl.col("s").max()).group_by("paragraph", "year").agg(pl.col("s").sum())
    known_all = s.group_by("citizen_id", "year").agg(pl.col("s").max()).group_by("year").agg(pl.col("s").sum())
    new = _newcomers_present(grants, as_of, years, rates, arrivals)
    per = (known_p.join(new.filter(pl.col("paragraph").is_not_null()).select("paragraph", "year", "n"), on=["paragraph", "year"],
                        how="full", coalesce=True)
           .select("paragraph", "year", (pl.col("s").fill_null(0) + pl.col("n").fill_null(0)).alias("citizens")))
    total = known_all.join(new.filter(pl.col("paragraph").is_null()).select("year", "n"), on="year", how="left").select(
        pl.lit(None, pl.String).alias("paragraph"), "year", (pl.col("s") + pl.col("n").fill_null(0)).alias("citizens"))
    return pl.concat([per, total]).sort("year", "paragraph", nulls_last=True)


def _new_shares(grants: pl.DataFrame, as_of: dt.date, years: int = 3) -> pl.DataFrame:
    """paragraph → the share of its grants started in the history years whose citizen had no grant
    of the paragraph (new_paragraph), or none at all (new_area), running in the month before."""
    lo = dt.date(as_of.year - years, 1, 1)
    started = grants.filter(pl.col("start_date").is_between(lo, as_of)).select("grant_id", "citizen_id", "paragraph", "start_date")
    other = grants.select(pl.col("grant_id").alias("other"), "citizen_id", pl.col("paragraph").alias("p2"),
                          pl.col("start_date").alias("s2"), pl.col("end_date").alias("e2"))
    before = (started.join(other, on="citizen_id").filter(
        (pl.col("other") != pl.col("grant_id")) & (pl.col("s2") < pl.col("start_date"))
        & (pl.col("e2").is_null() | (pl.col("e2") >= pl.col("start_date") - pl.duration(days=31))))
        .group_by("grant_id").agg((pl.col("p2") == pl.col("paragraph").first()).any().alias("same")))
    return (started.join(before, on="grant_id", how="left")
            .group_by("paragraph").agg((1 - pl.col("same").fill_null(False).cast(pl.Float64).mean()).alias("new_paragraph"),
                                       (1 - pl.col("same").is_not_null().cast(pl.Float64).mean()).alias("new_area")))


def _newcomers_present(grants: pl.DataFrame, as_of: dt.date, years: list[int], rates: pl.DataFrame,
                       arrivals: pl.DataFrame) -> pl.DataFrame:
    """paragraph (None: all), year, n: newcomers after the as-of date expected to be there on the
    year's last day, counting only citizens new to the paragraph (to the area for the total)."""
    months = pl.date_range(add_months(as_of.replace(day=1), 1), dt.date(years[-1], 12, 1), "1mo", eager=True)
    if months.is_empty() or arrivals.is_empty():
        return pl.DataFrame(schema={"paragraph": pl.String, "year": pl.Int32, "n": pl.Float64})
    ends = pl.DataFrame({"year": years, "end": [dt.date(y, 12, 31) for y in years]}, schema={"year": pl.Int32, "end": pl.Date})
    per = (arrivals.group_by("paragraph").agg(pl.col("per_year").sum()).join(_new_shares(grants, as_of), on="paragraph", how="left")
           .join(rates, on="paragraph", how="left").with_columns(pl.col("h").fill_null(0.0)))
    t = (pl.col("end") - pl.col("arrival").dt.offset_by("14d")).dt.total_days() / 365.25
    f = (per.join(pl.DataFrame({"arrival": months}), how="cross").join(ends, how="cross")
         .filter(pl.col("arrival") <= pl.col("end"))
         .with_columns((pl.col("per_year") / 12 * (-pl.col("h") * t).exp()).alias("x")))
    by_p = f.group_by("paragraph", "year").agg((pl.col("x") * pl.col("new_paragraph").fill_null(1.0)).sum().alias("n"))
    total = f.group_by("year").agg((pl.col("x") * pl.col("new_area").fill_null(1.0)).sum().alias("n")).select(
        pl.lit(None, pl.String).alias("paragraph"), "year", "n")
    return pl.concat([by_p, total])
