"""The year-end interval: the simulation's known answers, and its behaviour on the demo."""

import datetime as dt
import json
import shutil

import numpy as np
import polars as pl
import pytest

from conftest import D, ROOT, invoke
from prognose.commands import edge
from prognose.backtest import coverage, coverage_share
from prognose.buffers import EVENTS
from prognose.residual import horizon_error, level_window, past_forecasts
from prognose.uncertainty import NORMAL_FROM, interval, simulate_events


def events(rows):
    return pl.DataFrame(rows, schema=EVENTS, orient="row")


def draws(ev, n=40_000, seed=1):
    return simulate_events(ev, ["a", "b"], n, np.random.default_rng(seed))


def test_a_listed_person_arrives_with_their_probability():
    dev = draws(events([("a", "youth", "bernoulli", 0.25, 1_000.0, 0.0, 0.0)]))
    assert dev[1].tolist() == [0.0] * dev.shape[1]                 # nothing on another account
    values = dev[0] + 250.0                                           # deviation from p × amount
    assert set(np.unique(values).tolist()) == {0.0, 1_000.0}
    assert abs(values.mean() - 250.0) < 10                            # mean p × amount
    assert abs(values.std() - 1_000.0 * (0.25 * 0.75) ** 0.5) < 10    # Bernoulli spread


def test_poisson_newcomers_with_fixed_cost_have_variance_mean_times_cost_squared():
    dev = draws(events([("b", "inflow:SEL 85", "poisson", 4.0, 100.0, 0.0, 0.0)]))
    assert abs(dev[1].mean()) < 3
    assert abs(dev[1].std() - 100.0 * 4 ** 0.5) < 5


def test_poisson_newcomers_with_varying_cost_add_the_cost_spread():
    # Var(Σ_N X) = λ·E[X²] = λ·a²·(1 + cv²)
    dev = draws(events([("a", "inflow:SEL 108", "poisson", 3.0, 100.0, 0.5, 0.0)]))
    assert abs(dev[0].mean()) < 3
    assert abs(dev[0].std() - 100.0 * (3 * 1.25) ** 0.5) < 5


def test_scale_event_varies_by_its_cv_and_a_shared_rate_moves_all_its_events_together():
    dev = draws(events([("a", "bpa_sickness", "scale", 1.0, 1_000.0, 0.1, 0.0)]))
    assert abs(dev[0].std() - 100.0) < 3
    # two events on one estimated rate (group_cv 0.5): correlated, so the spread adds up linearly
    shared = draws(events([("a", "deaths:SEL 108", "bernoulli", 0.5, 100.0, 0.0, 0.3),
                           ("b", "deaths:SEL 108", "bernoulli", 0.5, 100.0, 0.0, 0.3)]))
    assert np.corrcoef(shared[0], shared[1])[0, 1] > 0.05
    apart = draws(events([("a", "deaths:SEL 108", "bernoulli", 0.5, 100.0, 0.0, 0.0),
                          ("b", "deaths:SEL 108", "bernoulli", 0.5, 100.0, 0.0, 0.0)]))
    assert abs(np.corrcoef(apart[0], apart[1])[0, 1]) < 0.03


def test_many_small_chances_are_drawn_as_a_normal_with_the_exact_mean_and_spread():
    n = NORMAL_FROM + 100
    rows = [("a", "deaths:SEL 85", "bernoulli", 0.02, -1_000.0, 0.5, 0.0)] * n
    dev = draws(events(rows), n=20_000)
    exact_sd = (n * (0.02 * 1_000.0 ** 2 * 1.25 - 0.02 ** 2 * 1_000.0 ** 2)) ** 0.5
    assert abs(dev[0].mean()) < exact_sd * 0.05
    assert abs(dev[0].std() / exact_sd - 1) < 0.03


def test_interval_is_point_plus_the_quantiles_and_the_total_is_not_a_sum_of_quantiles():
    point = pl.DataFrame({"account": ["a", "b"], "ore": [10_000, 20_000]})
    ev = {"x": events([("a", "g1", "scale", 1.0, 1_000.0, 0.2, 0.0), ("b", "g2", "scale", 1.0, 1_000.0, 0.2, 0.0)])}
    none = pl.DataFrame(schema={"account": pl.String, "sd": pl.Float64})
    band = interval(point, ev, none, draws=20_000, seed=3)
    a, b, total = band.of("a"), band.of("b"), band.of(None)
    assert a["p10"] < 10_000 < a["p90"] and b["p10"] < 20_000 < b["p90"]
    assert abs(a["p90"] - 10_000 - 1.2816 * 200) < 15                  # normal-ish: P90 ≈ mean + 1.28 sd
    width = total["p90"] - total["p10"]
    assert width < (a["p90"] - a["p10"]) + (b["p90"] - b["p10"])        # independent accounts partly cancel
    assert band.spread["x"] == pytest.approx(200 * 2 ** 0.5, rel=0.05)
    assert interval(point, ev, none, draws=20_000, seed=3).table.equals(band.table)   # same seed, same interval
    assert not interval(point, ev, none, draws=20_000, seed=4).table.equals(band.table)


