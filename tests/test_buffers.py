"""Known-answer tests per buffer on small hand-made municipalities, and nothing counted twice."""

import datetime as dt

import polars as pl
import pytest

from conftest import D, invoke
from prognose.buffers import BufferContext
from prognose.report.words import text
from prognose.buffers.inflow import other_inflow
from prognose.buffers.lists import stu, youth_transfers
from prognose.buffers.sickness import bpa_sickness
from prognose.buffers.survival import hazards
from prognose.components import settings_of
from prognose.forecast import run_forecast
from prognose.io.buffers_io import BufferInputs
from test_forecast import GRANT_SCHEMA, POSTING_SCHEMA, STEPS, budget, grant, settings

AS_OF = D(2025, 6, 30)
MAP = {"SEL 85": "5.38.38", "SEL 108": "5.38.50", "SEL 104": "5.38.59", "STU": "3.30.46", "SEL 96": "5.38.38.001"}
NO_POSTINGS = pl.DataFrame(schema={**POSTING_SCHEMA, "kind": pl.String})


def opts(name: str, **given):
    """A component's options as buffers.toml with `given` in its section would make them."""
    return settings_of({name: given})[name]


def ctx(grants=(), youth=None, stu_list=None, postings=NO_POSTINGS):
    g = pl.DataFrame(list(grants), schema=GRANT_SCHEMA)
    return BufferContext(2025, AS_OF, g, g.filter(pl.col("provider_type") != "own"), STEPS, postings, {}, MAP,
                         {"youth_transfers": youth, "stu": stu_list})


def youth_list(rows):
    return pl.DataFrame(rows, schema={"citizen_id": pl.String, "expected_start": pl.Date, "paragraph": pl.String, "unit": pl.String,
                                      "rate": pl.Float64, "quantity": pl.Float64, "probability": pl.Float64}, orient="row")


def test_youth_transfers_probabilities_one_half_zero():
    lst = youth_list([("A", D(2025, 9, 1), "SEL 108", "month", 10_000.0, 1.0, 1.0),
                      ("B", D(2025, 10, 1), "SEL 108", "month", 10_000.0, 1.0, 0.5),
                      ("C", D(2025, 11, 1), "SEL 108", "month", 10_000.0, 1.0, 0.0)])
    r = youth_transfers(ctx(youth=lst), opts("youth_transfers"))
    by = dict(r.lines.group_by("citizen_id").agg(pl.col("ore").sum()).iter_rows())
    assert by == {"A": 4 * 1_000_000, "B": 3 * 500_000}
    assert r.total == 5_500_000
    assert set(r.lines.get_column("account")) == {"5.38.50"}
    assert dict(r.lines.group_by("month").agg(pl.col("ore").sum()).sort("month").iter_rows()) == {
        D(2025, 9, 1): 1_000_000, D(2025, 10, 1): 1_500_000, D(2025, 11, 1): 1_500_000, D(2025, 12, 1): 1_500_000}


def test_youth_transfer_that_became_a_grant_is_counted_once():
    lst = youth_list([("A", D(2025, 9, 1), "SEL 108", "month", 10_000.0, 1.0, 1.0),
                      ("B", D(2025, 10, 1), "SEL 108", "month", 10_000.0, 1.0, 1.0)])
    g = grant("GA", rate=12_000.0, start=D(2025, 9, 3), decided=D(2025, 6, 1))
    g["citizen_id"] = "A"
    r = youth_transfers(ctx([g], youth=lst), opts("youth_transfers"))
    assert set(r.lines.get_column("citizen_id")) == {"B"}
    assert r.people.filter(pl.col("citizen_id") == "A").get_column("status").to_list() == ["arrived"]
    # in the whole forecast A's cost is in the grants, B's in the buffer — and nowhere twice
    postings = pl.DataFrame(schema=POSTING_SCHEMA)
    fc = run_forecast(pl.DataFrame([g], schema=GRANT_SCHEMA), STEPS, postings, budget(), settings_tmp(), 2025, AS_OF,
                      BufferInputs({k: {"enabled": False} for k in ("stu", "other_inflow", "deaths", "bpa_sickness", "other_outflow")},
                                   {"youth_transfers": lst}))
    per = dict(fc.lines.group_by("origin").agg(pl.col("citizen_id").unique()).iter_rows())
    assert list(per["buffer.youth_transfers"]) == ["B"] and list(per["grants"]) == ["A"]


def settings_tmp():
    import tempfile
    from pathlib import Path

    return settings(Path(tempfile.mkdtemp()))


