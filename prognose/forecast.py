"""The forecast for budget year Y as of date D (SPEC §3), as lines that each carry their origin.

    forecast = booked so far (periods in Y, posting date ≤ D)
             + known grants' bookings still to come for Y (their cost after D, plus what they have
               incurred but not yet been invoiced, less what will still be outstanding once
               December's supplementary period closes — see lag.py)
             + what no grant explains, still to come (residual.py)
             + the buffers (buffers/)

Every line has: account, paragraph, provider_type, month (booking period), origin, grant_id,
citizen_id (pseudonym) and amount in øre (Int64). Every view — per account, per paragraph,
per month, components, per grant — is a sum over these lines, so all totals agree to the øre.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np
import polars as pl

from prognose.buffers import BufferContext
from prognose.buffers.sickness import sickness_kind
from prognose.buffers.survival import own_runs_on
from prognose import components
from prognose.errors import InputError, Problem
from prognose.paragraphs import BPA, accounts_in_use
from prognose.months import add_months
from prognose.linking import link_by_citizen, provider_named, spread_by_provider
from prognose.notes import backtest_notes, forecast_notes
from prognose.hindcast import calibrated_by, past_forecasts
from prognose.schema import LINES, YEARLY
from prognose.bankdays import pending as invoices_pending
from prognose.blocks import MonthBlocks
from prognose.adjustments import adjustment_lines
from prognose.booked import sum_postings
from prognose.lag import MAX_LAG, YEAR_END, after_close, learn_lag as learn, month_of_year, outstanding
from prognose.periodise import periodise
from prognose.refusion import Refusion, Rule, forecast_refusion
from prognose.residual import unexplained_lines
from prognose.uncertainty import DRAWS, Interval, year_end_interval
from prognose.options import Options
from prognose.period import known_at



def in_order(lines: pl.DataFrame) -> pl.DataFrame:
    """Forecast lines in their fixed order, for writing them (a snapshot is the same bytes every time)."""
    return lines.sort("origin", "account", "month", "grant_id", "citizen_id", "paragraph", nulls_last=True)


@dataclass
class Forecast:
    year: int
    as_of: dt.date
    lines: pl.DataFrame
    budget: pl.DataFrame            # account, ore
    lag: pl.DataFrame               # level, key, moy, k, cost_months
    unexplained_params: pl.DataFrame
    grant_costs: pl.DataFrame       # grant_id, cost_year (øre in Y), remaining (øre still to book for Y), outstanding (øre at as-of)
    grant_lag: pl.DataFrame         # grant_id, billing_class, moy (the as-of month's, and 13), k (months outstanding), k_source,
    #                                 ratio (what its provider invoices of its cost), ratio_source
    buffers: list = field(default_factory=list)   # BufferResult per component, in the registry's order
    notes: list = field(default_factory=list)   # words.message.Message: what the controller should know
    interval: Interval | None = None            # P10/P50/P90 per account and in total (uncertainty.py)
    refusion: Refusion | None = None            # the refund of expensive single cases (refusion.py)
    yearly: pl.DataFrame | None = None          # account, year, booked, cost: the complete years before (yearly())
    past: list = field(default_factory=list)    # hindcast.Past: the engine's own forecasts of earlier years, which scale the interval


def sole_paragraph(grants: pl.DataFrame, paragraph_accounts: dict[str, str]) -> pl.DataFrame:
    """account → paragraph, for accounts that carry exactly one paragraph (else no row)."""
    pairs = pl.concat([
        grants.select("account", "paragraph"),
        pl.DataFrame({"account": list(paragraph_accounts.values()), "paragraph": list(paragraph_accounts)},
                     schema={"account": pl.String, "paragraph": pl.String}),
    ]).unique()
    return pairs.filter(pl.len().over("account") == 1)


def check_price_index(price_index: dict[int, float], first: int, last: int) -> None:
    if not price_index:
        return
    missing = [y for y in range(first, last + 1) if y not in price_index]
    if missing:
        raise InputError([Problem("prognose.toml", None, "price_index", None,
                                  f"an index value for every year {first}–{last} (missing: {', '.join(map(str, missing))})")])


@dataclass(frozen=True)
class Done:
    """A result already there: .result() gives it."""
    value: object

    def result(self):
        return self.value


def at_once(fn, *args) -> Done:
    """fn(*args) now, on this thread: how the forecast runs its components unless its caller
    hands it a second thread."""
    return Done(fn(*args))


def untimed(name: str, fn, *args):
    """A step of the forecast, run as it is (the caller may pass one that times it)."""
    return fn(*args)


def run_forecast(grants: pl.DataFrame, steps: pl.DataFrame, postings: pl.DataFrame, budget: pl.DataFrame,
                 options: Options, year: int, as_of: dt.date, buffers=None, learn_lag: bool = True,
                 draws: int = DRAWS, seed: int = 0, alongside=at_once, step=untimed, backtest: bool = True) -> Forecast:
    """buffers: BufferInputs (config and lists), or None to forecast without any buffer.
    learn_lag=False assumes every invoice is booked in the month of its service (an ablation).
    draws: simulations for the year-end interval (0: none), reproducible with `seed`.
    alongside(fn, *args) runs the buffers and returns what gives their result (.result()): at once
    by default; the caller may hand it a second thread (background.in_background).
    step(name, fn, *args) runs each named step of the forecast: the caller may time them. backtest: scale
    the interval by the engine's own forecasts of earlier years (hindcast.py)."""
    y_end = dt.date(year, 12, 31)
    hist_start = dt.date(year - 3, 1, 1)
    calc_start = add_months(hist_start, -6)
    check_price_index(options.price_index, calc_start.year, year)

    raw = postings
    known = known_at(grants, as_of)
    invoiced = known if options.own_settled_per_grant else known.filter(pl.col("provider_type") != "own")
    postings, linked_by_citizen = link_by_citizen(postings, invoiced)
    accounts = accounts_in_use(known, options.paragraph_accounts)   # where a paragraph without an account goes
    config = buffers.config if buffers is not None else {}
    # gi: each invoiced grant's row in `invoiced`, attached to its linked postings and carried on its
    # periodised months, so later steps place them in arrays without joins
    numbered = invoiced.with_row_index("gi")
    booked = step("sum postings", _booked, grants, postings, numbered, options, config, buffers is not None, as_of)
    ctx = BufferContext(year, as_of, known, invoiced, steps, booked, options.price_index, accounts,
                        MappingProxyType(dict(buffers.lists))) if buffers is not None else None
    # the components need only the grants and the summed postings: given a second thread by the
    # caller, they run on it while this one periodises and measures the lag,
    pending = alongside(step, "components (alongside)", components.run_components, ctx, config) if ctx is not None else None
    # and the engine's own forecast of a year before, which needs nothing of this one
    hindcast = alongside(step, "own backtest (alongside)", past_forecasts, run_forecast, grants, steps, raw, budget, options,
                         year, as_of, buffers) if backtest and draws > 0 else None
    # BPA substitute pay and the refund of expensive cases are forecast on their own: the lag and the rest learn without them
    model = booked.filter(~pl.col("kind").is_in(["bpa_sickness", "refusion"]))
    pieces = step("periodise", _periodised, numbered, steps, calc_start, y_end, options.price_index, as_of)
    # learn only from months the postings cover: a grant that started before them looks unbilled
    covered_from = max([hist_start, *[d.replace(day=1) for d in [booked.get_column("first_date").min()] if d]])
    spread = step("provider invoices", spread_by_provider, model, numbered)
    lag = step("billing lag", learn, invoiced, pieces, model, as_of, covered_from, options.outstanding_months, learn_lag, spread)
    grant_lines, grant_costs = step("known grants ahead", expected_grant_bookings, lag.pieces, lag.k[lag.cohort_of],
                                    invoiced.get_column("grant_id"), year, as_of)
    own = own_activity(known, steps, options, calc_start, y_end, as_of)
    unexplained, params = step("unexplained part", unexplained_lines, lag.pieces, lag.k, lag.cohort_of, lag.cohorts, model,
                               year, as_of, covered_from, own)
    weekend = step("weekend invoices", invoices_pending, postings, as_of, year, options.refusion.kinds)
    unexplained = pl.concat([unexplained, weekend.lines]).group_by("account", "month").agg(pl.col("ore").sum())
    results = pending.result() if pending is not None else []
    refusion = step("refusion", forecast_refusion, known, steps, postings, options.refusion, options.price_index, year, as_of,
                    hist_start.year, _changes(results))
    para = sole_paragraph(known, accounts)
    lines = assemble([booked_lines(booked, known, para, year), grant_part(grant_lines, invoiced),
                      unexplained_part(unexplained, para), *[buffer_part(r) for r in results],
                      *other_parts(buffers, refusion, para, year)])
    bud = budget.filter(pl.col("year") == year).select("account", pl.col("amount").alias("ore"))
    notes = forecast_notes(buffers, results, linked_by_citizen, spread, weekend, lines, bud, year, as_of)
    band, past = _band(step, lines, params, results, grant_costs, invoiced, lag, refusion, draws, seed, hindcast, raw, booked, as_of)
    notes += backtest_notes(past, band)
    return Forecast(year, as_of, lines, bud, lag.k_table, params, grant_costs, lag.grant_lag, buffers=results, notes=notes,
                    interval=band, refusion=refusion, yearly=yearly(booked, pieces, invoiced, own, as_of), past=past)


