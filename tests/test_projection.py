"""`prognose project` and `prognose whatif` on the demo: the shape of the JSON (documented in the
README), the first year as the monthly forecast, the parts adding up, and no CPR number anywhere."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, invoke


def test_project_json_has_its_documented_shape_and_the_first_year_is_the_forecast(runner):
    ws = ("--workspace", str(ROOT))
    doc = json.loads(invoke(runner, "project", "--format", "json", *ws).stdout)
    run = json.loads(invoke(runner, "run", "--no-save", "--format", "json", *ws).stdout)
    assert set(doc) >= {"as_of", "base_year", "years", "initiatives"} and doc["as_of"] == "2026-10-31"
    assert [y["year"] for y in doc["years"]] == [2026, 2027, 2028, 2029]
    first = doc["years"][0]
    assert first["total"]["projection"] == run["total"]["forecast"]
    assert (first["total"]["p10"], first["total"]["p90"]) == (run["total"]["interval"]["p10"], run["total"]["interval"]["p90"])
    for y in doc["years"]:
        assert set(y["total"]) >= {"projection", "budget", "p10", "p90", "citizens"}
        assert round(sum(a["projection"] for a in y["accounts"]), 2) == y["total"]["projection"]
        assert all(set(a) >= {"account", "projection", "budget"} for a in y["accounts"])
        assert all(set(p) >= {"paragraph", "projection", "citizens"} for p in y["paragraphs"])
        assert y["total"]["p10"] <= y["total"]["projection"] <= y["total"]["p90"]
    assert doc["years"][1]["total"]["budget"] is None            # the demo's budget file has no 2027
    assert doc["initiatives"] == []                               # only with --initiatives


def test_at_a_years_end_the_first_year_is_the_next(runner):
    december = ROOT / "fixtures" / "demo" / "backtest" / "2025-12-31"
    doc = json.loads(invoke(runner, "project", "--format", "json", "--years", "1", "--workspace", str(ROOT), "--data",
                            str(december), "--buffers", str(december / "buffers"), "--as-of", "2025-12-31").stdout)
    assert [y["year"] for y in doc["years"]] == [2026, 2027] and doc["base_year"] == 2025


def test_with_initiatives_each_one_is_listed_and_together_they_make_the_difference(runner):
    doc = json.loads(invoke(runner, "project", "--initiatives", "--format", "json", "--workspace", str(ROOT)).stdout)
    assert len(doc["initiatives"]) == 5
    for y in doc["years"]:
        effects = sum(i["effects"][str(y["year"])] for i in doc["initiatives"])
        assert round(y["total"]["projection"] + effects, 2) == y["total"]["with_initiatives"]
    text = invoke(runner, "project", "--initiatives", "--workspace", str(ROOT)).stdout
    assert "Initiativer, mio. kr." in text and "Med alle initiativer" in text


def test_whatif_costs_the_proposal_and_moves_the_citizens_refund_and_shows_no_cpr(runner):
    cpr = "241158-2573"     # a demo citizen with a grant
    out = invoke(runner, "whatif", "--paragraph", "§ 108", "--unit", "år", "--rate", "1200000", "--start", "2026-11-01",
                 "--citizen", cpr, "--format", "json", "--workspace", str(ROOT))
    assert out.exit_code == 0, out.stderr
    assert cpr not in out.stdout and cpr.replace("-", "") not in out.stdout
    doc = json.loads(out.stdout)
    assert doc["proposal"]["paragraph"] == "SEL 108" and doc["proposal"]["citizen"].startswith("P")
    assert doc["years"][0] == {"year": 2026, "cost": 200_000.0, "expected": doc["years"][0]["expected"]}
    assert all(y["expected"] <= y["cost"] for y in doc["years"])
    r = doc["refund"]
    assert r["cost_after"] == round(r["cost_before"] + 200_000.0, 2) and r["refund_after"] >= r["refund_before"]
    text = invoke(runner, "whatif", "--paragraph", "SEL 108", "--unit", "year", "--rate", "1200000", "--start", "2026-11-01",
                  "--citizen", cpr, "--workspace", str(ROOT)).stdout
    assert cpr not in text and "Refusion" in text
    bad = invoke(runner, "whatif", "--paragraph", "nonsense", "--unit", "year", "--rate", "1", "--start", "2026-11-01",
                 "--workspace", str(ROOT))
    assert bad.exit_code == 2 and "paragraph" in bad.stderr


def test_the_base_year_is_the_forecast_to_the_ore_whatever_paragraph_its_lines_carry():
    """Postings of a grant of another paragraph on an account, with no model cost beside them in the
    base year: they move with the account's model cost, and the base year is the forecast."""
    import datetime as dt

    import polars as pl

    from prognose.projection import project
    from prognose.schema import MODEL

    lines = pl.DataFrame({"account": ["5.38.50", "5.38.50", "5.38.50"], "paragraph": ["SEL 108", "SEL 107", None],
                          "ore": [1_000_000_00, 3_000_00, 500_000_00]})
    months = [dt.date(y, m, 1) for y in (2025, 2026) for m in range(1, 13)]
    frame = pl.DataFrame({"account": "5.38.50", "paragraph": "SEL 108", "provider_type": "private", "month": months,
                          "source": "known", "arrival": None, "cost": [100.0] * 12 + [110.0] * 12}, schema=MODEL)
    cells = project(lines, frame, frame, 2025, [2025, 2026])
    by_year = dict(cells.group_by("year").agg(pl.col("ore").sum()).iter_rows())
    assert by_year[2025] == 1_503_000_00
    assert by_year[2026] == round(1_503_000_00 * 1.1)


