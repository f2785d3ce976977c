"""The billing ratio: booked ÷ periodised cost over the latest closed year, by provider and up."""

import datetime as dt

import numpy as np
import polars as pl

from prognose.months import number_of
from prognose.realisation import billing_ratios, closed_year, ratio_sources, scale_pieces

D = dt.date


def test_the_closed_year_waits_for_the_supplementary_period():
    assert closed_year(D(2025, 2, 27)) == 2023
    assert closed_year(D(2025, 2, 28)) == 2024
    assert closed_year(D(2025, 11, 30)) == 2024


def month_pieces(gi, year, ore):
    return [(gi, number_of(D(year, m, 1)), ore) for m in range(1, 13)]


def frame(rows, names):
    return pl.DataFrame(rows, schema=names, orient="row")


def test_ratio_per_provider_with_enough_months_else_its_type():
    grants = pl.DataFrame({"provider": ["A", "B"], "provider_type": ["private", "private"], "account": ["x", "x"]})
    pieces = frame(month_pieces(0, 2024, 1000) + month_pieces(1, 2024, 1000)[:6] + month_pieces(0, 2023, 1000),
                   ["gi", "mi", "ore"])
    # A invoices 90 % of 2024 (and 85 % of 2023: the price drift); B, 6 months only, 80 %
    linked = frame([(0, number_of(D(2024, m, 1)), 900) for m in range(1, 13)]
                   + [(1, number_of(D(2024, m, 1)), 800) for m in range(1, 7)]
                   + [(0, number_of(D(2023, m, 1)), 850) for m in range(1, 13)], ["gi", "pn", "amount"])
    ratio, year, drift, table = billing_ratios(grants, pieces, linked, D(2025, 6, 30))
    assert year == 2024
    assert np.allclose(ratio, [0.9, (10800 + 4800) / 18000])   # B: A and B together at the type's level
    assert drift == 1.0   # one grant ran through both years: too few to tell the price from the billing
    assert set(table.get_column("level")) == {"provider", "provider_type+account", "provider_type"}
    # where each grant's ratio was learned: A by its own invoices, B by its type's on the account
    assert ratio_sources(grants, table).to_list() == ["provider", "provider_type+account"]
    assert ratio_sources(grants, table.filter(pl.col("level") == "provider")).to_list() == ["provider", "none"]


def drift_case(extra_booked_2024: int) -> float:
    """Twelve grants invoiced 85 % of their cost in 2023 and 88 % in 2024, and a thirteenth that
    starts in 2024 and books `extra_booked_2024` a month."""
    n = 13
    grants = pl.DataFrame({"provider": ["A"] * n, "provider_type": ["private"] * n, "account": ["x"] * n})
    pieces = [p for gi in range(12) for y in (2023, 2024) for p in month_pieces(gi, y, 1000)] + month_pieces(12, 2024, 1000)
    linked = ([(gi, number_of(D(2023, m, 1)), 850) for gi in range(12) for m in range(1, 13)]
              + [(gi, number_of(D(2024, m, 1)), 880) for gi in range(12) for m in range(1, 13)]
              + [(12, number_of(D(2024, m, 1)), extra_booked_2024) for m in range(1, 13)])
    _, _, drift, _ = billing_ratios(grants, frame(pieces, ["gi", "mi", "ore"]), frame(linked, ["gi", "pn", "amount"]),
                                    D(2025, 6, 30))
    return drift


def test_the_price_drift_is_how_the_same_grants_ratio_moved():
    # whatever the newcomer books, the grants that ran through both years moved by 88/85
    assert abs(drift_case(500) - 88 / 85) < 1e-12
    assert abs(drift_case(1400) - 88 / 85) < 1e-12


def test_no_price_drift_from_a_year_the_postings_do_not_cover():
    n = 12
    grants = pl.DataFrame({"provider": ["A"] * n, "provider_type": ["private"] * n, "account": ["x"] * n})
    pieces = [p for gi in range(n) for y in (2023, 2024) for p in month_pieces(gi, y, 1000)]
    # the postings begin in December 2023: that year's ratio is one month's, not the year's
    linked = ([(gi, number_of(D(2023, 12, 1)), 850) for gi in range(n)]
              + [(gi, number_of(D(2024, m, 1)), 880) for gi in range(n) for m in range(1, 13)])
    _, _, drift, _ = billing_ratios(grants, frame(pieces, ["gi", "mi", "ore"]), frame(linked, ["gi", "pn", "amount"]),
                                    D(2025, 6, 30))
    assert drift == 1.0


def test_grants_never_linked_keep_their_cost():
    grants = pl.DataFrame({"provider": ["A"], "provider_type": ["own"], "account": ["x"]})
    pieces = frame(month_pieces(0, 2024, 1000), ["gi", "mi", "ore"])
    ratio, *_ = billing_ratios(grants, pieces, frame([], {"gi": pl.Int64, "pn": pl.Int64, "amount": pl.Int64}),
                               D(2025, 6, 30))
    assert ratio.tolist() == [1.0]


def test_scaling_moves_each_year_by_the_drift():
    pieces = frame([(0, number_of(D(2024, 1, 1)), 1000), (0, number_of(D(2025, 1, 1)), 1000)], ["gi", "mi", "ore"])
    out = scale_pieces(pieces, np.array([0.9]), 2024, 1.02).get_column("ore").to_list()
    assert np.allclose(out, [900.0, 918.0])