def _band(step, lines: pl.DataFrame, params: pl.DataFrame, results: list, grant_costs: pl.DataFrame, invoiced: pl.DataFrame,
          lag, refusion: Refusion | None, draws: int, seed: int, hindcast, postings: pl.DataFrame, booked: pl.DataFrame,
          as_of: dt.date) -> tuple[Interval | None, list]:
    """The year-end interval, scaled by the engine's own forecasts of earlier years (hindcast: what
    gives them, or None), and those forecasts held against their final accounts."""
    band = step("interval", year_end_interval, lines, params, results, grant_costs, invoiced, lag.cohort_of, lag.billing_cv,
                refusion, draws, seed) if draws > 0 else None
    return calibrated_by(band, hindcast, postings, booked, as_of)


def yearly(booked: pl.DataFrame, pieces: pl.DataFrame, invoiced: pl.DataFrame, own: pl.DataFrame | None,
           as_of: dt.date) -> pl.DataFrame:
    """account, year, booked, cost (øre): each complete year before the as-of year that the postings
    hold, what was booked to it and what its grants — invoiced (pieces) and own provision (own:
    account, month, own) — cost in it by their plans: how each account has moved beside its
    grants (the years ahead's range, projection.history_spread)."""
    first = booked.get_column("period").min()
    years = list(range(first.year + (first.month > 1), as_of.year)) if first is not None else []
    year = pl.col("month").dt.year().cast(pl.Int32)
    b = (booked.filter(pl.col("period").dt.year().is_in(years))
         .group_by("account", pl.col("period").dt.year().cast(pl.Int32).alias("year")).agg(pl.col("amount").sum().alias("booked")))
    c = (pieces.filter(year.is_in(years)).join(invoiced.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("gi"), "account"),
                                               on="gi")
         .select("account", year.alias("year"), pl.col("ore").cast(pl.Float64).alias("cost")))
    if own is not None:
        c = pl.concat([c, own.filter(year.is_in(years)).select("account", year.alias("year"), pl.col("own").alias("cost"))])
    c = c.group_by("account", "year").agg(pl.col("cost").sum())
    out = b.join(c, on=["account", "year"], how="full", coalesce=True).fill_null(0)
    return out.select([pl.col(k).cast(t) for k, t in YEARLY.items()]).sort("account", "year")


