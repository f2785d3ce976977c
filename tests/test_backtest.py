"""Backtest metrics and baselines on hand-checked numbers, and the command on the demo."""

import json

import polars as pl
import pytest

from conftest import D, invoke
from prognose.backtest import across, baselines, final_accounts, summary, table


def postings():
    rows = [(D(2024, m, 10), D(2024, m, 1), 50_00 if m <= 3 else 150_00) for m in range(1, 13)]
    rows += [(D(2025, m, 10), D(2025, m, 1), 110_00) for m in range(1, 4)]
    rows += [(D(2025, 1, 20), D(2024, 12, 1), 7_00)]  # supplementary period: counts for 2024
    return pl.DataFrame(rows, schema={"posting_date": pl.Date, "period": pl.Date, "amount": pl.Int64}, orient="row")


BUDGET = pl.DataFrame({"account": ["a", "b", "a"], "year": [2025, 2025, 2024], "amount": [900_00, 400_00, 1_00]})


def test_baselines_by_hand():
    b = baselines(postings(), BUDGET, 2025, D(2025, 3, 31))
    assert b["run_rate"] == 330_00 * 12 // 3                     # booked × 12 / 3
    assert b["seasonal_share"] == 330_00 * 1_507_00 // 150_00   # last year: 150 of 1,507 (with its supplementary period) by 31 March
    assert b["budget"] == 1_300_00


def test_run_rate_counts_a_part_month_by_its_days():
    b = baselines(postings(), BUDGET, 2025, D(2025, 3, 15))
    assert b["run_rate"] == round(330_00 * 12 / (2 + 15 / 31))


def test_final_accounts_include_the_supplementary_period():
    assert final_accounts(postings(), 2024) == 3 * 50_00 + 9 * 150_00 + 7_00


def test_errors_and_mean_absolute_error():
    rows = [{"as_of": D(2025, 3, 31), "prognose": 1_010_00, "run_rate": 900_00, "seasonal_share": 1_050_00, "budget": 1_000_00},
            {"as_of": D(2025, 6, 30), "prognose": 995_00, "run_rate": 1_100_00, "seasonal_share": None, "budget": 1_000_00}]
    t = table(rows, 1_000_00)
    p = t.filter(pl.col("method") == "prognose").sort("as_of")
    assert p.get_column("error").to_list() == [10_00, -5_00]
    assert p.get_column("error_pct").to_list() == [1.0, -0.5]
    s = {r["method"]: r for r in summary(t).iter_rows(named=True)}
    assert s["prognose"]["mae"] == 7_50 and s["prognose"]["mae_pct"] == 0.75
    assert s["run_rate"]["mae_pct"] == 10.0
    assert s["seasonal_share"]["mae_pct"] == 5.0  # a missing baseline is not counted as zero error


def test_mean_absolute_error_across_municipalities_by_hand():
    a = table([{"as_of": D(2025, 3, 31), "prognose": 1_010_00, "seasonal_share": 980_00},
               {"as_of": D(2025, 6, 30), "prognose": 1_003_00, "seasonal_share": 1_000_00},
               {"as_of": D(2025, 7, 31), "prognose": 2_000_00, "seasonal_share": 2_000_00}], 1_000_00)
    b = table([{"as_of": D(2025, 3, 31), "prognose": 1_970_00, "seasonal_share": None},
               {"as_of": D(2025, 6, 30), "prognose": 2_002_00, "seasonal_share": 2_020_00}], 2_000_00)
    m = {(r["month"], r["method"]): (r["mae_pct"], r["backtests"]) for r in across([a, b], (3, 6)).iter_rows(named=True)}
    assert m[(3, "prognose")] == pytest.approx(((1.0 + 1.5) / 2, 2))     # +1 % and −1.5 %
    assert m[(3, "seasonal_share")] == pytest.approx((2.0, 1))           # b had none: not a zero error
    assert m[(6, "prognose")] == pytest.approx(((0.3 + 0.1) / 2, 2))
    assert m[(6, "seasonal_share")] == pytest.approx(((0.0 + 1.0) / 2, 2))
    assert not any(month == 7 for month, _ in m)                           # only the months asked for


@pytest.mark.parametrize("ablate", [[], ["--ablate", "buffers"]])
def test_demo_backtest_runs_out_of_the_box(runner, ablate):
    from conftest import ROOT

    r = invoke(runner, "backtest", "--workspace", str(ROOT), "--format", "json", *ablate)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    months = sorted({row["as_of"] for row in doc["rows"]})
    assert len(months) == 12 and months[0] == "2025-01-31" and months[-1] == "2025-12-31"
    assert {s["method"] for s in doc["summary"]} == {"prognose", "run_rate", "seasonal_share", "budget"}
    assert doc["final"] > 0
