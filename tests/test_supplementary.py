"""The supplementary period: what earlier years' Decembers and months still received after the same day."""

import polars as pl

from conftest import D
from prognose.supplementary import close_residuals, late_bookings, open_december


def booked(rows: list[tuple]) -> pl.DataFrame:
    """(account, period, posting month, amount in øre[, provider named]) as booked.sum_postings gives them."""
    return pl.DataFrame([(*r, None)[:5] for r in rows], schema={"account": pl.String, "period": pl.Date, "posting_month": pl.Date,
                                                                "amount": pl.Int64, "provider": pl.String}, orient="row"
                        ).with_columns(pl.lit("other").alias("kind"), pl.lit(None, pl.UInt32).alias("gi"))


def test_the_open_december_comes_to_what_earlier_decembers_did_per_krone_of_their_year_before_it():
    b = booked([("a", D(2023, 1, 1), D(2023, 1, 1), 1100), ("a", D(2023, 12, 1), D(2023, 12, 1), 600),
                ("a", D(2023, 12, 1), D(2024, 2, 1), 500),          # December 2023: 1,100 for 1,100 before it
                ("a", D(2024, 6, 1), D(2024, 6, 1), 1200), ("a", D(2024, 12, 1), D(2024, 12, 1), 900),
                ("a", D(2024, 12, 1), D(2025, 1, 1), 100),          # December 2024 so far: 1,000
                ("b", D(2023, 12, 1), D(2024, 2, 1), 50)])          # nothing before December: nothing to go by
    out = open_december(b, D(2025, 1, 31))
    # 1,100 per 1,100, times 2024's 1,200 before December, less the 1,000 booked to it so far
    assert out.rows() == [("a", D(2024, 12, 1), 200.0)]


def test_from_march_the_year_before_is_closed():
    b = booked([("a", D(2023, 1, 1), D(2023, 1, 1), 1000), ("a", D(2023, 12, 1), D(2023, 12, 1), 360),
                ("a", D(2023, 12, 1), D(2024, 3, 1), 40), ("a", D(2024, 1, 1), D(2024, 1, 1), 1000),
                ("a", D(2024, 12, 1), D(2024, 12, 1), 300)])
    assert open_december(b, D(2025, 3, 31)).is_empty()
    # at the end of February: 400 per 1,000, less the 300 so far
    assert open_december(b, D(2025, 2, 28)).get_column("amount").to_list() == [100.0]


def test_late_bookings_are_the_mean_of_what_past_years_booked_later_to_their_months_so_far():
    b = booked([("a", D(2023, 1, 1), D(2023, 1, 1), 7), ("a", D(2023, 3, 1), D(2023, 7, 1), 100), ("a", D(2024, 5, 1), D(2024, 9, 1), 300),
                ("a", D(2024, 8, 1), D(2024, 9, 1), 999),          # a month after June: not the year's so far
                ("a", D(2024, 2, 1), D(2024, 3, 1), 50),            # booked by June: not late
                ("a", D(2024, 4, 1), D(2024, 8, 1), 70, "Bostedet")])  # a provider's invoice: the grants expect it
    out = late_bookings(b, D(2025, 6, 30), 2025, years=2)
    assert out.row(0) == ("a", D(2025, 6, 1), 200.0)


def test_a_close_brings_what_earlier_closes_brought_beyond_the_grants_lag_and_its_spread():
    # per year 1,000 booked by its last day, then 100, 150 and 50 after it, of which the lag expected
    # 40, 40 and 40; this year 2,000 so far
    rows = []
    for y, late in ((2022, 100), (2023, 150), (2024, 50)):
        rows += [("a", D(y, 1, 1), D(y, 1, 1), 1000), ("a", D(y, 12, 1), D(y + 1, 1, 1), late)]
    rows.append(("a", D(2025, 6, 1), D(2025, 6, 1), 2000))
    expected = pl.DataFrame({"account": ["a"] * 3, "year": [2022, 2023, 2024], "expected": [40.0] * 3},
                            schema={"account": pl.String, "year": pl.Int32, "expected": pl.Float64})
    lines, spread = close_residuals(booked(rows), expected, D(2025, 12, 31), 2025)
    # at today's size (× 2) the rests are 120, 220 and 20: their mean, in December
    assert lines.rows() == [("a", D(2025, 12, 1), 120.0)]
    # held against the others' means 120, 70, 170: misses 0, 150, −150
    assert abs(spread.get_column("sd").item() - (2 * 150 ** 2 / 3) ** 0.5) < 1e-9
    # with one closed year there is its rest but nothing to hold it against
    lines, spread = close_residuals(booked(rows[:2] + rows[-1:]), expected, D(2025, 12, 31), 2025)
    assert lines.get_column("amount").to_list() == [120.0] and spread.is_empty()