def _periodised(numbered: pl.DataFrame, steps: pl.DataFrame, start: dt.date, end: dt.date, price_index: dict[int, float],
                as_of: dt.date) -> pl.DataFrame:
    """Every invoiced grant's cost per month from `start` to `end`, split at the as-of date, with its row number."""
    return periodise(numbered.lazy(), steps.lazy(), start, end, price_index, split=as_of,
                     carry=("gi",)).collect().rechunk()   # one chunk: read as arrays without copies


def _changes(results: list) -> pl.DataFrame | None:
    """What the buffers add or take away per citizen: the refund of expensive cases follows it."""
    return pl.concat([r.lines.select("citizen_id", "account", "paragraph", "month", "ore") for r in results]) if results else None


def _booked(grants: pl.DataFrame, postings: pl.DataFrame, numbered: pl.DataFrame, options: Options, config: dict, with_buffers: bool,
            as_of: dt.date) -> pl.DataFrame:
    """The postings known at the as-of date, each with its kind (booked.sum_postings)."""
    sick = components.settings_of(config)["bpa_sickness"]
    bpa_accounts = grants.filter(pl.col("paragraph").is_in(list(BPA))).get_column("account").unique().to_list()
    kind = sickness_kind(postings.lazy(), bpa_accounts, sick) if with_buffers and sick["enabled"] \
        else pl.lit("other")
    rule = options.refusion
    refund = (pl.col("art").str.strip_chars().is_in(rule.kinds) if "art" in postings.columns and rule.enabled != "off"
              else pl.lit(False))
    return sum_postings(postings, numbered.lazy().select("grant_id", "gi"), as_of, bpa_accounts, kind, refund,
                        provider_named(numbered, postings.columns))


