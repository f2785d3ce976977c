"""The refund of expensive single cases on hand-computed citizens: below, between and above both
thresholds, crossing mid-year, a death, both settlement modes, a year boundary, and learning."""

import datetime as dt

import polars as pl

from prognose.io.config import as_rows
import pytest

from prognose.refusion import (Rule, citizen_costs, estimate, factor_for, forecast_refusion, learn, place,
                               refunds, settled_years)

D = dt.date
# thresholds 1.000.000 and 2.000.000 kr. in every year (øre)
RULE = Rule(default=(100_000_000, 200_000_000), thresholds={y: (100_000_000, 200_000_000) for y in range(2020, 2030)})
GRANT_COLS = {"grant_id": pl.String, "citizen_id": pl.String, "paragraph": pl.String, "account": pl.String,
              "provider_type": pl.String, "start_date": pl.Date, "end_date": pl.Date, "unit": pl.String,
              "rate": pl.Float64, "quantity": pl.Float64, "price_year": pl.Int64, "birth_date": pl.Date}
STEPS = pl.DataFrame(schema={"grant_id": pl.String, "effective_date": pl.Date, "rate": pl.Float64, "quantity": pl.Float64})


def grant(gid, citizen, rate, start=D(2020, 1, 1), end=None, account="5.38.50", paragraph="SEL 108", ptype="private",
          birth=D(1980, 1, 1)):
    return {"grant_id": gid, "citizen_id": citizen, "paragraph": paragraph, "account": account, "provider_type": ptype,
            "start_date": start, "end_date": end, "unit": "year", "rate": float(rate), "quantity": 1.0, "price_year": None,
            "birth_date": birth}


def grants(*rows):
    return pl.DataFrame(list(rows), schema=GRANT_COLS)


def postings(rows):
    return pl.DataFrame(rows, schema={"account": pl.String, "period": pl.Date, "posting_date": pl.Date, "amount": pl.Int64},
                        orient="row")


def test_below_between_and_above_both_thresholds():
    costs = pl.DataFrame({"citizen_id": ["a", "b", "c", "d"], "account": ["x"] * 4,
                          "cost": [90_000_000, 100_000_000, 160_000_000, 300_000_000]})
    out = refunds(costs, (100_000_000, 200_000_000), (0.25, 0.50)).sort("citizen_id")
    # b at the first threshold: nothing; c: 25 % of 600.000; d: 25 % of 1.000.000 + 50 % of 1.000.000
    assert out.get_column("refund").to_list() == [0, 0, 15_000_000, 75_000_000]
    assert out.get_column("band").to_list() == [0, 0, 1, 2]


def test_a_year_cost_adds_all_of_a_citizens_grants_and_goes_to_the_largest_account():
    g = grants(grant("1", "a", 1_200_000, account="5.38.50"), grant("2", "a", 300_000, account="5.38.52", paragraph="SEL 107"),
               grant("3", "a", 500_000, account="3.30.46", paragraph="STU"))   # STU does not count
    costs = citizen_costs(g, STEPS, 2024, 2024, RULE, {})
    assert costs.to_dicts() == [{"year": 2024, "citizen_id": "a", "account": "5.38.50", "paragraph": "SEL 108", "cost": 150_000_000}]
    assert refunds(costs.drop("year"), (100_000_000, 200_000_000), (0.25, 0.5)).get_column("refund").item() == 12_500_000


def test_crossing_the_first_threshold_mid_year():
    # 1.800.000 a year from 1 July 2024: six months of 150.000 kr. in 2024, below; all of 2025 above
    g = grants(grant("1", "a", 1_800_000, start=D(2024, 7, 1)))
    costs = citizen_costs(g, STEPS, 2024, 2025, RULE, {}).sort("year")
    assert costs.get_column("cost").to_list() == [90_000_000, 180_000_000]
    out = refunds(costs.filter(pl.col("year") == 2025).drop("year"), (100_000_000, 200_000_000), (0.25, 0.5))
    assert out.get_column("refund").item() == 20_000_000


