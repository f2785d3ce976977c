"""What no grant explains: its level, its seasonal swing and how it follows the own provision."""

import datetime as dt

import polars as pl

from prognose.months import add_months
from prognose.residual import forecast_unexplained

D = dt.date


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def days_free(amount: float, month: dt.date) -> float:
    """A monthly amount as periodised by days (the own grants' cost), for a month-length driver."""
    days = (add_months(month, 1) - month).days
    return amount * days / (365.25 / 12)


def test_payroll_follows_the_own_provision_in_proportion():
    history = months(D(2023, 1, 1), D(2025, 6, 1))
    targets = months(D(2025, 7, 1), D(2025, 12, 1))
    # the own units cost 1.0 mio. a month and their payroll is 1.1 mio.; from October a unit that
    # costs half of it closes (its grants end with a reason, known at the as-of date)
    own = [1_000_000.0 if m <= D(2025, 9, 1) else 500_000.0 for m in history + targets]
    driver = pl.DataFrame({"account": "a", "month": history + targets, "own": [days_free(o, m) for o, m in
                                                                               zip(own, history + targets)]})
    hist = pl.DataFrame({"account": "a", "month": history, "unexplained": 1_100_000.0})
    out, params = forecast_unexplained(hist, D(2025, 6, 1), targets, driver)
    got = dict(zip(out.get_column("month").to_list(), out.get_column("amount").to_list()))
    assert abs(params.get_column("share").item() - 1.1) < 1e-9
    assert all(abs(got[m] - 1_100_000) < 1e-3 for m in targets[:3])
    assert all(abs(got[m] - 550_000) < 1e-3 for m in targets[3:])


def test_without_own_provision_the_level_carries_on():
    history = months(D(2023, 1, 1), D(2025, 6, 1))
    hist = pl.DataFrame({"account": "a", "month": history, "unexplained": 300_000.0})
    out, params = forecast_unexplained(hist, D(2025, 6, 1), months(D(2025, 7, 1), D(2025, 12, 1)))
    assert params.get_column("share").item() == 0.0
    assert out.get_column("amount").to_list() == [300_000.0] * 6


def test_the_seasonal_swing_grows_with_the_account():
    history = months(D(2022, 1, 1), D(2025, 11, 1))
    # bookings of 1.0 mio. a month in 2022–2024 and 2.0 mio. since; the unexplained part is 90,000 a
    # month then (180,000 now) and December brings 120,000 more in invoices caught up
    booked = [1_000_000.0 if m.year < 2025 else 2_000_000.0 for m in history]
    unexplained = [(90_000.0 if m.year < 2025 else 180_000.0) + (120_000.0 if m.month == 12 else 0.0) for m in history]
    hist = pl.DataFrame({"account": "a", "month": history, "unexplained": unexplained, "booked": booked})
    out, _ = forecast_unexplained(hist, D(2025, 11, 1), [D(2025, 12, 1)])
    # December was 110,000 above those years' mean; the last twelve months booked 1,916,667 a month
    # (11 of 2.0 mio., December 2024's 1.0 mio.), so the swing is 110,000 × 1.9167 = 210,833 now and
    # the other months' −10,000 is −19,167: a level of 180,000 + 19,167 and December at 410,000
    assert abs(out.get_column("amount").item() - 410_000) < 1e-6
    flat, _ = forecast_unexplained(hist.drop("booked"), D(2025, 11, 1), [D(2025, 12, 1)])
    assert abs(flat.get_column("amount").item() - (190_000 + 110_000)) < 1e-6   # without the bookings: the swing as it was


def test_a_unit_that_opened_is_followed_and_its_past_forecasts_were_right():
    history = months(D(2023, 1, 1), D(2025, 6, 1))
    targets = months(D(2025, 7, 1), D(2025, 12, 1))
    # a new unit opened in January 2025: the own grants cost 1.0 mio. a month before, 1.5 mio. since,
    # and their payroll is 1.2 kr. per krone of that cost
    own = {m: 1_000_000.0 if m.year < 2025 else 1_500_000.0 for m in history + targets}
    driver = pl.DataFrame({"account": "a", "month": list(own), "own": [days_free(o, m) for m, o in own.items()]})
    hist = pl.DataFrame({"account": "a", "month": history, "unexplained": [1.2 * own[m] for m in history]})
    out, params = forecast_unexplained(hist, D(2025, 6, 1), targets, driver)
    assert all(abs(a - 1_800_000) < 1e-3 for a in out.get_column("amount").to_list())
    # a mean of past months would have lagged the opening; the payroll per krone did not move, so
    # every past forecast of the kind made now was right
    assert params.get_column("horizon_sd").item() < 1e-3


def test_the_range_follows_how_forecasts_from_the_same_month_of_the_year_missed():
    from prognose.residual import MIN_CUTS, season_of_error
    # two accounts; the forecasts that started in December missed by half of what the others did
    rows = [(a, add_months(dt.date(2022, 1, 1), i), (1.0 if (i % 12) == 11 else 2.0) * (1 if i % 2 else -1) * scale)
            for a, scale in (("A", 1.0), ("B", 100.0)) for i in range(36)]
    errors = pl.DataFrame(rows, schema={"account": pl.String, "month": pl.Date, "err": pl.Float64}, orient="row")
    # each account's own root mean square: √((33·4 + 3·1)/36); December's (err/rms)² alike for both
    rms2 = (33 * 4 + 3 * 1) / 36
    assert abs(season_of_error(errors, 12) - 1 / rms2) < 1e-12
    assert abs(season_of_error(errors, 6) - 4 / rms2) < 1e-12
    # too few forecasts from that month: no scaling
    few = errors.filter((pl.col("month").dt.month() != 12) | (pl.col("month").dt.year() == 2022)).filter(pl.col("account") == "A")
    assert few.filter(pl.col("month").dt.month() == 12).height < MIN_CUTS
    assert season_of_error(few, 12) == 1.0
    assert season_of_error(errors, None) == 1.0
