"""The part of each account that no grant explains, and its forecast from the account's history.

Own institutions' payroll, sales of places to other municipalities, frame-financed services,
price regulations a grant's rate does not show: per account and booking month,
    unexplained(b) = booked(b) − expected grant bookings(b).
It is forecast as a seasonal profile (from the complete years of history) on top of either
  - the activity of the municipality's own provision (SPEC §1: own grants are not invoiced; their
    money reaches the account as the institutions' payroll): the level in proportion to the own
    grants' cost, level × own(m) ÷ own level, so a closed unit or a new one moves it as the
    grants known at the as-of date say — where the level is a plausible multiple of the own
    grants' cost (DRIVER_SHARE: the staff, their overhead and what else the unit books). A
    share fitted month by month moved with the noise of single months, not with the activity; or
  - a level and a linear trend taken from the last 24 closed months.
The level is the mean of the last 3, 6 or 12 closed months, whichever window would have
forecast the next months' sum best at the past months of the account's own history
(level_window): an account whose level moved at the turn of the year needs the short one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from prognose.blocks import MonthBlocks
from prognose.lag import MAX_LAG, YEAR_END, after_close, month_of_year, outstanding
from prognose.months import add_months, last_closed_month, month_end, months_between
from prognose.periodise import round_half_up
from prognose.supplementary import close_residuals, late_bookings, open_december

DRIVER_SHARE = (0.2, 3.0)   # kroner of unexplained bookings per krone of own grants' cost, where they follow them
MIN_CUTS = 6                # past forecasts needed to measure the error of an h-month sum
WINDOWS = (12, 6, 3)        # months the level may be the mean of; the first is the default


def past_forecasts(h: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """At every month of each account's history: the sum of the next `horizon` months (actual)
    and what each window of WINDOWS would have forecast it (fc_W): the W months before, per unit
    of their basis, times the basis of the months ahead — the level of the W months times
    `horizon` where the basis is 1, the payroll per krone of own grants' cost times their cost
    where the account follows its own provision (with_basis). h: account, month, adj (seasonally
    adjusted unexplained amounts, øre) and basis (1 where absent)."""
    if "basis" not in h.columns:
        h = h.with_columns(pl.lit(1.0).alias("basis"))
    out = (h.sort("account", "month")
           .with_columns(pl.col("adj").cum_sum().over("account").alias("cum"),
                         pl.col("basis").cum_sum().over("account").alias("cum_b"))
           .with_columns((pl.col("cum") - pl.col("adj")).alias("before"), (pl.col("cum_b") - pl.col("basis")).alias("before_b"),
                         pl.col("cum").shift(-(horizon - 1)).over("account").alias("through"),
                         pl.col("cum_b").shift(-(horizon - 1)).over("account").alias("through_b"))
           .with_columns((pl.col("through") - pl.col("before")).alias("actual"),
                         (pl.col("through_b") - pl.col("before_b")).alias("ahead")))
    per_unit = {w: (pl.col("before") - pl.col("before").shift(w).over("account"))
                / (pl.col("before_b") - pl.col("before_b").shift(w).over("account")) for w in WINDOWS}
    return out.with_columns(*[pl.when(pl.col("before_b") - pl.col("before_b").shift(w).over("account") > 0)
                              .then(per_unit[w] * pl.col("ahead")).alias(f"fc_{w}") for w in WINDOWS])


def level_window(past: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """account → window: of WINDOWS, the number of closed months whose level, at every past month
    with a year before it and `horizon` months after it, forecast the sum of those months with
    the least squared error (WINDOWS[0] with fewer than MIN_CUTS such months)."""
    if horizon <= 0 or past.is_empty():
        return pl.DataFrame(schema={"account": pl.String, "window": pl.Int64})
    cuts = past.filter(pl.col("actual").is_not_null() & pl.col(f"fc_{max(WINDOWS)}").is_not_null())
    errors = [((pl.col("actual") - pl.col(f"fc_{w}")) ** 2).mean().alias(f"e{w}") for w in WINDOWS]
    scored = cuts.group_by("account").agg(*errors, pl.len().alias("cuts"))
    best = pl.when(pl.col("cuts") < MIN_CUTS).then(pl.lit(WINDOWS[0]))
    for w in WINDOWS:   # the window whose error is the least of all
        best = best.when(pl.col(f"e{w}") <= pl.min_horizontal(*[pl.col(f"e{v}") for v in WINDOWS])).then(pl.lit(w))
    return scored.select("account", best.otherwise(pl.lit(WINDOWS[0])).cast(pl.Int64).alias("window"))


def horizon_error(past: pl.DataFrame, windows: pl.DataFrame, horizon: int, first_month: int | None = None) -> pl.DataFrame:
    """account → horizon_sd: how far the sum of the next `horizon` months has fallen from the
    forecast of the account's window, at every month of its own history where both are known (root
    mean square, øre). This is the error of the unexplained part's forecast, and of the billing
    timing it absorbs (an invoice a month late shows here as one month low, the next high; what is
    still outstanding when the year closes, as the year's last month low). With fewer than
    MIN_CUTS such past forecasts: the monthly spread σ·√(h + h²/12) instead. Both are scaled by
    how the forecasts made at this month of the year have missed beside those made at any month
    (season_of_error; first_month: the month the forecast starts with)."""
    if horizon <= 0 or past.is_empty():
        return pl.DataFrame(schema={"account": pl.String, "horizon_sd": pl.Float64})
    window = pl.col("window").fill_null(WINDOWS[0])
    forecast = pl.coalesce([pl.when(window == w).then(pl.col(f"fc_{w}")) for w in WINDOWS])
    s = past.join(windows, on="account", how="left").with_columns((pl.col("actual") - forecast).alias("err"))
    scale = season_of_error(s, first_month) ** 0.5
    return (s.group_by("account")
            .agg((pl.col("err").drop_nulls() ** 2).mean().sqrt().alias("rmse"), pl.col("err").drop_nulls().len().alias("cuts"),
                 pl.col("adj").std().alias("sigma"))
            .select("account", (pl.when(pl.col("cuts") >= MIN_CUTS).then(pl.col("rmse"))
                                .otherwise(pl.col("sigma") * (horizon + horizon ** 2 / 12) ** 0.5).fill_null(0.0) * scale)
                    .alias("horizon_sd")))


def season_of_error(errors: pl.DataFrame, first_month: int | None) -> float:
    """How the past forecasts that started in `first_month` missed beside all past forecasts: the
    mean over accounts' such forecasts of (error ÷ the account's root mean square error)², each
    account counting alike. A forecast from this month to the year's end never spans a new year's
    price and level changes, as one over the same number of months from another month does, and a
    December may follow its pattern closely in one municipality and bring the year's surprises in
    another: its history says which. 1 with fewer than MIN_CUTS such forecasts. errors: account,
    month (the first forecast month), err."""
    known = errors.filter(pl.col("err").is_not_null()).with_columns(
        (pl.col("err") ** 2).mean().over("account").sqrt().alias("rms"))
    same = known.filter((pl.col("month").dt.month() == first_month) & (pl.col("rms") > 0)) if first_month is not None \
        else known.head(0)
    if same.height < MIN_CUTS:
        return 1.0
    return same.select(((pl.col("err") / pl.col("rms")) ** 2).mean()).item()


def with_basis(h: pl.DataFrame, driver: pl.DataFrame | None) -> pl.DataFrame:
    """h (with age) with own, the own grants' cost per month (driver: account, month, own; or
    None), follows: whether the account follows its own provision — its unexplained part over the
    last 12 closed months a plausible multiple of that cost (DRIVER_SHARE) — and basis: that cost
    where it does, else 1."""
    if driver is None:
        return h.with_columns(pl.lit(0.0).alias("own"), pl.lit(False).alias("follows"), pl.lit(1.0).alias("basis"))
    h = h.join(driver, on=["account", "month"], how="left").with_columns(pl.col("own").fill_null(0.0))
    recent = (h.filter(pl.col("age") < 12).group_by("account")
              .agg(pl.col("unexplained").mean().alias("a"), pl.col("own").mean().alias("o")))
    follows = recent.filter((pl.col("o") > 0) & (pl.col("a") / pl.col("o")).is_between(*DRIVER_SHARE)).select(
        "account", pl.lit(True).alias("follows"))
    return (h.join(follows, on="account", how="left").with_columns(pl.col("follows").fill_null(False))
            .with_columns(pl.when(pl.col("follows")).then(pl.col("own")).otherwise(1.0).alias("basis")))


def seasonally_adjusted(history: pl.DataFrame, last_closed: dt.date,
                        driver: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(history with age, its months before the last closed one, own and basis (with_basis), and
    adj, the amount less its month's seasonal deviation; account → moy → season, the mean deviation
    from the year's mean in the complete years of history, at the account's size in the last 12
    closed months). The deviation holds the calendar and the growth a year usually brings: the
    months ahead get both, where the grants known at the as-of date show no growth of their own (a
    unit's newcomers are not known yet).

    A December that brings the year's catch-up is a larger amount on a larger account: where the
    history has the account's bookings (`booked`), each year's deviations are scaled by how much
    larger the account is now than it was that year (its mean booked month), so a growing account's
    seasonal swing grows with it."""
    h = history.with_columns(pl.col("month").dt.year().alias("y"), pl.col("month").dt.month().alias("moy"),
                             months_between(pl.col("month"), last_closed).alias("age"))
    h = with_basis(h, driver)
    h = h.join(size_factor(h), on=["account", "y"], how="left").with_columns(pl.col("factor").fill_null(1.0))
    complete = h.group_by("account", "y").agg(pl.len().alias("n")).filter(pl.col("n") == 12)
    seasonal = (
        h.join(complete, on=["account", "y"], how="semi")
        .with_columns(((pl.col("unexplained") - pl.col("unexplained").mean().over("account", "y")) * pl.col("factor"))
                      .alias("dev"))
        .group_by("account", "moy").agg(pl.col("dev").mean().alias("season"))
    )
    h = h.join(seasonal, on=["account", "moy"], how="left").with_columns(pl.col("season").fill_null(0.0))
    return h.with_columns((pl.col("unexplained") - pl.col("season") / pl.col("factor")).alias("adj")).drop("factor"), seasonal