def test_a_death_ends_the_cost_and_the_refund_with_it():
    alive = grants(grant("1", "a", 2_400_000))
    dead = grants(grant("1", "a", 2_400_000, end=D(2025, 3, 31)))   # 600.000 kr. in 2025: no refund
    for g, refund in ((alive, 25_000_000 + 20_000_000), (dead, 0)):
        costs = citizen_costs(g, STEPS, 2025, 2025, RULE, {})
        assert refunds(costs.drop("year"), (100_000_000, 200_000_000), (0.25, 0.5)).get_column("refund").sum() == refund


def test_the_buffers_changes_reach_the_citizens_cost():
    g = grants(grant("1", "a", 2_400_000))
    booked = postings([("5.38.50", D(2024, 12, 1), D(2025, 2, 14), -30_000_000)])
    # the deaths buffer expects 1.200.000 kr. less for a: 1.200.000 left, refund 50.000
    changes = pl.DataFrame({"citizen_id": ["a"], "account": ["5.38.50"], "month": [D(2025, 7, 1)], "ore": [-120_000_000]})
    rf = forecast_refusion(g, STEPS, booked.with_columns(pl.lit("8.6").alias("art")), RULE, {}, 2025, D(2025, 6, 30), 2022,
                           changes)
    assert rf.refund == 5_000_000


def test_age_range():
    rule = Rule(thresholds=RULE.thresholds, max_age=66)
    # turns 67 on 1 July 2025: half the year counts
    g = grants(grant("1", "a", 2_400_000, birth=D(1958, 7, 1)))
    assert citizen_costs(g, STEPS, 2025, 2025, rule, {}).get_column("cost").item() == 120_000_000


def test_settled_once_after_the_year_everything_comes_in_december():
    profile = {12: 1.0}
    due = pl.DataFrame({"account": ["x"], "refund": [30_000_000]})
    lines = place(due, postings([]).select("account", pl.lit(0, pl.Int64).alias("ore")).head(0), profile, 2025, D(2025, 3, 31))
    assert lines.to_dicts() == [{"account": "x", "paragraph": None, "month": D(2025, 12, 1), "ore": -30_000_000}]


def test_settled_on_account_each_instalment_ahead_and_the_rest_in_december():
    profile = {5: 0.25, 8: 0.25, 11: 0.25, 12: 0.25}
    due = pl.DataFrame({"account": ["x"], "refund": [40_000_000]})
    booked = pl.DataFrame({"account": ["x"], "ore": [-9_000_000]})   # May's instalment, less than a quarter
    lines = place(due, booked, profile, 2025, D(2025, 6, 30))
    assert lines.sort("month").to_dicts() == [
        {"account": "x", "paragraph": None, "month": D(2025, 8, 1), "ore": -10_000_000},
        {"account": "x", "paragraph": None, "month": D(2025, 11, 1), "ore": -10_000_000},
        {"account": "x", "paragraph": None, "month": D(2025, 12, 1), "ore": -11_000_000}]
    assert lines.get_column("ore").sum() + booked.get_column("ore").sum() == -40_000_000


def test_both_settlement_modes_are_learned_from_the_postings():
    costs = pl.DataFrame({"year": [2023, 2024], "citizen_id": ["a", "a"], "account": ["x", "x"],
                          "cost": [180_000_000, 180_000_000]})
    once = postings([("x", D(2023, 12, 1), D(2024, 2, 14), -20_000_000), ("x", D(2024, 12, 1), D(2025, 2, 14), -20_000_000)])
    assert learn(costs, once, RULE, {}, 2025, D(2025, 6, 30)).settlement == "after_year"
    quarterly = postings([("x", D(y, m, 1), D(y, m, 15), -5_000_000) for y in (2023, 2024) for m in (5, 8, 11)]
                         + [("x", D(y, 12, 1), D(y + 1, 2, 14), -5_000_000) for y in (2023, 2024)])
    learned = learn(costs, quarterly, RULE, {}, 2025, D(2025, 6, 30))
    assert learned.settlement == "quarterly"
    assert learned.profile == pytest.approx({5: 0.25, 8: 0.25, 11: 0.25, 12: 0.25})