def test_overdue_youth_is_flagged_and_kept_or_dropped():
    lst = youth_list([("A", D(2025, 5, 1), "SEL 108", "month", 10_000.0, 1.0, 1.0)])
    kept = youth_transfers(ctx(youth=lst), opts("youth_transfers"))
    assert kept.total == 6 * 1_000_000 and kept.flags and "check the list" in text(kept.flags[0], "en")
    dropped = youth_transfers(ctx(youth=lst), opts("youth_transfers", overdue="drop"))
    assert dropped.total == 0 and dropped.flags


def stu_list(rows):
    return pl.DataFrame(rows, schema={"citizen_id": pl.String, "event": pl.String, "date": pl.Date, "paragraph": pl.String,
                                      "unit": pl.String, "rate": pl.Float64, "quantity": pl.Float64}, orient="row")


def test_stu_start_end_and_follow_on():
    lst = stu_list([("N", "start", D(2025, 8, 1), "STU", "year", 360_000.0, 1.0),
                    ("E", "end", D(2025, 7, 31), "SEL 104", "month", 8_000.0, 1.0),
                    ("F", "end", D(2025, 7, 31), "SEL 104", "month", 8_000.0, 1.0)])
    stu_e = grant("GE", rate=300_000.0, unit="year", start=D(2022, 8, 1))
    stu_e.update(citizen_id="E", paragraph="STU", account="3.30.46")
    follow_f = grant("GF", rate=8_000.0, start=D(2025, 8, 1), decided=D(2025, 6, 15))
    follow_f.update(citizen_id="F", paragraph="SEL 104", account="5.38.59")
    stu_f = grant("GFS", rate=300_000.0, unit="year", start=D(2022, 8, 1), end=D(2025, 7, 31))
    stu_f.update(citizen_id="F", paragraph="STU", account="3.30.46")
    r = stu(ctx([stu_e, follow_f, stu_f], stu_list=lst), opts("stu"))
    by = dict(r.lines.group_by("citizen_id").agg(pl.col("ore").sum()).iter_rows())
    # N: new STU Aug–Dec at 30.000/month; E: STU cost after 31 July removed, SEL 104 from 1 August added;
    # F: the STU grant already ends and the follow-on exists, so nothing
    assert by["N"] == 5 * 3_000_000
    assert by["E"] == -5 * 2_500_000 + 5 * 800_000
    assert "F" not in by


def history(n, ended_on, reasons, prefix="G"):
    """n grants running since 1 January 2022; the first len(reasons) ended on `ended_on` for those reasons."""
    rows = []
    for i in range(n):
        g = grant(f"{prefix}{i}", start=D(2022, 1, 1), end=ended_on if i < len(reasons) else None)
        g["end_reason"] = reasons[i] if i < len(reasons) else None
        rows.append(g)
    return rows


def test_death_rate_is_recovered_from_history():
    rows = history(20, D(2023, 12, 31), ["death"] * 6)
    h = hazards(ctx(rows), 3).row(0, named=True)
    exposure = (6 * 730 + 14 * 1096) / 365.25
    assert h["deaths_p"] == 6 and h["h_death"] == pytest.approx(6 / exposure)
    assert h["h_other"] == 0


def test_deaths_and_outflow_add_up_to_the_survival_expectation():
    rows = history(40, D(2023, 6, 30), ["death"] * 4 + ["moved"] * 4)
    fc = run_forecast(pl.DataFrame(rows, schema=GRANT_SCHEMA), STEPS, pl.DataFrame(schema=POSTING_SCHEMA), budget(),
                      settings_tmp(), 2025, AS_OF, BufferInputs({}))
    comp = {r.name: r.total for r in fc.buffers}
    assert comp["deaths"] < 0 and comp["other_outflow"] < 0
    assert comp["deaths"] == pytest.approx(comp["other_outflow"], rel=0.02)  # equal rates, equal shares


def test_an_end_with_a_reason_is_decided_but_a_bare_end_date_is_a_review_date():
    # history: 20 grants, 4 moved away in 2023 (an other-outflow rate); now two grants end on
    # 31 August 2025, one with its reason filled in (the move is decided), one without (a review date)
    rows = history(20, D(2023, 6, 30), ["moved"] * 4, prefix="H")
    moving = grant("M", rate=10_000.0, start=D(2024, 1, 1), end=D(2025, 8, 31))
    moving.update(citizen_id="PM", end_reason="moved")
    review = grant("R", rate=10_000.0, start=D(2024, 1, 1), end=D(2025, 8, 31))
    review.update(citizen_id="PR")
    fc = run_forecast(pl.DataFrame(rows + [moving, review], schema=GRANT_SCHEMA), STEPS, pl.DataFrame(schema=POSTING_SCHEMA),
                      budget(), settings_tmp(), 2025, AS_OF, BufferInputs({}))
    other = next(r for r in fc.buffers if r.name == "other_outflow").lines
    extended = next(r for r in fc.buffers if r.name == "extensions").lines
    per = dict(other.group_by("citizen_id").agg(pl.col("ore").sum()).iter_rows())
    more = dict(extended.group_by("citizen_id").agg(pl.col("ore").sum()).iter_rows())
    # the decided move is not carried on past its date: only the chance of ending even sooner is taken off
    assert per["PM"] < 0 and "PM" not in more
    assert other.filter((pl.col("citizen_id") == "PM") & (pl.col("month") > D(2025, 8, 1))).is_empty()
    # the review date is expected to be extended: September–December come back as an extension
    # (4 months of 10.000 kr.), and other outflow takes off the chance of ending
    assert more["PR"] == 4 * 1_000_000
    assert per["PR"] < 0 and more["PR"] + per["PR"] > 3 * 1_000_000
    # outflow is outflow: it never adds
    assert other.get_column("ore").max() <= 0