def size_factor(h: pl.DataFrame) -> pl.DataFrame:
    """account, y → factor: the account's mean booked month in the last 12 closed months over its
    mean booked month in year y, for the complete years (1 for a year part-way, where either is not
    positive, or without bookings in h)."""
    if "booked" not in h.columns:
        return pl.DataFrame(schema={"account": pl.String, "y": h.schema["y"], "factor": pl.Float64})
    recent = h.filter(pl.col("age") < 12).group_by("account").agg(pl.col("booked").mean().alias("now"))
    return (h.group_by("account", "y").agg(pl.col("booked").mean().alias("then"), pl.len().alias("n"))
            .join(recent, on="account", how="left")
            .select("account", "y", pl.when((pl.col("n") == 12) & (pl.col("then") > 0) & (pl.col("now") > 0))
                    .then(pl.col("now") / pl.col("then"))
                    .otherwise(1.0).alias("factor")))


def monthly(driver: pl.DataFrame) -> pl.DataFrame:
    """The own grants' cost as a month of average length: payroll does not follow the number of days
    in a month (the seasonal profile holds whatever calendar pattern the account has), so the driver
    carries only how much own provision there is."""
    days = pl.col("month").dt.month_end().dt.day().cast(pl.Float64)
    return driver.select("account", "month", (pl.col("own").cast(pl.Float64) * (365.25 / 12) / days).alias("own"))


