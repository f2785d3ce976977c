"""MonthBlocks and the billing-lag arithmetic on it, against hand-computed arrays."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from prognose.blocks import MonthBlocks
from prognose.lag import YEAR_END, billing_classes, measure_outstanding, month_of_year, outstanding
from prognose.months import month_number

D = dt.date


def blocks():
    return MonthBlocks(pl.Series("key", ["a", "b"]), D(2024, 11, 15), D(2025, 2, 1))   # Nov … Feb: width 4


def test_shape_months_and_frame():
    b = blocks()
    assert (b.width, b.size) == (4, 8)
    assert b.months().tolist() == [2024 * 12 + 10, 2024 * 12 + 11, 2025 * 12, 2025 * 12 + 1]
    assert b.frame(x=np.arange(8)).row(5) == ("b", D(2024, 12, 1), 5)


def test_cumulative_and_lagged_stay_inside_each_block():
    b = blocks()
    x = np.array([1.0, 2, 3, 4, 10, 20, 30, 40])
    assert b.cumulative(x).tolist() == [1, 3, 6, 10, 10, 30, 60, 100]
    assert b.lagged(x, 1).tolist() == [0, 1, 2, 3, 0, 10, 20, 30]
    assert b.lagged(x, 5).tolist() == [0] * 8


def test_place_refuses_amounts_it_cannot_sum_exactly():
    b = blocks()
    with pytest.raises(OverflowError):
        b.place(np.array([0]), np.array([2024 * 12 + 10]), np.array([2 ** 53]))


def test_outstanding_is_the_cost_of_the_last_k_months():
    b = MonthBlocks(pl.Series("key", ["a"]), D(2025, 1, 1), D(2025, 4, 1))
    cost = np.array([100.0, 200, 300, 400])
    k = np.array([1.5, 1.5, 0.0, 2.0])
    # k 1.5: this month and half the month before; k 0: nothing; k 2: this month and the one before
    assert outstanding(b, cost, k).tolist() == [100, 250, 0, 700]
    assert month_of_year(np.array([2025 * 12, 2025 * 12 + 11])).tolist() == [0, YEAR_END - 1]


def test_place_sums_items_by_key_position_and_month_number():
    b = blocks()   # Nov 2024 … Feb 2025
    nov = 2024 * 12 + 10
    index = np.array([0, 1, 1, -1, 0])
    number = np.array([nov, nov + 1, nov + 1, nov, nov + 4])   # a key of −1 and a month past the blocks are left out
    assert b.place(index, number, np.array([1, 2, 3, 4, 5])).tolist() == [1, 0, 0, 0, 0, 5, 0, 0]


def test_measure_outstanding_sums_grants_per_cohort_and_lets_an_ended_grant_leave():
    # grants A, B (the history's) and OLD (began before it), all in cohort 0; gi = row
    grants = pl.DataFrame({"start_date": [D(2024, 1, 1), D(2024, 2, 1), D(2020, 1, 1)],
                           "end_date": [None, D(2024, 2, 29), None], "ci": [0, 0, 0]})
    n = [2024 * 12 + m for m in range(12)]
    pieces = pl.DataFrame({"gi": [0] * 12 + [1, 2], "mi": n + [n[1], n[0]], "ore": [100] * 12 + [50, 999]})
    months = [D(2024, m, 1) for m in range(1, 13)]

    def linked(rows):
        return pl.DataFrame(rows, schema={"gi": pl.Int64, "posting_month": pl.Date, "period": pl.Date, "amount": pl.Int64},
                            orient="row").with_columns(month_number(pl.col("posting_month")).alias("pm"),
                                                       month_number(pl.col("period")).alias("pn"))

    # A is invoiced a month late; B's one month is never invoiced; OLD began before the history
    a = [(0, months[i + 1], months[i], 100) for i in range(11)] + [(2, months[0], months[0], 999)]
    # B has no linked posting at all: it cannot tell anything about billing
    obs = measure_outstanding(pieces, grants, linked(a), 1, D(2024, 12, 31), D(2024, 1, 1)).filter(pl.col("moy") != YEAR_END)
    assert obs.get_column("outstanding").to_list() == [100] * 12
    assert obs.get_column("cost_months").to_list() == [1] * 12
    # with one invoice for B, B counts from February until six months after its end, then leaves
    obs = measure_outstanding(pieces, grants, linked(a + [(1, months[4], months[4], 20)]), 1, D(2024, 12, 31),
                              D(2024, 1, 1)).filter(pl.col("moy") != YEAR_END)
    assert obs.get_column("outstanding").to_list() == [100, 150, 150, 150, 130, 130, 130, 130, 100, 100, 100, 100]
    assert obs.get_column("cost_months").to_list() == [1, 2] + [1] * 10


def test_billing_classes_by_the_phase_of_the_quarter_a_provider_books_in():
    grants = pl.DataFrame({"grant_id": ["a1", "a2", "b1", "c1", "d1", "e1"],
                           "provider": ["A", "A", "B", "C", None, "E"]})
    n = lambda y, m: y * 12 + m - 1  # noqa: E731
    rows = ([(0, n(2025, m), 100) for m in (1, 4, 7)] + [(1, n(2025, 10), 100), (1, n(2025, 2), 10)]   # A: 400 of 410 in phase 1
            + [(2, n(2025, m), 100) for m in range(1, 13)]                                        # B: every month
            + [(3, n(2025, 3), 50), (3, n(2025, 2), 50), (3, n(2025, 5), -500)]                   # C: a tie, credits ignored
            + [(4, n(2025, 1), 100)] + [(5, n(2025, 6), -100)])                                   # no provider; only a credit
    linked = pl.DataFrame(rows, schema={"gi": pl.Int64, "pm": pl.Int64, "amount": pl.Int64}, orient="row")
    got = dict(billing_classes(grants, linked).iter_rows())
    assert got == {"a1": "q1", "a2": "q1", "b1": "m", "c1": "m", "d1": None, "e1": None}