def test_a_review_date_just_passed_without_a_reason_is_still_open():
    # as of 30 June: one review date fell on 20 June and one on 15 April, neither with a reason; the
    # first is still being reviewed and runs on like a review date ahead, the second has ended
    rows = history(20, D(2023, 6, 30), ["moved"] * 4, prefix="H")
    recent = grant("R1", rate=10_000.0, start=D(2024, 1, 1), end=D(2025, 6, 20))
    recent.update(citizen_id="P1")
    old = grant("R2", rate=10_000.0, start=D(2024, 1, 1), end=D(2025, 4, 15))
    old.update(citizen_id="P2")
    fc = run_forecast(pl.DataFrame(rows + [recent, old], schema=GRANT_SCHEMA), STEPS, pl.DataFrame(schema=POSTING_SCHEMA),
                      budget(), settings_tmp(), 2025, AS_OF, BufferInputs({}))
    more = dict(next(r for r in fc.buffers if r.name == "extensions").lines
                .group_by("citizen_id").agg(pl.col("ore").sum()).iter_rows())
    assert more["P1"] == 6 * 1_000_000      # July–December
    assert "P2" not in more


def test_bpa_sickness_share_is_learned_and_applied():
    g = grant("B1", rate=1_200_000.0, unit="year", start=D(2022, 1, 1), account="5.38.38.001")
    g.update(paragraph="SEL 96")
    sick = []
    m = D(2022, 1, 1)
    while m <= D(2025, 6, 1):
        sick.append({"account": "5.38.38.001", "period": m, "posting_month": m, "grant_id": "B1", "citizen_id": "P1",
                     "amount": 500_000, "first_date": m, "kind": "bpa_sickness"})
        m = (m + dt.timedelta(days=32)).replace(day=1)
    postings = pl.DataFrame(sick)
    r = bpa_sickness(ctx([g], postings=postings), opts("bpa_sickness"))
    share = next(p for p in r.params if p.name == "share_of_bpa_cost")
    assert share.value == pytest.approx(0.05) and share.observations == 42
    assert r.total == 6 * 500_000
    assert bpa_sickness(ctx([g], postings=postings), opts("bpa_sickness", share=0.1)).total == 6 * 1_000_000


def test_other_inflow_learns_counts_and_leaves_youth_and_stu_out():
    rows = []
    for y in (2022, 2023, 2024, 2025):
        for m in range(1, 13 if y < 2025 else 7):
            g = grant(f"N{y}{m}", start=D(y, m, 1), decided=D(y, m, 1))
            g.update(birth_date=D(1970, 1, 1), citizen_id=f"C{y}{m}")
            rows.append(g)
            young = grant(f"Y{y}{m}", start=D(y, m, 1), decided=D(y, m, 1))
            young.update(birth_date=D(y - 18, 1, 1), citizen_id=f"Y{y}{m}")
            rows.append(young)
            s = grant(f"S{y}{m}", start=D(y, m, 1), decided=D(y, m, 1))
            s.update(paragraph="STU", citizen_id=f"S{y}{m}")
            rows.append(s)
    r = other_inflow(ctx(rows), opts("other_inflow"))
    per_year = next(p for p in r.params if p.name == "new_per_year[SEL 108]")
    assert per_year.value == 12 and not any("STU" in p.name for p in r.params)
    # decided on their first day: nothing before the as-of date is unknown; July–December expected
    # one a month at 10.000 a month: half a month in its first month, then whole months
    expected = sum(0.5 + (12 - m) for m in range(7, 13)) * 1_000_000
    assert r.total == pytest.approx(expected, abs=10)


