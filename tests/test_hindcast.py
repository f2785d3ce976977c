"""The engine's own backtest: what it knew at an earlier date, and how its misses scale the range."""

import polars as pl

from conftest import D
from prognose.hindcast import Past, as_known_at, calibrated, final_of, past_dates, scale
from prognose.uncertainty import Interval
from test_forecast import GRANT_SCHEMA, POSTING_SCHEMA, frame, grant


def posting(day, period, amount):
    return {"posting_date": day, "period": period, "account": "5.38.50", "amount": amount, "art": None, "citizen_id": None,
            "grant_id": None, "source": "finance", "text": None}


def test_what_was_known_at_an_earlier_date():
    died = {**grant("DIED", start=D(2020, 1, 1), end=D(2024, 9, 3)), "end_reason": "death"}
    moved_on = {**grant("STU", start=D(2021, 8, 1), end=D(2024, 7, 31)), "end_reason": "transition"}
    ended_before = {**grant("OLD", start=D(2020, 1, 1), end=D(2024, 2, 29)), "end_reason": "other"}
    review = grant("REVIEW", start=D(2022, 1, 1), end=D(2025, 3, 31))
    later = grant("LATER", start=D(2024, 8, 1), decided=D(2024, 7, 10))
    undated_later = grant("UNDATED", start=D(2024, 9, 1))
    grants = frame([died, moved_on, ended_before, review, later, undated_later], GRANT_SCHEMA)
    postings = frame([posting(D(2024, 6, 10), D(2024, 6, 1), 100), posting(D(2024, 7, 10), D(2024, 7, 1), 200)], POSTING_SCHEMA)
    known, seen = as_known_at(grants, postings, D(2024, 6, 30))
    rows = {r["grant_id"]: r for r in known.iter_rows(named=True)}
    assert set(rows) == {"DIED", "STU", "OLD", "REVIEW"}           # decided by then, or started by then
    assert rows["DIED"]["end_date"] is None and rows["DIED"]["end_reason"] is None    # a death is not foreseen
    assert rows["STU"]["end_date"] == D(2024, 7, 31) and rows["STU"]["end_reason"] is None
    assert rows["OLD"]["end_reason"] == "other"                       # it had ended by then
    assert rows["REVIEW"]["end_date"] == D(2025, 3, 31)
    assert seen.get_column("amount").to_list() == [100]


def test_past_years_need_two_complete_years_of_history_before_them():
    postings = frame([posting(D(2022, 1, 10), D(2022, 1, 1), 1)], POSTING_SCHEMA)
    assert past_dates(postings, D(2025, 6, 30)) == [D(2024, 6, 30)]
    assert past_dates(postings, D(2026, 2, 28)) == [D(2025, 2, 28), D(2024, 2, 29)]
    assert past_dates(postings, D(2024, 6, 30)) == []


def test_a_past_years_final_accounts_with_its_open_supplementary_period():
    postings = frame([posting(D(2024, 3, 10), D(2024, 3, 1), 1000), posting(D(2025, 1, 10), D(2024, 12, 1), 300),
                      posting(D(2025, 2, 10), D(2024, 12, 1), 400), posting(D(2025, 1, 10), D(2025, 1, 1), 5)], POSTING_SCHEMA)
    booked = pl.DataFrame({"account": ["5.38.50"] * 5,
                           "period": [D(2023, 1, 1), D(2023, 12, 1), D(2023, 12, 1), D(2024, 3, 1), D(2024, 12, 1)],
                           "posting_month": [D(2023, 1, 1), D(2023, 12, 1), D(2024, 2, 1), D(2024, 3, 1), D(2025, 1, 1)],
                           "amount": [1000, 300, 150, 1000, 300]})
    # closed: what is booked to its periods
    assert final_of(postings, booked, 2024, D(2025, 3, 31)) == 1700
    # still open at 31 January: booked so far, and what December 2023 came to per krone before it (450 per
    # 1,000), times 2024's 1,000, less the 300 booked to December so far
    assert final_of(postings, booked, 2024, D(2025, 1, 31)) == 1300 + 150


def test_the_range_widens_or_narrows_by_how_far_the_past_forecasts_missed_in_their_own_spread():
    assert scale([]) == 1.0
    assert abs(scale([Past(D(2024, 6, 30), 2024, 130, 100, 10.0)]) - ((1 + 9) / 2) ** 0.5) < 1e-12
    assert abs(scale([Past(D(2024, 6, 30), 2024, 100, 100, 10.0)]) - 0.5 ** 0.5) < 1e-12
    band = Interval(1000, 0, pl.DataFrame({"account": ["a", None], "p10": [80, 170], "p50": [100, 200], "p90": [130, 260]}))
    wide = calibrated(band, 2.0)
    assert wide.table.rows() == [("a", 60, 100, 160), (None, 140, 200, 320)]
    assert calibrated(band, 1.0) is band


def test_the_forecast_scales_its_range_by_its_own_forecast_a_year_earlier(tmp_path):
    from prognose.forecast import run_forecast
    from test_forecast import STEPS, budget, monthly_invoices, settings

    as_of = D(2025, 6, 30)
    grants = frame([grant(start=D(2021, 12, 1)), grant("G2", start=D(2021, 12, 1), rate=7_000.0, provider="Bofælles")], GRANT_SCHEMA)
    rows = monthly_invoices("G1", 1_000_000, D(2021, 12, 1), D(2025, 12, 1), as_of)
    rows += [{**r, "amount": 700_000 + 9_000 * (r["period"].month % 5)} for r in
             monthly_invoices("G2", 0, D(2021, 12, 1), D(2025, 12, 1), as_of)]
    postings = frame(rows, POSTING_SCHEMA)
    options = settings(tmp_path)
    plain = run_forecast(grants, STEPS, postings, budget(), options, 2025, as_of, draws=200, backtest=False)
    fc = run_forecast(grants, STEPS, postings, budget(), options, 2025, as_of, draws=200)
    assert [p.as_of for p in fc.past] == [D(2024, 6, 30)] and plain.past == []
    before, after = plain.interval.of(None), fc.interval.of(None)
    factor = scale(fc.past)
    assert factor != 1.0
    assert abs((after["p90"] - after["p50"]) - factor * (before["p90"] - before["p50"])) <= 1
    assert after["p50"] == before["p50"]
