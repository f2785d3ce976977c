"""Activity on a hand-made municipality whose counts, full-year persons and prices were worked out by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from prognose.activity import activity, per_year

D = dt.date
MONTH = {"unit": "month", "quantity": 1.0}


def grant(gid, citizen, paragraph, start, end=None, reason=None, unit="month", rate=0.0, quantity=1.0, ptype="private"):
    return {"grant_id": gid, "citizen_id": citizen, "paragraph": paragraph, "account": "5.38.50" if paragraph == "SEL 108" else "5.38.38",
            "provider": "Stedet", "provider_type": ptype, "start_date": start, "end_date": end, "end_reason": reason,
            "unit": unit, "rate": float(rate), "quantity": float(quantity), "price_year": None, "decided_date": D(2020, 1, 1)}


# SEL 108 (month rates): C1 all along; C7 all 2024, moved away at its end; C2 Jan–Jun 2025, died;
# C6 all 2025 at a rate in a band nobody was in in 2024; C3 moves from § 85 to § 108 on 1 April 2025.
# SEL 85 (hourly, 700 kr. an hour = 100 kr. a day per weekly hour): C3 from July 2024 to March 2025
# (no end reason: other); C4 two overlapping grants in 2025 (one citizen); C5 15 Feb – 31 Oct 2025, moved.
GRANTS = pl.DataFrame([
    grant("G1", "C1", "SEL 108", D(2024, 1, 1), rate=30_000),
    grant("G7", "C7", "SEL 108", D(2024, 1, 1), D(2024, 12, 31), "moved", rate=15_000),
    grant("G2", "C2", "SEL 108", D(2025, 1, 1), D(2025, 6, 30), "death", rate=30_000),
    grant("G6", "C6", "SEL 108", D(2025, 1, 1), rate=120_000),
    grant("G3b", "C3", "SEL 108", D(2025, 4, 1), rate=20_000),
    grant("G3a", "C3", "SEL 85", D(2024, 7, 1), D(2025, 3, 31), None, "hour", 700, 4.0, "own"),
    grant("G4a", "C4", "SEL 85", D(2025, 1, 1), D(2025, 12, 31), "other", "hour", 700, 5.0, "own"),
    grant("G4b", "C4", "SEL 85", D(2025, 3, 1), D(2025, 5, 31), "other", "hour", 700, 2.0, "own"),
    grant("G5", "C5", "SEL 85", D(2025, 2, 15), D(2025, 10, 31), "moved", "hour", 700, 12.0, "own"),
], schema_overrides={"end_date": pl.Date, "end_reason": pl.String, "price_year": pl.Int64})
STEPS = pl.DataFrame(schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64})


@pytest.fixture(scope="module")
def act():
    return activity(GRANTS, STEPS, {}, 2025, D(2025, 12, 31), mix_base=2024)


def figures(frame: pl.DataFrame, key: str, **where) -> dict:
    rows = frame.filter(pl.col("key") == key, *[pl.col(k) == v for k, v in where.items()])
    assert rows.height == 1
    return rows.row(0, named=True)


def test_a_year_of_section_108_counts_citizens_coming_and_going_by_reason(act):
    y = figures(act.years, "SEL 108", year=2025)
    assert (y["citizens_start"], y["inflow"], y["citizens_end"]) == (2, 3, 3)   # C1, C7 → +C2, C6, C3
    assert (y["outflow_moved"], y["outflow_death"], y["outflow_other"], y["outflow_transition"]) == (1, 1, 0, 0)
    jan, apr, jul = (figures(act.months, "SEL 108", month=D(2025, m, 1)) for m in (1, 4, 7))
    assert (jan["citizens_start"], jan["inflow"], jan["outflow_moved"], jan["citizens_end"]) == (2, 2, 1, 3)
    assert (apr["inflow"], apr["citizens_end"]) == (1, 4)            # C3 arrives from § 85
    assert (jul["outflow_death"], jul["citizens_end"]) == (1, 3)     # C2 was there on 30 June, not on 31 July
    # C1 365 + C2 181 + C3 275 + C6 365 days
    assert y["full_year_persons"] == pytest.approx((365 + 181 + 275 + 365) / 365)
    assert y["cost"] == (12 * 30_000 + 6 * 30_000 + 9 * 20_000 + 12 * 120_000) * 100


def test_a_move_a_grant_without_end_reason_and_two_grants_of_one_citizen(act):
    y = figures(act.years, "SEL 85", year=2025)
    assert (y["citizens_start"], y["inflow"], y["citizens_end"]) == (1, 2, 1)   # C3 → +C4, C5 → C4
    assert (y["outflow_other"], y["outflow_moved"]) == (1, 1)                    # C3 has no end reason: other
    apr = figures(act.months, "SEL 85", month=D(2025, 4, 1))
    assert apr["outflow_other"] == 1 and apr["citizens_end"] == 2
    mar = figures(act.months, "SEL 85", month=D(2025, 3, 1))
    assert mar["citizens_end"] == 3                                              # C4 counts once with two grants
    assert y["full_year_persons"] == pytest.approx((90 + 365 + 259) / 365)
    # 100 kr. a day per weekly hour: C3 4 h × 90 d, C4 5 h × 365 d + 2 h × 92 d, C5 12 h × 259 d
    assert y["cost"] == (400 * 90 + 500 * 365 + 200 * 92 + 1200 * 259) * 100


def test_the_counts_chain_month_to_month(act):
    m = act.months.sort("key", "month")
    nxt = m.with_columns(pl.col("citizens_start").shift(-1).over("key").alias("next_start")).drop_nulls("next_start")
    assert (nxt["citizens_end"] == nxt["next_start"]).all()
    out = sum(m[f"outflow_{r}"] for r in ("death", "moved", "transition", "other"))
    assert ((m["citizens_start"] + m["inflow"] - out - m["citizens_end"]).abs() < 1e-9).all()
    assert per_year(act.months).equals(act.years)


def test_volume_price_and_mix_as_worked_out_by_hand_with_a_band_new_in_the_second_year(act):
    r = act.mix.filter(pl.col("key") == "SEL 108").row(0, named=True)
    # 2024: C1 in band 25–50.000 (360.000 kr.), C7 in band 10–25.000 (180.000 kr.), one full year each
    n0, c0 = 2.0, 540_000.0
    p0 = {"b2": 360_000.0, "b1": 180_000.0, "b4": c0 / n0}         # band 4 (≥ 100.000 a month) is new: P0
    # 2025: band 2 C1 + C2 (546/365, 540.000), band 1 C3 (275/365, 180.000), band 4 C6 (1, 1.440.000)
    n1 = {"b2": 546 / 365, "b1": 275 / 365, "b4": 1.0}
    c1 = {"b2": 540_000.0, "b1": 180_000.0, "b4": 1_440_000.0}
    N1 = sum(n1.values())
    volume = (N1 - n0) * c0 / n0
    mix = sum(n1[b] * p0[b] for b in n1) - N1 * c0 / n0
    price = sum(c1[b] - n1[b] * p0[b] for b in n1)
    assert r["cost0"] == c0 * 100 and r["cost1"] == sum(c1.values()) * 100
    assert r["volume"] == pytest.approx(volume * 100, abs=1e-3)
    assert r["mix"] == pytest.approx(mix * 100, abs=1e-3)
    assert r["price"] == pytest.approx(price * 100, abs=1e-3)
    assert r["volume"] + r["price"] + r["mix"] == pytest.approx(r["change"], abs=1e-6)


def test_mix_base_prices_this_years_citizens_on_an_earlier_years_spread(act):
    r = act.base.filter(pl.col("key") == "SEL 108").row(0, named=True)
    # 2024's spread: half band 2, half band 1, at 2025's prices per band
    N1 = (546 + 275 + 365) / 365
    at_base = N1 * (0.5 * 540_000 / (546 / 365) + 0.5 * 180_000 / (275 / 365)) * 100
    assert r["at_base_mix"] == pytest.approx(at_base, abs=1e-3)
    assert r["difference"] == pytest.approx(at_base - r["cost"], abs=1e-3)


def test_expected_months_add_the_buffers_citizens_at_the_groups_price():
    lines = pl.DataFrame({"buffer": ["other_inflow", "other_inflow", "deaths"], "account": ["5.38.50"] * 3,
                          "paragraph": ["SEL 108"] * 3, "month": [D(2025, 11, 1), D(2025, 12, 1), D(2025, 12, 1)],
                          "ore": [0, 0, 0]})
    # the known price of § 108 in November: the month's cost per full-year person
    base = activity(GRANTS, STEPS, {}, 2025, D(2025, 10, 31))
    nov = figures(base.months, "SEL 108", month=D(2025, 11, 1))
    unit = nov["cost"] / nov["full_year_persons"]
    dec = figures(base.months, "SEL 108", month=D(2025, 12, 1))
    unit_dec = dec["cost"] / dec["full_year_persons"]
    lines = lines.with_columns(pl.Series("ore", [round(2 * unit), round(2 * unit_dec), -round(unit_dec)]))
    act = activity(GRANTS, STEPS, {}, 2025, D(2025, 10, 31), buffer_lines=lines)
    nov2, dec2 = (figures(act.months, "SEL 108", month=D(2025, m, 1)) for m in (11, 12))
    assert nov2["expected"] and dec2["expected"] and not figures(act.months, "SEL 108", month=D(2025, 10, 1))["expected"]
    assert nov2["inflow"] == pytest.approx(nov["inflow"] + 2, abs=1e-6)
    assert dec2["inflow"] == pytest.approx(dec["inflow"], abs=1e-6)                 # the two stay: no new inflow
    assert dec2["outflow_death"] == pytest.approx(dec["outflow_death"] + 1, abs=1e-6)
    assert dec2["citizens_end"] == pytest.approx(dec["citizens_end"] + 1, abs=1e-6)