def forecast_unexplained(history: pl.DataFrame, last_closed: dt.date, targets: list[dt.date],
                         driver: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """history: account, month, unexplained (øre, float) for closed months up to `last_closed`;
    driver: account, month, own (øre of own grants' cost) for history and target months, or None.

    Returns (account, month, amount) for each target month, and the parameters per account:
    level and trend (øre per month), share of own grants' cost, seasonal amplitude, months used.
    """
    if driver is None or driver.is_empty():
        driver = pl.DataFrame(schema={"account": pl.String, "month": pl.Date, "own": pl.Float64})
    driver = monthly(driver)
    h, seasonal = seasonally_adjusted(history, last_closed, driver)
    past = past_forecasts(h, len(targets))
    windows = level_window(past, len(targets))
    params = parameters(h, windows, seasonal).join(
        horizon_error(past, windows, len(targets), targets[0].month if targets else None), on="account", how="left")
    params = params.select("account", "level", "trend", pl.col("share").fill_null(0.0), "own_level",
                           pl.col("season_range").fill_null(0.0), "months_used", "window", pl.col("horizon_sd").fill_null(0.0))
    ahead = -months_between(pl.col("month"), last_closed)
    grid = pl.DataFrame({"month": targets}, schema={"month": pl.Date})
    out = (
        params.join(grid, how="cross")
        .with_columns(pl.col("month").dt.month().alias("moy"))
        .join(seasonal, on=["account", "moy"], how="left")
        .join(driver, on=["account", "month"], how="left")
        .with_columns(
            (pl.col("level") + pl.col("trend") * (5.5 + ahead)
             + pl.col("share") * (pl.col("own").fill_null(0.0) - pl.col("own_level"))
             + pl.col("season").fill_null(0.0)).alias("amount")
        )
        .select("account", "month", "amount")
    )
    return out, params


def parameters(h: pl.DataFrame, windows: pl.DataFrame, seasonal: pl.DataFrame) -> pl.DataFrame:
    """Per account: the level (the mean of its window's months), the trend (with the 12-month level,
    where the account does not follow its own provision: a short window's level is already recent),
    and where it does, the share: its level per krone of own grants' cost."""
    recent = h.filter(pl.col("age") < 12).join(windows, on="account", how="left")
    before = h.filter((pl.col("age") >= 12) & (pl.col("age") < 24))
    in_window = pl.col("age") < pl.col("window").fill_null(WINDOWS[0])
    return (
        recent.group_by("account").agg(pl.col("adj").filter(in_window).mean().alias("level"), pl.len().alias("recent_months"),
                                       pl.col("own").filter(in_window).mean().alias("own_level"),
                                       pl.col("follows").first(),
                                       pl.col("adj").mean().alias("year_level"),
                                       pl.col("window").first().fill_null(WINDOWS[0]))
        .join(before.group_by("account").agg(pl.col("adj").mean().alias("prior"), pl.len().alias("prior_months")),
              on="account", how="left")
        .with_columns(
            pl.when((pl.col("prior_months") == 12) & (pl.col("window") == 12))
            .then((pl.col("year_level") - pl.col("prior")) / 12).otherwise(0.0).alias("trend"),
            (pl.col("recent_months") + pl.col("prior_months").fill_null(0)).alias("months_used"),
        )
        .join(seasonal.group_by("account").agg((pl.col("season").max() - pl.col("season").min()).alias("season_range")),
              on="account", how="left")
        .with_columns(pl.when(pl.col("follows") & (pl.col("own_level") > 0)).then(pl.col("level") / pl.col("own_level"))
                      .alias("ratio"))
        .with_columns(pl.when(pl.col("ratio").is_between(*DRIVER_SHARE)).then(pl.col("ratio")).alias("share"))
        .with_columns(pl.when(pl.col("share").is_not_null()).then(0.0).otherwise(pl.col("trend")).alias("trend"))
    )


def unexplained_lines(pieces: pl.DataFrame, k: np.ndarray, cohort_of: np.ndarray, cohorts: pl.DataFrame, booked: pl.DataFrame,
                      year: int, as_of: dt.date, hist_start: dt.date,
                      own: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """History of booked − expected grant bookings per account and month, and its forecast for Y."""
    last = last_closed_month(as_of)
    months = pl.date_range(hist_start, last, "1mo", eager=True)
    if months.len() == 0:
        empty = pl.DataFrame(schema={"account": pl.String, "month": pl.Date, "ore": pl.Int64})
        return empty, pl.DataFrame()
    m0 = as_of.replace(day=1)
    targets = [d for d in pl.date_range(m0, dt.date(year, 12, 1), "1mo", eager=True).to_list() if d > last]
    expected, closes = grant_history(pieces, k, cohort_of, cohorts, hist_start, last, with_closes=not targets)
    # the previous year's December, while its supplementary period is open, as it will be once closed
    per_period = (pl.concat([booked.select("account", "period", pl.col("amount").cast(pl.Float64)), open_december(booked, as_of)])
                  .group_by("account", "period").agg(pl.col("amount").sum().alias("booked")))
    accounts = pl.concat([per_period.select("account"), expected.select("account")]).unique()
    hist = (accounts.join(pl.DataFrame({"month": months}), how="cross")
            .join(expected, on=["account", "month"], how="left")
            .join(per_period.filter(pl.col("period") >= hist_start).rename({"period": "month"}), on=["account", "month"], how="left")
            .with_columns(pl.col("expected").fill_null(0.0), pl.col("booked").fill_null(0))
            .with_columns((pl.col("booked") - pl.col("expected")).alias("unexplained")))
    fc, params = forecast_unexplained(hist.select("account", "month", "unexplained", "booked"), last, targets, own)
    if as_of != month_end(as_of):  # the as-of month is part-way: only its remaining days are ahead
        share = 1 - as_of.day / month_end(as_of).day
        fc = fc.with_columns(pl.when(pl.col("month") == m0).then(pl.col("amount") * share).otherwise(pl.col("amount")))
    if targets:   # and what is still to be booked to the months already closed, as in the years before
        late = late_bookings(booked, as_of, year)
    else:         # no month ahead: the supplementary period, as the grants' lag missed it at earlier closes
        late, spread = close_residuals(booked, closes, as_of, year)
        params = (params.join(spread, on="account", how="full", coalesce=True)
                  .with_columns(pl.col("horizon_sd").fill_null(0.0).pow(2).add(pl.col("sd").fill_null(0.0).pow(2)).sqrt()
                                .alias("horizon_sd")).drop("sd"))
    fc = pl.concat([fc.select("account", "month", pl.col("amount").cast(pl.Float64)), late])
    fc = (fc.group_by("account", "month").agg(pl.col("amount").sum()).sort("account", "month")
          .with_columns(pl.col("amount").cum_sum().over("account").alias("cum"))
          .with_columns((round_half_up(pl.col("cum")) - round_half_up(pl.col("cum").shift(1).over("account").fill_null(0.0)))
                        .alias("ore")))
    return fc.select("account", "month", "ore"), params


def grant_history(pieces: pl.DataFrame, k: np.ndarray, cohort_of: np.ndarray, cohorts: pl.DataFrame, hist_start: dt.date,
                  last: dt.date, with_closes: bool = False) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """(account, month, expected: the grants' expected bookings in history, cost(b) + O(end of b−1)
    − O(end of b); with_closes: account, year, expected: what the lag expected the supplementary
    period of each December to bring, O at the year's last day less O after its close).

    Grants of the same cohort (provider, type and account) share k and O is linear in cost, so
    history's expected bookings are computed per cohort: cohort_of[gi] is grant gi's row in
    `cohorts` (cohort, account) and in k (cohorts, 13)."""
    blocks = MonthBlocks(cohorts.get_column("cohort"), add_months(hist_start, -1 - MAX_LAG), last)
    gi, mi, ore = (pieces.get_column(c).to_numpy() for c in ("gi", "mi", "ore"))
    cost = blocks.place(cohort_of.astype(np.int64)[gi], mi, ore)
    c, months_c = blocks.key_of_row(), blocks.number_of_row()
    close = after_close(blocks, k[c, YEAR_END - 1])
    o = outstanding(blocks, cost, k[c, month_of_year(months_c)], close)
    # summed per account and month (the cohorts' sum, in the cohorts' order)
    account_of = cohorts.select(pl.col("account").rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    by_account = MonthBlocks(cohorts.get_column("account").unique().sort(), blocks.first, last)
    sums = {"cost": cost, "o": o}
    if with_closes:   # O at December's last day (k of month 12) beside O after the close
        sums["o_dec"] = outstanding(blocks, cost, k[c, 11], close)
    acc = by_account.frame(**{name: by_account.place(account_of[c], months_c, v) for name, v in sums.items()})
    expected = acc.select("account", "month", (pl.col("cost") + pl.col("o").shift(1).over("account").fill_null(0.0)
                                               - pl.col("o")).alias("expected"))
    closes = (acc.filter(pl.col("month").dt.month() == 12)
              .select("account", pl.col("month").dt.year().alias("year"), (pl.col("o_dec") - pl.col("o")).alias("expected"))
              if with_closes else None)
    return expected, closes
