"""Month arithmetic shared by the engine, on hand-checked dates."""

import datetime as dt

import polars as pl

from prognose.months import add_months, is_month_end, last_closed_month, month_end, month_ends, months_between

D = dt.date


def test_month_end_and_leap_years():
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert month_end(D(2025, 2, 1)) == D(2025, 2, 28)
    assert month_end(D(2025, 12, 31)) == D(2025, 12, 31)
    assert is_month_end(D(2025, 4, 30)) and not is_month_end(D(2025, 4, 29))
    assert month_ends(2024)[1] == D(2024, 2, 29) and len(month_ends(2024)) == 12


def test_add_months_crosses_years_both_ways():
    assert add_months(D(2025, 11, 15), 3) == D(2026, 2, 1)
    assert add_months(D(2025, 1, 31), -1) == D(2024, 12, 1)


def test_last_closed_month_of_a_part_month_is_the_month_before():
    assert last_closed_month(D(2025, 6, 30)) == D(2025, 6, 1)
    assert last_closed_month(D(2025, 6, 15)) == D(2025, 5, 1)
    assert last_closed_month(D(2025, 1, 10)) == D(2024, 12, 1)


def test_months_between_a_date_and_an_expression():
    df = pl.DataFrame({"a": [D(2024, 11, 1), D(2025, 6, 1)], "b": [D(2025, 2, 1), D(2025, 6, 1)]})
    out = df.select(months_between(pl.col("a"), D(2025, 6, 1)).alias("to_date"),
                    months_between(pl.col("a"), pl.col("b")).alias("to_col"))
    assert out.get_column("to_date").to_list() == [7, 0]
    assert out.get_column("to_col").to_list() == [3, 0]


def test_per_day_looks_up_what_the_date_function_gives_every_row():
    from prognose.months import date_bounds, month_number, per_day

    days = [dt.date(2023, 12, 31), dt.date(2024, 2, 29), None, dt.date(2024, 3, 1), dt.date(2025, 1, 1), dt.date(2024, 2, 29)]
    frame = pl.DataFrame({"d": days}, schema={"d": pl.Date})
    bounds = date_bounds(frame, "d")
    assert bounds == (dt.date(2023, 12, 31), dt.date(2025, 1, 1))
    for fn in (lambda d: d.dt.month_start(), month_number, lambda d: pl.date(d.dt.year() - 1, 1, 1)):
        looked_up = frame.select(per_day(pl.col("d"), *bounds, fn).alias("v")).to_series()
        direct = frame.select(fn(pl.col("d")).alias("v")).to_series()
        assert looked_up.to_list() == direct.to_list()
    assert date_bounds(frame.clear(), "d") is None