def _newcomers(per_month, days=None):
    """per_month(year, month) → how many SEL 108 newcomers start on the 1st (decided the same day),
    open-ended or ending after `days` days."""
    rows = []
    for y in (2022, 2023, 2024, 2025):
        for m in range(1, 13 if y < 2025 else 7):
            for i in range(per_month(y, m)):
                g = grant(f"N{y}{m}-{i}", start=D(y, m, 1), decided=D(y, m, 1),
                          end=None if days is None else D(y, m, 1) + dt.timedelta(days=days))
                g.update(birth_date=D(1970, 1, 1), citizen_id=f"C{y}{m}-{i}")
                rows.append(g)
    return rows


def test_other_inflow_season_is_one_yearly_wave_of_all_paragraphs():
    import math

    # 50 a month on average, 40 % more in March and 40 % fewer in September, every year
    rows = _newcomers(lambda y, m: round(50 * (1 + 0.4 * math.cos((m - 3) / 12 * 2 * math.pi))))
    r = other_inflow(ctx(rows), opts("other_inflow"))
    amp = next(p for p in r.params if p.name == "season_amplitude")
    assert amp.value == pytest.approx(0.4, abs=0.02)
    per_year = next(p for p in r.params if p.name == "new_per_year[SEL 108]")
    assert per_year.value == pytest.approx(600, rel=0.02)


def test_other_inflow_rate_follows_a_rising_inflow():
    flat = other_inflow(ctx(_newcomers(lambda y, m: 4)), opts("other_inflow"))
    rising = other_inflow(ctx(_newcomers(lambda y, m: 4 if y < 2025 else 8)), opts("other_inflow"))
    rate = lambda r: next(p for p in r.params if p.name == "new_per_year[SEL 108]").value  # noqa: E731
    assert rate(flat) == pytest.approx(48, rel=0.01)
    # this year's six months at twice the rate weigh about half of all (half-life a year)
    assert 60 < rate(rising) < 96 and rising.total > 1.2 * flat.total


def test_other_inflow_newcomers_end_as_their_paragraph_does():
    lasting = other_inflow(ctx(_newcomers(lambda y, m: 4)), opts("other_inflow"))
    # every grant ends after about a year: the rate of ending is one a grant-year
    brief = other_inflow(ctx(_newcomers(lambda y, m: 4, days=365)), opts("other_inflow"))
    # a newcomer of July runs 5.5 months this year: with one ending a year it is expected to run
    # Σ exp(−t/12) over its months, about 12 % less than 5.5
    assert 0.8 * lasting.total < brief.total < 0.95 * lasting.total


def test_disabled_buffer_is_zero_and_says_so():
    r = run_forecast(pl.DataFrame([grant()], schema=GRANT_SCHEMA), STEPS, pl.DataFrame(schema=POSTING_SCHEMA), budget(),
                     settings_tmp(), 2025, AS_OF, BufferInputs({"deaths": {"enabled": False}}))
    d = next(b for b in r.buffers if b.name == "deaths")
    assert d.total == 0 and "Slået fra" in text(d.explanation, "da")


def test_demo_every_buffer_nonzero_in_run_json_and_buffers(runner):
    import json
    from conftest import ROOT

    # at the end of June every buffer has something ahead (STU classes start in August); the demo's
    # own as-of date, 31 October, may legitimately have no STU start or end left in the year
    june = ROOT / "fixtures" / "demo" / "backtest" / "2025-06-30"
    doc = json.loads(invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT), "--data", str(june),
                            "--buffers", str(june / "buffers")).stdout)
    assert all(v != 0 for v in doc["components"]["buffers"].values()), doc["components"]
    doc = json.loads(invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT)).stdout)
    b = json.loads(invoke(runner, "buffers", "--format", "json", "--workspace", str(ROOT)).stdout)
    # every component: the six buffers, then those with a key of their own beside them
    shown = {**doc["components"]["buffers"], "extensions": doc["components"]["extensions"]}
    assert [x["buffer"] for x in b["buffers"]] == list(shown)
    for x in b["buffers"]:
        assert x["total"] == shown[x["buffer"]] and x["explanation"]["da"] and x["parameters"]
    table = invoke(runner, "buffers", "--workspace", str(ROOT)).stdout
    assert "Ungeovergang" in table and "estimeret" in table


def test_bad_buffers_toml_is_an_error(runner, tmp_path):
    from conftest import ROOT

    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "buffers.toml").write_text("[deaths]\nenabeld = false\n")
    out = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "--buffers", str(tmp_path / "b"))
    assert out.exit_code == 2 and "deaths.enabeld" in out.stderr


def test_half_life_must_be_a_positive_number(runner, tmp_path):
    from conftest import ROOT

    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "buffers.toml").write_text("[other_inflow]\nhalf_life_months = 0\n")
    out = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "--buffers", str(tmp_path / "b"))
    assert out.exit_code == 2 and "other_inflow.half_life_months" in out.stderr and "above 0" in out.stderr
