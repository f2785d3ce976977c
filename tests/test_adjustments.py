"""The controller's adjustments (buffers/adjustments.csv): a part of the forecast of their own that
moves its account and the total by exactly its amount, a cause of its own in diff, listed with its
note in the report, validated like every other input."""

from __future__ import annotations

import json

import openpyxl

from conftest import ROOT, invoke
from test_snapshots import workspace

SETTLEMENT = ("account;period;year;amount;note;who;entered\n"
              "5.38.50;;2026;1.000.000,00;Forlig med nabokommune om mellemkommunal refusion (CPR 010190-1234);KM;20-11-2026\n")


def run_json(runner, ws, *args) -> dict:
    out = invoke(runner, "run", "--no-save", "--workspace", str(ws), "--format", "json", *args)
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)


def test_an_adjustment_moves_its_account_and_the_total_by_exactly_its_amount(tmp_path, runner):
    ws = workspace(tmp_path)
    before = run_json(runner, ws)
    (ws / "buffers" / "adjustments.csv").write_text(SETTLEMENT, encoding="utf-8")
    after = run_json(runner, ws)
    acc = {a["account"]: a for a in before["accounts"]}
    for a in after["accounts"]:
        moved = round(a["forecast"] - acc[a["account"]]["forecast"], 2)
        assert moved == (1_000_000.0 if a["account"] == "5.38.50" else 0.0), a["account"]
        assert a["actual_to_date"] == acc[a["account"]]["actual_to_date"]
    assert round(after["total"]["forecast"] - before["total"]["forecast"], 2) == 1_000_000.0
    assert after["components"]["adjustments"] == 1_000_000.0 and before["components"]["adjustments"] == 0.0
    # the range moves with it (the same draws around a point a million higher)
    assert round(after["total"]["interval"]["p10"] - before["total"]["interval"]["p10"], 2) == 1_000_000.0
    # every other part is as it was
    for k in ("grants", "unexplained", "refusion"):
        assert after["components"][k] == before["components"][k]
    assert after["components"]["buffers"] == before["components"]["buffers"]
    table = invoke(runner, "run", "--no-save", "--workspace", str(ws)).stdout
    assert "Controllerens skøn" in table and "1.000.000" in table and "010190" not in table


def test_diff_names_the_adjustment_and_the_report_lists_it_with_its_note(tmp_path, runner):
    ws = workspace(tmp_path)
    prev = ROOT / "fixtures" / "demo" / "previous"
    out = str(tmp_path / "run.txt")
    assert invoke(runner, "run", "--workspace", str(ws), "--data", str(prev / "data"), "--buffers", str(ws / "buffers"),
                  "--as-of", "2026-09-30", "-o", out).exit_code == 0
    (ws / "buffers" / "adjustments.csv").write_text(SETTLEMENT, encoding="utf-8")
    assert invoke(runner, "run", "--workspace", str(ws), "-o", out).exit_code == 0
    diff = json.loads(invoke(runner, "diff", "--workspace", str(ws), "--format", "json").stdout)
    mine = [c for c in diff["causes"] if c["cause"] == "adjustments"]
    assert sum(c["amount"] for c in mine) == 1_000_000.0
    assert round(sum(c["amount"] for c in diff["causes"]), 2) == diff["change"]
    assert "Controllerens skøn" in invoke(runner, "diff", "--workspace", str(ws)).stdout
    book = tmp_path / "r.xlsx"
    assert invoke(runner, "report", "--workspace", str(ws), "-o", str(book)).exit_code == 0
    cells = [c.value for row in openpyxl.load_workbook(book)["Forudsætninger"].iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("Forlig med nabokommune") for v in cells)
    assert 1_000_000 in cells and not any(isinstance(v, str) and "010190" in v for v in cells)
    overview = [c.value for row in openpyxl.load_workbook(book)["Overblik"].iter_rows() for c in row]
    assert "Controllerens skøn" in overview


def test_an_adjustment_without_month_or_year_is_an_error_naming_its_line(tmp_path, runner):
    ws = workspace(tmp_path)
    (ws / "buffers" / "adjustments.csv").write_text(
        "account;period;year;amount;note\n5.38.50;2026-11;;250.000,00;Prisregulering\n5.38.52;;;100,00;uden dato\n"
        "5.38.52;2025-03;2026;100,00;to år\n", encoding="utf-8")
    out = invoke(runner, "run", "--no-save", "--workspace", str(ws))
    assert out.exit_code == 2 and out.stdout == ""
    assert "adjustments.csv" in out.stderr and "line 3" in out.stderr and "line 4" in out.stderr and "period" in out.stderr


def test_an_adjustment_entered_twice_counts_once_and_one_of_another_year_is_said(tmp_path, runner):
    """Item 9: an exact duplicate row counted twice, even under --strict; rows for another year were
    dropped without a word."""
    ws = workspace(tmp_path)
    (ws / "buffers" / "adjustments.csv").write_text(SETTLEMENT, encoding="utf-8")
    once = run_json(runner, ws)
    other_year = "5.38.52;2025-03;;100,00;sidste år;KM;\n"
    (ws / "buffers" / "adjustments.csv").write_text(SETTLEMENT + SETTLEMENT.split("\n")[1] + "\n" + other_year, encoding="utf-8")
    out = invoke(runner, "run", "--no-save", "--workspace", str(ws), "--format", "json")
    twice = json.loads(out.stdout)
    assert twice["total"]["forecast"] == once["total"]["forecast"]
    assert "adjustments.csv" in out.stderr and "2025" in out.stderr and "ikke talt med" in out.stderr
    strict = invoke(runner, "--strict", "run", "--no-save", "--workspace", str(ws))
    assert strict.exit_code == 2 and "adjustments.csv" in strict.stderr