def booked_lines(booked: pl.DataFrame, known: pl.DataFrame, para: pl.DataFrame, year: int) -> pl.LazyFrame:
    """What has been booked to the year's periods, per account, paragraph, month, grant and citizen."""
    return (
        booked.lazy().filter(pl.col("period").is_between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .join(known.lazy().select("grant_id", pl.col("paragraph").alias("gp"), "provider_type"), on="grant_id", how="left")
        .join(para.lazy(), on="account", how="left")
        .group_by("account", pl.coalesce("gp", "paragraph").alias("paragraph"), "provider_type",
                  pl.col("period").alias("month"), "grant_id", "citizen_id")
        .agg(pl.col("amount").sum().alias("ore"))
        .with_columns(pl.lit("booked").alias("origin"))
    )


def grant_part(grant_lines: pl.DataFrame, invoiced: pl.DataFrame) -> pl.DataFrame:
    return grant_lines.join(invoiced.select("grant_id", "account", "paragraph", "provider_type", "citizen_id"), on="grant_id"
                            ).with_columns(pl.lit("grants").alias("origin"))


def _unattributed(frame: pl.DataFrame, origin: str, *missing: str) -> pl.DataFrame:
    """A part of the forecast with no provider type, grant or citizen of its own (as named in `missing`)."""
    return frame.with_columns(pl.lit(origin).alias("origin"), *[pl.lit(None, pl.String).alias(c) for c in missing])


def unexplained_part(unexplained: pl.DataFrame, para: pl.DataFrame) -> pl.DataFrame:
    return _unattributed(unexplained.join(para, on="account", how="left"), "unexplained", "provider_type", "grant_id", "citizen_id")


def other_parts(buffers, refusion: Refusion | None, para: pl.DataFrame, year: int) -> list:
    """The controller's adjustments and the refund of expensive cases, where there are any."""
    adjustments = buffers.adjustments if buffers is not None else None
    return ([adjustment_lines(adjustments, year, para)] if adjustments is not None else []) + \
        ([refusion_part(refusion, para)] if refusion is not None else [])


def buffer_part(result) -> pl.DataFrame:
    """A component's lines; a line that is one grant's (extensions) keeps its grant."""
    return _unattributed(result.lines, components.origin(result.name), "provider_type")


def refusion_part(refusion: Refusion, para: pl.DataFrame) -> pl.DataFrame:
    """On the paragraph of the citizens' largest costs; where none is known, the account's own."""
    lines = refusion.lines.join(para.rename({"paragraph": "sole"}), on="account", how="left").with_columns(
        pl.coalesce("paragraph", "sole").alias("paragraph"))
    return _unattributed(lines, "refusion", "provider_type", "grant_id", "citizen_id")


def assemble(parts: list) -> pl.DataFrame:
    """The forecast's lines, in no particular order (every view sums; writers use in_order)."""
    return pl.concat([p.lazy().select([pl.col(c).cast(t) for c, t in LINES.items()]) for p in parts]).filter(
        pl.col("ore") != 0).collect()


def expected_grant_bookings(pieces: pl.DataFrame, k: np.ndarray, grant_ids: pl.Series,
                            year: int, as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per grant and booking month of Y from the as-of month on: cost + O(previous) − O(this).

    pieces: periodise(…, split=as_of, carry=("gi",)), gi the grant's position in grant_ids;
    k: (grants, 13) array of each grant's k per month of the year. The first O is the as-of
    point itself (the as-of month's cost only up to the as-of date); the others are the
    month-ends from the as-of month to December, December after its supplementary period. Costs
    of the previous year count only as far as they are still outstanding after that year's
    supplementary period (what is booked in it belongs to the previous year)."""
    m0 = as_of.replace(day=1)
    ahead = max(0, (year - m0.year) * 12 + 12 - m0.month + 1)        # month-ends from the as-of month to December
    blocks = MonthBlocks(grant_ids, add_months(m0, -MAX_LAG), add_months(m0, max(ahead - 1, 0)))
    gi, mi, ore_p, later = (pieces.get_column(c).to_numpy() for c in ("gi", "mi", "ore", "after"))
    gi = gi.astype(np.int64)
    in_y = mi // 12 == year
    full = blocks.place(gi, mi, ore_p)
    before = blocks.place(np.where(later, -1, gi), mi, ore_p)
    months, g = blocks.number_of_row(), blocks.key_of_row()
    # the year before's months count only as far as its supplementary period leaves them outstanding
    # (an as-of date in that period itself reaches back no further than the year forecast)
    close = after_close(blocks, k[g, YEAR_END - 1]) if m0.year == year else None
    p0 = MAX_LAG                                                  # the as-of month's position
    o_now = outstanding(blocks, before, k[g, m0.month - 1], close).reshape(-1, blocks.width)[:, p0]
    o_ends = outstanding(blocks, full, k[g, month_of_year(months)], close).reshape(-1, blocks.width)[:, p0:p0 + ahead]
    after = blocks.place(np.where(later & in_y, gi, -1), mi, ore_p).reshape(-1, blocks.width)[:, p0:p0 + ahead]
    o = np.concatenate([o_now[:, None], o_ends], axis=1)
    cum = np.cumsum(after + (o[:, :-1] - o[:, 1:]), axis=1)
    rounded = np.floor(cum + 0.5).astype(np.int64)
    ore = np.diff(rounded, axis=1, prepend=0)
    flows = pl.DataFrame({"grant_id": grant_ids.gather(np.repeat(np.arange(grant_ids.len()), ahead)),
                          "month": pl.date_range(m0, add_months(m0, max(ahead - 1, 0)), "1mo", eager=True).head(ahead)
                          .gather(np.tile(np.arange(ahead), grant_ids.len())),
                          "ore": ore.reshape(-1)}).filter(pl.col("ore") != 0)
    cost_year = np.rint(np.bincount(gi[in_y], weights=ore_p[in_y].astype(np.float64),
                                    minlength=grant_ids.len())).astype(np.int64)
    costs = pl.DataFrame({"grant_id": grant_ids, "cost_year": cost_year, "remaining": ore.sum(axis=1),
                          "outstanding": np.floor(o_now + 0.5).astype(np.int64)})
    return flows, costs


def own_activity(known: pl.DataFrame, steps: pl.DataFrame, options: Options, start: dt.date, end: dt.date,
                 as_of: dt.date) -> pl.DataFrame | None:
    """Cost of own provision per account and month (account, month, own), or None when the
    municipality settles own provision per grant. A planned end date that has not been confirmed
    by an end reason is a review date, not an end: such grants run on (ends are the buffers' job)."""
    if options.own_settled_per_grant:
        return None
    own = own_runs_on(known.filter(pl.col("provider_type") == "own"), as_of)
    if own.is_empty():
        return None
    return (periodise(own.lazy(), steps.lazy(), start, end, options.price_index, carry=("account",))
            .group_by("account", "month").agg(pl.col("ore").sum().cast(pl.Float64).alias("own")).collect())