@pytest.mark.parametrize("change, said", [(("--rate", "-20000"), "--rate"), (("--quantity", "-1"), "--quantity"),
                                          (("--rate", "1e15"), "--rate"), (("--rate", "nan"), "--rate"),
                                          (("--quantity", "inf"), "--quantity"), (("--end", "2026-10-01"), "--end"),
                                          (("--paragraph", "SEL 999"), "--paragraph")])
def test_whatif_refuses_a_proposal_that_is_none(runner, change, said):
    """Item 11: a negative rate or quantity gave a cost below 0, an end before the start a cost of 0,
    10¹⁵ a cost, an unknown paragraph a cost nowhere, nan and inf an internal error."""
    args = {"--paragraph": "SEL 108", "--unit": "year", "--rate": "1200000", "--start": "2026-11-01"}
    args[change[0]] = change[1]
    out = invoke(runner, "whatif", *[x for kv in args.items() for x in kv], "--workspace", str(ROOT))
    assert out.exit_code == 2 and said in out.stderr, out.stderr
def _project_with(runner, tmp_path, rows: str) -> dict:
    """`project` on the demo with the demo's buffers and an adjustments.csv of `rows`."""
    import shutil

    buffers = tmp_path / "buffers"
    shutil.copytree(ROOT / "buffers", buffers)
    (buffers / "adjustments.csv").write_text("account;period;year;amount;paragraph;note;who;recurring\n" + rows, encoding="utf-8")
    out = invoke(runner, "project", "--format", "json", "--workspace", str(ROOT), "--buffers", str(buffers))
    assert out.exit_code == 0, out.stderr
    return {y["year"]: {a["account"]: a["projection"] for a in y["accounts"]} for y in json.loads(out.stdout)["years"]}


def test_a_one_off_adjustment_stays_in_its_year_and_only_a_recurring_one_carries_on(runner, tmp_path):
    # a settlement of last year entered for December: money of this year, not a level for the years ahead
    without = _project_with(runner, tmp_path / "a", "")
    once = _project_with(runner, tmp_path / "b", "5.38.50;2026-12;;1.250.000,00;;efterregulering 2025;HB;\n")
    assert round(once[2026]["5.38.50"] - without[2026]["5.38.50"], 2) == 1_250_000.00
    for year in (2027, 2028, 2029):
        assert once[year] == without[year], year
    # marked recurring (ja), it carries on as the account's level does
    level = _project_with(runner, tmp_path / "c", "5.38.50;;2026;600.000,00;;ny takst;HB;ja\n")
    assert round(level[2026]["5.38.50"] - without[2026]["5.38.50"], 2) == 600_000.00
    for year in (2027, 2028, 2029):
        assert level[year]["5.38.50"] - without[year]["5.38.50"] > 500_000, year


def test_whatif_reads_a_rate_as_a_danish_controller_types_it_and_refuses_an_unknown_paragraph(runner):
    args = ("--unit", "time", "--start", "2026-11-01", "--format", "json", "--workspace", str(ROOT))
    danish = invoke(runner, "whatif", "--paragraph", "§ 85", "--rate", "542,38", "--quantity", "10", *args)
    assert danish.exit_code == 0, danish.stderr
    dotted = invoke(runner, "whatif", "--paragraph", "§ 85", "--rate", "542.38", "--quantity", "10", *args)
    assert json.loads(danish.stdout)["years"] == json.loads(dotted.stdout)["years"]
    assert json.loads(danish.stdout)["proposal"]["rate"] == 542.38
    # one dot before three digits could be a thousand or a decimal: said, in Danish, not guessed
    unclear = invoke(runner, "whatif", "--paragraph", "§ 85", "--rate", "1.450", *args)
    assert unclear.exit_code == 2 and "Skriv 1450 eller 1,450" in unclear.stderr
    typo = invoke(runner, "whatif", "--paragraph", "SEL 999", "--rate", "100", *args)
    assert typo.exit_code == 2 and "SEL 999" in typo.stderr and "SEL 108" in typo.stderr