def test_horizon_error_is_the_past_error_of_a_level_forecast():
    months = pl.date_range(D(2022, 1, 1), D(2024, 12, 1), "1mo", eager=True)
    flat = pl.DataFrame({"account": "a", "month": months, "adj": [100.0] * len(months)})
    twelve = pl.DataFrame({"account": ["a"], "window": [12]})
    assert horizon_error(past_forecasts(flat, 3), twelve, 3).get_column("horizon_sd").to_list() == [0.0]
    # a step of +10 a month after 18 months: a level forecast misses by the step over the horizon
    step = flat.with_columns(pl.when(pl.int_range(pl.len()) >= 18).then(110.0).otherwise(100.0).alias("adj"))
    sd = horizon_error(past_forecasts(step, 1), twelve, 1).get_column("horizon_sd").item()
    # cuts at months 12..35; errors: 0 before the step reaches the horizon, then 10 − (months of the
    # step in the year before)·10/12 while the level catches up, 0 once it has
    errs = [0.0] * 6 + [10 - 10 * k / 12 for k in range(0, 12)] + [0.0] * 6
    assert sd == pytest.approx((sum(e * e for e in errs) / len(errs)) ** 0.5)


def test_coverage_counts_months_whose_band_holds_the_final_accounts():
    rows = [{"as_of": D(2025, m, 28), "p10": 90, "p90": 110} for m in (1, 2, 3)] + [
        {"as_of": D(2025, 4, 30), "p10": 101, "p90": 120}, {"as_of": D(2025, 5, 31), "p10": None, "p90": None}]
    cov = coverage(rows, 100)
    assert cov.get_column("inside").to_list() == [True, True, True, False]
    assert coverage_share(cov) == 0.75