def test_thresholds_are_learned_where_the_booked_refunds_show_others():
    # booked 50.000 on a cost of 1.800.000 each year: 25 % above 1.600.000, not 1.000.000
    costs = pl.DataFrame({"year": [2023, 2024, 2025], "citizen_id": ["a"] * 3, "account": ["x"] * 3,
                          "cost": [180_000_000, 180_000_000, 180_000_000]})
    booked = postings([("x", D(y, 12, 1), D(y + 1, 2, 14), -5_000_000) for y in (2023, 2024)])
    rule = Rule(default=(100_000_000, 200_000_000))   # nothing configured per year
    learned = learn(costs, booked, rule, {}, 2025, D(2025, 6, 30))
    assert learned.factor == pytest.approx(1.6, abs=1e-6)
    rf = estimate(costs, booked, rule, learned, {}, 2025, D(2025, 6, 30))
    assert rf.source == "learned" and rf.thresholds == (160_000_000, 320_000_000)
    assert rf.refund == 5_000_000
    # 500.000 kr. gives at most 100.000 kr. (thresholds at a fifth): a booked 200.000 kr. is not this cost's refund
    assert factor_for(pl.Series([50_000_000]), 20_000_000, (100_000_000, 200_000_000), (0.25, 0.5)) is None


def test_a_year_boundary_a_settlement_booked_in_february_belongs_to_the_year_before():
    booked = postings([("x", D(2024, 12, 1), D(2025, 2, 14), -5_000_000)])
    assert settled_years(booked, 2025, D(2025, 1, 31)) == [2024]          # its December period is booked
    assert settled_years(booked, 2024, D(2025, 6, 30)) == []              # a year learns only from those before it
    costs = pl.DataFrame({"year": [2024, 2025], "citizen_id": ["a", "a"], "account": ["x", "x"],
                          "cost": [180_000_000, 180_000_000]})
    rf = estimate(costs, booked, RULE, learn(costs, booked, RULE, {}, 2025, D(2025, 6, 30)), {}, 2025, D(2025, 6, 30))
    assert rf.booked_total == 0 and rf.ahead == rf.refund     # 2024's settlement is not 2025's


def test_no_refund_where_none_was_ever_booked_unless_switched_on():
    g = grants(grant("1", "a", 2_400_000))
    none = postings([]).with_columns(pl.lit("8.6").alias("art"))
    assert forecast_refusion(g, STEPS, none, RULE, {}, 2025, D(2025, 6, 30), 2022) is None
    on = Rule(thresholds=RULE.thresholds, enabled="on")
    rf = forecast_refusion(g, STEPS, none, on, {}, 2025, D(2025, 6, 30), 2022)
    assert rf.refund == 45_000_000 and rf.source == "configured"


def test_thresholds_follow_the_price_index_from_the_default_year():
    rule = Rule(default=(100_000_000, 200_000_000), default_year=2025)
    assert rule.at(2026, {2025: 100.0, 2026: 102.0}) == (102_000_000, 204_000_000)
    assert rule.at(2026, {}) == (100_000_000, 200_000_000)


def test_the_rule_is_read_from_prognose_toml_and_a_bad_value_named(tmp_path):
    from prognose.errors import InputError
    from prognose.io.config import load_settings

    (tmp_path / "prognose.toml").write_text('[refusion]\nsettlement = "quarterly"\nmax_age = 66\n'
                                            '[refusion.thresholds]\n2026 = [1_100_000, 2_200_000]\n', encoding="utf-8")
    s = load_settings(tmp_path)
    assert s.refusion.settlement == "quarterly" and s.refusion.max_age == 66
    assert s.refusion.thresholds == {2026: (110_000_000, 220_000_000)}
    assert ("refusion.thresholds.2026", "1.100.000 / 2.200.000", "prognose.toml") in as_rows(s)
    (tmp_path / "prognose.toml").write_text('[refusion.thresholds]\n2026 = [2_200_000, 1_100_000]\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_settings(tmp_path)
    assert "refusion.thresholds.2026" in str(e.value.problems[0])
