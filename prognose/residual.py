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

import polars as pl

from prognose.months import months_between

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