@pytest.fixture(scope="module")
def demo_runs():
    settings = edge.options_for(ROOT)
    out = {}
    for m in (3, 6, 9, 11):
        as_of = (D(2025, m, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        folder = settings.backtest / as_of.isoformat()
        s = edge.options_for(ROOT, data=folder, buffers=folder / "buffers")
        out[m] = edge.forecast(s, as_of).forecast
    return out


def test_interval_contains_the_point_forecast(demo_runs):
    for fc in demo_runs.values():
        point = fc.lines.group_by("account").agg(pl.col("ore").sum())
        for account, ore in point.iter_rows():
            b = fc.interval.of(account)
            assert b["p10"] <= ore <= b["p90"], (fc.as_of, account)
        b = fc.interval.of(None)
        assert b["p10"] <= int(fc.lines.get_column("ore").sum()) <= b["p90"]


def test_interval_narrows_as_the_year_goes_on(demo_runs):
    widths = [demo_runs[m].interval.of(None)["p90"] - demo_runs[m].interval.of(None)["p10"] for m in (3, 6, 9, 11)]
    assert widths == sorted(widths, reverse=True) and widths[-1] < widths[0] / 3, widths


def test_run_shows_the_interval_in_json_csv_and_table_reproducibly(runner):
    args = ("run", "--workspace", str(ROOT), "--no-save")
    doc = json.loads(invoke(runner, *args, "--format", "json").stdout)
    for row in [doc["total"], *doc["accounts"]]:
        i = row["interval"]
        assert list(i) == ["p10", "p50", "p90"] and i["p10"] <= row["forecast"] <= i["p90"]
    assert doc["uncertainty"]["seed"] == 0 and set(doc["uncertainty"]["spread_by_source"]) >= {
        "youth_transfers", "stu", "other_inflow", "deaths", "bpa_sickness", "other_outflow", "billing_timing", "unexplained"}
    again = json.loads(invoke(runner, *args, "--format", "json").stdout)
    other = json.loads(invoke(runner, *args, "--format", "json", "--seed", "7").stdout)
    assert again == doc and other["total"]["interval"] != doc["total"]["interval"]
    assert other["total"]["forecast"] == doc["total"]["forecast"]        # the seed moves the band, not the forecast
    none = json.loads(invoke(runner, *args, "--format", "json", "--draws", "0").stdout)
    assert "interval" not in none["total"] and none["total"]["forecast"] == doc["total"]["forecast"]
    csv = invoke(runner, "--csv-dialect", "international", *args, "--format", "csv").stdout.splitlines()[0]
    assert csv.endswith("p10,p50,p90")
    table = invoke(runner, *args).stdout
    assert "P10–P90," in table and "mio. kr." in table and "simulerede forløb" in table   # a two-line header


def test_backtest_reports_coverage_and_runs_from_saved_snapshots(runner, tmp_path):
    """Snapshots of 2025's month-ends, saved by `prognose run`, re-run to the same forecasts as the extracts."""
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(ROOT / "prognose.toml", ws / "prognose.toml")
    settings = edge.options_for(ROOT)
    for name in ("2025-03-31", "2025-06-30"):
        folder = settings.backtest / name
        r = invoke(runner, "run", "--workspace", str(ws), "--data", str(folder), "--buffers", str(folder / "buffers"),
                   "--as-of", name, "--format", "json", "-o", str(tmp_path / f"{name}.json"))
        assert r.exit_code == 0, r.output
    r = invoke(runner, "backtest", "--workspace", str(ws), "--snapshots", "2025", "--final", str(ROOT / "fixtures/demo/data"),
               "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    from_snapshots = {row["as_of"]: row["forecast"] for row in doc["rows"] if row["method"] == "prognose"}
    assert sorted(from_snapshots) == ["2025-03-31", "2025-06-30"]
    for name, value in from_snapshots.items():
        assert value == json.loads((tmp_path / f"{name}.json").read_text())["total"]["forecast"]
    assert len(doc["interval"]) == 2 and doc["coverage"] in (0.0, 0.5, 1.0)
    assert all(b["p10"] <= from_snapshots[b["as_of"]] <= b["p90"] for b in doc["interval"])


def test_a_level_that_moved_is_followed_by_the_shortest_window():
    months = pl.date_range(D(2022, 1, 1), D(2024, 12, 1), "1mo", eager=True)
    steps = pl.DataFrame({"account": "a", "month": months}).with_columns(
        (100.0 + 10.0 * (pl.int_range(pl.len()) // 9)).alias("adj"))     # a new level every nine months
    assert level_window(past_forecasts(steps, 3), 3).get_column("window").to_list() == [3]
    noisy = pl.DataFrame({"account": "a", "month": months, "adj": [100.0 + (40 if i % 2 else -40) for i in range(36)]})
    assert level_window(past_forecasts(noisy, 3), 3).get_column("window").to_list() == [12]


def test_billing_timing_is_what_a_provider_still_had_outstanding_move_the_year_by_the_close():
    from prognose.lag import YEAR_END, year_end_timing
    # two cohorts, three years; k expects 2 months outstanding at the end of November, none at the close
    k = np.zeros((2, YEAR_END))
    k[:, 10] = 2.0
    rows = []
    for y, (late_a, late_b) in zip((2022, 2023, 2024), ((10.0, -10.0), (0.0, 0.0), (-10.0, 10.0))):
        for ci, late in ((0, late_a), (1, late_b)):
            # 100 a month of cost; at the end of November 200 + late outstanding, all of it booked by the close
            rows.append((ci, dt.date(y, 11, 1), 11, 100, 200 + late, 1))
            rows.append((ci, dt.date(y, 12, 1), YEAR_END, 100, 0, 1))
    observed = pl.DataFrame(rows, schema={"ci": pl.Int64, "month": pl.Date, "moy": pl.Int32, "cost": pl.Int64,
                                          "outstanding": pl.Int64, "cost_months": pl.Int64}, orient="row")
    # each year the two cohorts moved oppositely (nothing shared): rest = the late amounts, over 200 expected
    assert abs(year_end_timing(observed, k, 11) - (4 * 10.0 ** 2 / (6 * 200.0 ** 2)) ** 0.5) < 1e-12
    # moved together: the year's shared movement is the account's (what no grant explains), not a cohort's own
    together = observed.with_columns(pl.when(pl.col("moy") == 11)
                                     .then(200 + pl.col("month").dt.year().replace_strict({2022: 10, 2023: 0, 2024: -10}))
                                     .otherwise(0).alias("outstanding"))
    assert year_end_timing(together, k, 11) == 0.0


def test_billing_events_are_one_per_provider_cohort_on_its_account():
    from prognose.uncertainty import billing_events
    grant_costs = pl.DataFrame({"grant_id": ["g1", "g2", "g3", "g4"], "outstanding": [100, 50, 70, -5]})
    invoiced = pl.DataFrame({"grant_id": ["g1", "g2", "g3", "g4"], "account": ["5.38.50", "5.38.50", "5.38.51", "5.38.51"]})
    events = billing_events(grant_costs, invoiced, np.array([0, 0, 1, 2]), 0.2).sort("account")
    assert events.select("account", "amount", "cv", "group_cv").rows() == [("5.38.50", 150.0, 0.2, 0.0),
                                                                           ("5.38.51", 70.0, 0.2, 0.0)]
    assert set(events.get_column("dist")) == {"scale"}
