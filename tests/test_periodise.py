"""Periodisation against hand-computed amounts and, by property, against exact fractions."""

import datetime as dt
from fractions import Fraction

import polars as pl
from hypothesis import given, settings, strategies as st

from prognose.periodise import periodise

D = dt.date


def grants(rows):
    cols = ["grant_id", "unit", "rate", "quantity", "price_year", "start_date", "end_date"]
    return pl.LazyFrame([dict(zip(cols, r)) for r in rows],
                        schema={"grant_id": pl.String, "unit": pl.String, "rate": pl.Float64, "quantity": pl.Float64,
                                "price_year": pl.Int64, "start_date": pl.Date, "end_date": pl.Date})


def steps(rows=()):
    return pl.LazyFrame([dict(zip(["grant_id", "effective_date", "quantity", "rate"], r)) for r in rows],
                        schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64})


def months(g, s=None, start=D(2024, 1, 1), end=D(2024, 12, 31), **kw):
    out = periodise(g, s if s is not None else steps(), start, end, **kw).collect()
    return {(r["grant_id"], r["month"].month, r["after"]): r["ore"] for r in out.iter_rows(named=True)}


def test_every_unit_full_and_partial_months():
    g = grants([
        ("y", "year", 120000.0, 1.0, None, D(2024, 1, 15), D(2024, 2, 29)),
        ("m", "month", 31000.0, 1.0, None, D(2024, 3, 2), D(2024, 3, 31)),
        ("w", "week", 7000.0, 2.0, None, D(2024, 4, 1), D(2024, 4, 10)),
        ("d", "day", 1500.5, 1.0, None, D(2024, 5, 30), D(2024, 6, 2)),
        ("h", "hour", 300.0, 10.0, None, D(2024, 2, 1), D(2024, 2, 29)),
    ])
    m = months(g)
    assert m[("y", 1, False)] == 548387          # 10.000 × 17/31
    assert m[("y", 2, False)] == 1000000         # leap February, whole month
    assert m[("m", 3, False)] == 3000000         # 31.000 × 30/31
    assert m[("w", 4, False)] == 2000000         # 7.000 × 2 × 10/7
    assert m[("d", 5, False)] == 300100 and m[("d", 6, False)] == 300100
    assert m[("h", 2, False)] == 1242857         # 300 × 10 h/week × 29/7


def test_open_ended_grant_runs_to_horizon():
    m = months(grants([("a", "month", 1000.0, 1.0, None, D(2023, 6, 1), None)]))
    assert [m[("a", k, False)] for k in range(1, 13)] == [100000] * 12


def test_plan_steps_change_quantity_and_rate_from_their_date():
    g = grants([("h", "hour", 300.0, 10.0, None, D(2024, 1, 1), D(2024, 4, 30))])
    s = steps([("h", D(2024, 3, 1), 6.0, None), ("h", D(2024, 4, 1), None, 350.0)])
    m = months(g, s)
    cum = [m[("h", k, False)] for k in (1, 2, 3, 4)]
    # amounts are rounded on the running total: compare running totals with exact arithmetic
    exact = [300 * 10 * 31 / 7, 300 * 10 * 29 / 7, 300 * 6 * 31 / 7, 350 * 6 * 30 / 7]
    for k in range(1, 5):
        assert sum(cum[:k]) == round(sum(exact[:k]) * 100)


def test_step_before_start_applies_from_start_and_end_date_still_ends():
    g = grants([("a", "month", 1000.0, 1.0, None, D(2024, 3, 1), D(2024, 3, 31))])
    m = months(g, steps([("a", D(2024, 1, 1), None, 2000.0), ("a", D(2024, 5, 1), None, 9000.0)]))
    assert m == {("a", 3, False): 200000}


def test_price_index_scales_by_month_year():
    g = grants([("a", "year", 120000.0, 1.0, 2024, D(2024, 12, 1), D(2025, 1, 31))])
    m = months(g, start=D(2024, 1, 1), end=D(2025, 12, 31), price_index={2024: 100.0, 2025: 102.0})
    assert m[("a", 12, False)] == 1000000 and m[("a", 1, False)] == 1020000


def test_split_at_as_of_date_divides_the_month():
    m = months(grants([("a", "month", 3000.0, 1.0, None, D(2024, 1, 1), D(2024, 1, 31))]), split=D(2024, 1, 10))
    assert m[("a", 1, False)] == round(300000 * 10 / 31) and m[("a", 1, True)] == 300000 - round(300000 * 10 / 31)


def exact_cost(unit, rate, qty, start, end):
    total = Fraction(0)
    day = start
    r = Fraction(rate).limit_denominator(10**6) * Fraction(qty).limit_denominator(10**6) * 100
    while day <= end:
        nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        dim = (nxt - day.replace(day=1)).days
        days = (min(end, nxt - dt.timedelta(days=1)) - day).days + 1
        total += {"year": r * days / (12 * dim), "month": r * days / dim, "week": r * days / 7,
                  "day": r * days, "hour": r * days / 7}[unit]
        day = nxt
    return total


@settings(max_examples=300, deadline=None)
@given(unit=st.sampled_from(["year", "month", "week", "day", "hour"]),
       rate_ore=st.integers(0, 200_000_000), qty=st.integers(1, 400),
       start=st.dates(D(2020, 1, 1), D(2027, 12, 31)), length=st.integers(0, 1500))
def test_months_sum_to_the_grants_cost_to_the_ore(unit, rate_ore, qty, start, length):
    rate, quantity = rate_ore / 100, qty / 4
    end = start + dt.timedelta(days=length)
    out = periodise(grants([("g", unit, rate, quantity, None, start, end)]), steps(), D(2020, 1, 1), D(2032, 12, 31)).collect()
    exact = exact_cost(unit, Fraction(rate_ore, 100), Fraction(qty, 4), start, end)
    assert abs(out.get_column("ore").sum() - exact) <= Fraction(1, 2) + Fraction(1, 10**4)
    assert out.height == len({(start + dt.timedelta(days=i)).replace(day=1) for i in range(length + 1)})
