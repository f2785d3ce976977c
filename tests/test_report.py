"""The director's Excel report: read back with openpyxl and checked against run and diff JSON; no
personal data in any part of the file; cron safety (lock, atomic write, stale input, --keep)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, invoke

CPR = re.compile(r"(?<![\d.])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}-?\d{4}(?!\d)")  # a date, then 4 digits; not a decimal


def demo_cprs() -> set[str]:
    import polars as pl

    ids = pl.read_csv(ROOT / "fixtures/demo/data/grants.csv", columns=["citizen_id"], infer_schema=False).get_column("citizen_id")
    return set(ids.str.replace_all("-", "").to_list()) | set(ids.to_list())
PSEUDONYM = re.compile(r"P[0-9a-f]{12}")


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """A workspace on the demo with two snapshots: the previous month's extract and this month's."""
    w = tmp_path_factory.mktemp("ws")
    toml = (ROOT / "prognose.toml").read_text(encoding="utf-8")
    toml = toml.replace('data = "fixtures/demo/data"', f'data = "{ROOT / "fixtures/demo/data"}"')
    toml = toml.replace('buffers = "buffers"', f'buffers = "{ROOT / "buffers"}"')
    (w / "prognose.toml").write_text(toml, encoding="utf-8")
    r = CliRunner()
    prev = invoke(r, "run", "--workspace", str(w), "--data", str(ROOT / "fixtures/demo/previous/data"),
                  "--buffers", str(ROOT / "fixtures/demo/previous/buffers"), "--as-of", "2026-09-30")
    assert prev.exit_code == 0, prev.output
    now = invoke(r, "run", "--workspace", str(w))
    assert now.exit_code == 0, now.output
    return w


@pytest.fixture(scope="module")
def docs(ws) -> dict:
    r = CliRunner()
    run = json.loads(invoke(r, "run", "--no-save", "--workspace", str(ws), "--format", "json").stdout)
    diff = json.loads(invoke(r, "diff", "--workspace", str(ws), "--format", "json").stdout)
    hist = json.loads(invoke(r, "history", "--workspace", str(ws), "--format", "json").stdout)
    return {"run": run, "diff": diff, "history": hist}


@pytest.fixture(scope="module")
def book(ws, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "r.xlsx"
    res = invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out))
    assert res.exit_code == 0, res.output
    return out


def rows(sheet) -> list[tuple]:
    return [tuple(c.value for c in r) for r in sheet.iter_rows()]


def find_row(sheet, first: str) -> int:
    for r in sheet.iter_rows():
        if r[0].value == first:
            return r[0].row
    raise AssertionError(f"no row {first!r} in {sheet.title}")


def test_sheets_in_danish_by_default(book):
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Overblik", "Måneder", "Udvikling", "Ændringer", "Buffere", "Refusion", "Aktivitet",
                             "Flerårsoverslag", "Forudsætninger"]


def test_years_ahead_sheet_matches_the_project_command(book, ws, runner):
    """Flerårsoverslag: the same years and totals as `prognose project --initiatives`, the initiatives'
    table in million kroner with its total, and nothing but pseudonyms."""
    sheet = openpyxl.load_workbook(book)["Flerårsoverslag"]
    doc = json.loads(invoke(runner, "project", "--initiatives", "--format", "json", "--workspace", str(ws)).stdout)
    header = rows(sheet)[0]
    assert [int(h) for h in header[2:]] == [y["year"] for y in doc["years"]]
    total = find_row(sheet, "I alt")
    for c, year in enumerate(doc["years"], start=3):
        assert round(year["total"]["projection"]) == pytest.approx(sum(sheet.cell(r, c).value for r in range(2, total)), abs=1)
    start = find_row(sheet, "Initiativ, mio. kr.")
    names = [sheet.cell(r, 1).value for r in range(start + 2, start + 2 + len(doc["initiatives"]))]
    assert names == [i["name"] for i in doc["initiatives"]] and len(names) == 5
    assert find_row(sheet, "Initiativerne i alt") == start + 2 + len(names)
    assert sheet.cell(find_row(sheet, "Med alle initiativer"), 3).value.startswith("=C")
    # every function's name is whole on the printed page
    longest = max(len(sheet.cell(r, 2).value) for r in range(2, total))
    assert sheet.column_dimensions["B"].width >= longest


def test_activity_sheet_matches_the_activity_command(book, runner):
    from conftest import ROOT, invoke

    ws = openpyxl.load_workbook(book)["Aktivitet"]
    doc = json.loads(invoke(runner, "activity", "--format", "json", "--workspace", str(ROOT)).stdout)
    sheet = {(r[0], r[1]): r for r in rows(ws)[1:] if r[1] is not None and isinstance(r[1], int)}
    for p in doc["paragraphs"]:
        for y in p["years"]:
            r = sheet[(p["paragraph"], y["year"])]
            assert r[5] == pytest.approx(y["full_year_persons"], abs=0.051) and r[6] == pytest.approx(y["cost"], abs=0.01)
    overview = [c.value for row in openpyxl.load_workbook(book)["Overblik"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Største bevægelse i aktiviteten" in v for v in overview)


def test_cost_per_full_year_person_is_activitys_own(book, runner):
    # the sheet divides by the full-year persons themselves, not by them rounded to a tenth
    from conftest import ROOT, invoke

    ws = openpyxl.load_workbook(book)["Aktivitet"]
    doc = json.loads(invoke(runner, "activity", "--format", "json", "--workspace", str(ROOT)).stdout)
    sheet = {(r[0], r[1]): r for r in rows(ws)[1:] if r[1] is not None and isinstance(r[1], int)}
    checked = 0
    for p in doc["paragraphs"]:
        for y in p["years"]:
            r = sheet[(p["paragraph"], y["year"])]
            if y["expected"] or not r[5]:
                continue
            assert kroner(r[6] / r[5]) == kroner(y["cost_per_full_year_person"]), (p["paragraph"], y["year"])
            checked += 1
    assert checked > 5


def kroner(x: float) -> int:
    """DKK as the report rounds it: whole kroner, half up."""
    return (int(round(x * 100)) + 50) // 100


def test_overview_matches_run_json(book, docs):
    ws = openpyxl.load_workbook(book)["Overblik"]
    run = docs["run"]
    first = find_row(ws, "Konto") + 1
    shown = {c: [ws.cell(first + i, k).value for i in range(len(run["accounts"]))] for c, k in (("budget", 3), ("booked", 4), ("forecast", 5))}
    for i, acc in enumerate(run["accounts"]):
        r = first + i
        assert ws.cell(r, 1).value == acc["account"]
        for c, key in (("budget", "budget"), ("booked", "actual_to_date"), ("forecast", "forecast")):
            assert abs(shown[c][i] - acc[key]) <= 1.0 and isinstance(shown[c][i], int)   # whole kroner, within a krone
        assert ws.cell(r, 6).value == f"=E{r}-C{r}"
        assert ws.cell(r, 3).number_format.startswith("#,##0")
    # the rows a reader sees add up to the total under them, and that total is the run's
    for c, key in (("budget", "budget"), ("booked", "actual_to_date"), ("forecast", "forecast")):
        assert sum(shown[c]) == kroner(run["total"][key])
    tot = first + len(run["accounts"])
    assert ws.cell(tot, 1).value == "I alt"
    assert ws.cell(tot, 3).value == f"=SUBTOTAL(109,C{first}:C{tot - 1})"
    assert ws.cell(tot, 5).value == f"=SUBTOTAL(109,E{first}:E{tot - 1})"
    text = " ".join(str(ws.cell(r, 1).value) for r in range(2, 5))
    dev = run["total"]["deviation"]
    assert ("merforbrug" if dev > 0 else "mindreforbrug") in text
    assert f"{abs(dev) / 1e6:.1f}".replace(".", ",") + " mio. kr." in text
    assert "sidste måned" in text


def test_first_page_says_where_we_land_how_sure_and_why(book, docs):
    ws = openpyxl.load_workbook(book)["Overblik"]
    run = docs["run"]
    band = run["total"]["interval"]
    text = " ".join(str(ws.cell(r, 1).value) for r in range(2, 5))
    low, high = (band["p10"] - run["total"]["budget"]) / 1e6, (band["p90"] - run["total"]["budget"]) / 1e6
    assert "80 % sandsynlighed" in text and f"{low:.1f}".replace(".", ",") in text and f"{high:.1f}".replace(".", ",") in text
    r = find_row(ws, "P10–P90: 8 af 10 simulerede forløb ender her")
    assert (ws.cell(r, 3).value, ws.cell(r, 4).value) == (kroner(band["p10"]), kroner(band["p90"]))
    # the three paragraphs that drive the deviation, largest first, named
    top = find_row(ws, "De største paragraffer")
    paragraphs = sorted((p for p in run["paragraphs"] if p["deviation"] > 0), key=lambda p: -p["deviation"])[:3]
    assert [ws.cell(top + 1 + i, 1).value for i in range(3)] == [p["paragraph"] for p in paragraphs]
    assert ws.cell(top + 1, 2).value == "Længerevarende botilbud" and paragraphs[0]["paragraph"] == "SEL 108"
    # booked so far and still to come add up to the deviation
    split = [ws.cell(r, 3).value for r in range(top + 5, top + 7)]
    assert ws.cell(top + 5, 1).value.startswith("Bogført januar–oktober") and ws.cell(top + 6, 1).value.startswith("Forventet november")
    assert sum(split) == kroner(run["total"]["deviation"])
    # a bar chart of the deviation per paragraph, over the paragraph table's deviation column
    bars = [c for c in ws._charts if isinstance(c, openpyxl.chart.BarChart)]
    head = find_row(ws, "Paragraf")
    assert len(bars) == 1 and bars[0].series[0].val.numRef.f == f"'Overblik'!$F${head + 1}:$F${head + len(run['paragraphs'])}"


def test_colour_marks_only_an_overspend_past_the_threshold(book, docs, ws, tmp_path):
    sheet = openpyxl.load_workbook(book)["Overblik"]
    first = find_row(sheet, "Paragraf") + 1
    run = docs["run"]
    red = {p["paragraph"] for p in run["paragraphs"] if p["budget"] and p["deviation"] >= 0.03 * p["budget"]}
    marked = {sheet.cell(first + i, 1).value for i in range(len(run["paragraphs"]))
              if (sheet.cell(first + i, 6).fill.fgColor.rgb or "").endswith("F8D7D3")}
    assert marked == red and 0 < len(red) < len([p for p in run["paragraphs"] if p["deviation"] > 0])
    # display.highlight_percent moves the line
    toml = (ws / "prognose.toml").read_text(encoding="utf-8")
    (ws / "prognose.toml").write_text(toml.replace("[display]", "[display]\nhighlight_percent = 50"), encoding="utf-8")
    try:
        out = tmp_path / "t.xlsx"
        assert invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out)).exit_code == 0
        sheet = openpyxl.load_workbook(out)["Overblik"]
        assert not [c for row in sheet.iter_rows() for c in row if (c.fill.fgColor.rgb or "").endswith("F8D7D3")]
    finally:
        (ws / "prognose.toml").write_text(toml, encoding="utf-8")


def test_no_negative_figure_is_red_in_either_workbook(book, ws, tmp_path):
    # an underspend, a falling forecast, an initiative's saving is no alarm: red is for an
    # overspend past the threshold alone (the report's own footnote says so)
    assert invoke(CliRunner(), "run", "--no-save", "--workspace", str(ws), "-o", str(tmp_path / "run.xlsx")).exit_code == 0
    for path in (book, tmp_path / "run.xlsx"):
        wb = openpyxl.load_workbook(path)
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    assert "[Red]" not in (c.number_format or ""), (path.name, sheet.title, c.coordinate)
                    if isinstance(c.value, (int, float)) and c.value < 0:
                        rgb = c.font.color.rgb if c.font.color is not None else None
                        assert not (isinstance(rgb, str) and rgb.endswith("9C0006")), (sheet.title, c.coordinate)


def test_months_match_run_json_and_chart_the_deviation(book, docs):
    ws = openpyxl.load_workbook(book)["Måneder"]
    months = docs["run"]["months"]
    for i, m in enumerate(months):
        r = 2 + i
        assert ws.cell(r, 1).value.strftime("%Y-%m") == m["month"]
        assert abs(ws.cell(r, 2).value - m["actual"]) <= 1 and abs(ws.cell(r, 3).value - m["expected"]) <= 1
    assert sum(ws.cell(2 + i, 5).value for i in range(12)) == kroner(docs["run"]["total"]["budget"])
    assert sum(ws.cell(2 + i, 2).value for i in range(12)) == kroner(docs["run"]["total"]["actual_to_date"])
    assert ws.cell(14, 2).value == "=SUBTOTAL(109,B2:B13)"
    assert ws.cell(13, 7).value == "=SUM(D$2:D13)" and ws.cell(13, 9).value == "=G13-H13"
    bars, line = ws._charts
    assert [s.val.numRef.f for s in bars.series] == ["'Måneder'!$D$2:$D$13", "'Måneder'!$E$2:$E$13"]
    assert [s.val.numRef.f for s in line.series] == ["'Måneder'!$I$2:$I$13"]


def test_trend_lists_the_years_snapshots_with_the_band_of_the_deviation(book, docs):
    ws = openpyxl.load_workbook(book)["Udvikling"]
    got = [(r[0].strftime("%Y-%m-%d"), r[2]) for r in rows(ws)[1:] if r[0] is not None]
    assert got == [(h["as_of"], kroner(h["forecast"])) for h in docs["history"]]
    assert [ws.cell(1, c).value for c in (5, 6, 7, 8)] == ["P10", "P90", "Afvigelse P10", "Afvigelse P90"]
    latest = rows(ws)[2]
    band = docs["run"]["total"]["interval"]
    assert (latest[4], latest[5]) == (kroner(band["p10"]), kroner(band["p90"]))
    assert latest[6] == "=E3-B3" and latest[4] <= latest[2] <= latest[5]
    assert [s.val.numRef.f for s in ws._charts[0].series] == ["'Udvikling'!$D$2:$D$3", "'Udvikling'!$G$2:$G$3", "'Udvikling'!$H$2:$H$3"]


def test_changes_match_diff_json(book, docs):
    ws = openpyxl.load_workbook(book)["Ændringer"]
    diff = docs["diff"]
    head = find_row(ws, "Årsag")
    assert ws.cell(head + 1, 3).value == kroner(diff["forecast_from"])
    amounts = [ws.cell(head + 2 + i, 3).value for i in range(len(diff["causes"]))]
    assert all(abs(a - c["amount"]) <= 1 for a, c in zip(amounts, diff["causes"]))
    assert kroner(diff["forecast_from"]) + sum(amounts) == kroner(diff["forecast_to"])
    total_row = find_row(ws, "Forventet regnskab, nu") - 1
    assert ws.cell(total_row, 3).value == f"=SUBTOTAL(109,C{head + 2}:C{total_row - 1})"
    assert ws.cell(total_row + 1, 3).value == f"=C{head + 1}+C{total_row}"
    # the summary per cause, then its chart (on the next page where it does not fit under the
    # summary: a break right after the summary's total), the bridge's lines after a page break
    summary_total = find_row(ws, "Ændring i alt")
    breaks = [b.id for b in ws.row_breaks.brk]
    assert ws.cell(3, 1).value == "Pr. årsag" and breaks[-1] == head - 1 and set(breaks[:-1]) <= {summary_total}
    chart = ws._charts[0]
    assert len(ws._charts) == 1 and isinstance(chart, openpyxl.chart.BarChart) and summary_total < chart.anchor._from.row + 1 < head - 12


def test_one_name_per_component_on_every_sheet(book):
    wb = openpyxl.load_workbook(book)
    words = {c.value for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert "Udgifter uden bevilling" in words and "Buffer: dødsfald" in words
    assert not [w for w in words if "bevillingsbestemt" in w.lower()]
    assert "Refusion, særligt dyre enkeltsager" in words and "Refusion, dyre enkeltsager" not in words


def test_buffers_and_assumptions(book, docs, ws):
    wb = openpyxl.load_workbook(book)
    b = wb["Buffere"]
    by_name = {r[0]: r[1] for r in rows(b)[1:7]}
    assert len(by_name) == 6 and all(isinstance(v, (int, float)) for v in by_name.values())
    assert "Ungeovergang" in by_name
    # each buffer within a krone of its øre, and as page 2 of Overblik shows it (the one rounding rule)
    json_buffers = docs["run"]["components"]["buffers"]
    assert all(abs(v - x) <= 1 for v, x in zip(by_name.values(), json_buffers.values()))
    o = wb["Overblik"]
    at = find_row(o, "Heraf endnu ikke bogført")
    page2 = {r[0]: r[2] for r in rows(o)[at:] if isinstance(r[0], str) and r[0].startswith("Buffer: ")}
    assert sorted(page2.values()) == sorted(by_name.values())
    # parameters in words and Danish decimals, text at the top of rows tall enough to hold it
    params = " ".join(r[3] for r in rows(b)[1:7])
    assert "dødsrate pr. år, SEL 108 = 0," in params and "death_rate" not in params
    for r in range(2, 8):
        assert b.cell(r, 1).alignment.vertical == "top" and b.cell(r, 3).alignment.wrap_text
        longest = max(len(b.cell(r, 3).value), len(b.cell(r, 4).value))
        assert b.row_dimensions[r].height >= 13.5 * longest / (62 * 1.25)
    a = wb["Forudsætninger"]
    meta = json.loads(sorted((ws / "snapshots").iterdir())[-1].joinpath("meta.json").read_text())
    hashes = {r[2] for r in rows(a)}
    assert all(f["sha256"] in hashes for f in meta["inputs"])
    assert any(isinstance(r[1], dt.datetime) for r in rows(a))  # latest posting date per source
    # the forecast's notes (what it read one way where another was possible), as run says them
    notes = [n["da"] for n in docs["run"]["notes"]]
    assert notes, "the demo's run has notes"
    at = find_row(a, "Bemærkninger til prognosen")
    assert [a.cell(at + 1 + i, 1).value.lower() for i in range(len(notes))] == [n.lower() for n in notes]


def test_printable(book):
    for ws in openpyxl.load_workbook(book).worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "31.10.2026" in ws.oddHeader.center.text and "&P" in ws.oddFooter.right.text


def xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_no_cpr_or_citizen_id_anywhere_in_the_file(book, ws, tmp_path):
    text = xml_text(book)
    cprs = demo_cprs()
    assert len(cprs) > 100 and not [c for c in cprs if c in text]
    assert not CPR.search(text)
    assert not PSEUDONYM.search(text)
    # with --with-citizens the pseudonyms appear (so the check above can fail), still no CPR
    out = tmp_path / "c.xlsx"
    assert invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out), "--with-citizens").exit_code == 0
    text = xml_text(out)
    assert PSEUDONYM.search(text) and not CPR.search(text) and not [c for c in cprs if c in text]
    wb = openpyxl.load_workbook(out)
    assert "Borgere" in wb.sheetnames
    # each paragraph's largest grants with this year's cost and what is still to come
    assert [c.value for c in wb["Største bevillinger"][2]] == ["Paragraf", "Bevilling", "Borger (pseudonym)", "Bogført",
                                                             "Resten af året", "Årets udgift"]
    largest = [r for r in wb["Største bevillinger"].iter_rows(min_row=3, values_only=True) if r[0]]
    sel108 = [r for r in largest if r[0] == "SEL 108"]
    assert largest[0][0] == "SEL 85" and largest[-1][0] == "STU"             # in the order of the law
    assert 0 < len(sel108) <= 5 and all(PSEUDONYM.fullmatch(r[2]) for r in largest)
    assert [r[3] for r in sel108] and sel108[0][5] == f"=D{3 + largest.index(sel108[0])}+E{3 + largest.index(sel108[0])}"
    # a list that runs over pages repeats its header row on each (the refund's citizens: nine pages
    # on a large municipality)
    assert wb["Refusion"].print_title_rows.replace("$", "") == "13:13" and wb["Refusion"].cell(13, 1).value
    assert (wb["Forudsætninger"].print_title_rows or "").replace("$", "") == "1:1"
    doc = json.loads(invoke(CliRunner(), "explain", "--workspace", str(ws), "--grant", sel108[0][1], "-f", "json").stdout)
    assert abs(sel108[0][3] - doc["by_origin"]["booked"]) <= 1


def test_same_snapshot_same_bytes_and_english_on_request(ws, tmp_path):
    r = CliRunner()
    for name in ("a.xlsx", "b.xlsx"):
        assert invoke(r, "report", "--workspace", str(ws), "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert invoke(r, "report", "--workspace", str(ws), "-o", str(tmp_path / "en.xlsx"), "--lang", "en").exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames[:2] == ["Overview", "Months"]


def test_out_dir_names_by_month_and_keeps_n(ws, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    for old in ("prognose-2026-07.xlsx", "prognose-2026-08.xlsx", "prognose-2026-09.xlsx", "notes.txt"):
        (out / old).write_text("old")
    res = invoke(CliRunner(), "report", "--workspace", str(ws), "--out-dir", str(out), "--keep", "2", "--quiet")
    assert res.exit_code == 0 and res.stderr == ""
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["notes.txt", "prognose-2026-09.xlsx", "prognose-2026-10.xlsx"]


def test_stale_or_missing_input_is_one_line_and_no_file(ws, tmp_path):
    out = tmp_path / "r.xlsx"
    res = invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out), "--max-age", "10", "--today", "2026-12-31")
    assert res.exit_code == 2 and "stale input" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not out.exists()
    fresh = invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out), "--max-age", "10", "--today", "2026-11-05")
    assert fresh.exit_code == 0 and out.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    res = invoke(CliRunner(), "report", "--workspace", str(empty), "-o", str(tmp_path / "x.xlsx"))
    assert res.exit_code == 2 and "no snapshots" in res.stderr and not (tmp_path / "x.xlsx").exists()


def test_a_second_run_cannot_interleave(ws, tmp_path):
    from prognose.io.files import folder_lock
    from prognose.io.report_out import LOCK_NAME

    out = tmp_path / "r.xlsx"
    with folder_lock(tmp_path, LOCK_NAME, "held by the test"):
        res = invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out))
    assert res.exit_code == 2 and "being written" in res.stderr and not out.exists()
    assert invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]        # no lock file left beside the report


def test_crash_mid_write_leaves_the_previous_report(ws, tmp_path, monkeypatch):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"last month's report")
    real_fdopen = os.fdopen

    class Dying:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise KeyboardInterrupt("killed mid-write")

        def __getattr__(self, name):
            return getattr(self.f, name)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Dying(real_fdopen(*a, **k)))
    res = invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(out))
    monkeypatch.undo()
    assert res.exit_code != 0  # interrupted (click turns the interrupt into "Aborted!")
    assert out.read_bytes() == b"last month's report"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_killed_process_leaves_the_previous_report_whole(ws, tmp_path):
    """SIGKILL at several moments of a real run: the file is always last month's or the new one, whole."""
    out = tmp_path / "r.xlsx"
    old = b"last month's report"
    out.write_bytes(old)
    cmd = [sys.executable, "-m", "prognose", "report", "--workspace", str(ws), "-o", str(out), "--quiet"]
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env)
    whole = out.read_bytes()
    duration = time.perf_counter() - started
    seen = set()
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.95):
        out.write_bytes(old)
        p = subprocess.Popen(cmd, env=env)
        time.sleep(duration * fraction)
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = out.read_bytes()
        assert now in (old, whole)
        seen.add(now == whole)
    assert False in seen  # at least one kill landed before the new report was in place
    # the next run clears what a killed one left behind
    subprocess.run(cmd, check=True, env=env)
    assert out.read_bytes() == whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here (make check-report needs it)")
def test_libreoffice_recalculates_every_formula_to_the_same_value():
    res = subprocess.run([sys.executable, str(ROOT / "fixtures" / "check_report.py")], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "agree with prognose" in res.stdout


def test_text_that_looks_like_a_formula_stays_text():
    import openpyxl

    from prognose.report.excel import Sheet

    wb = openpyxl.Workbook()
    sheet = Sheet(wb.active, {})
    sheet.put(1, 1, "=HYPERLINK(\"http://x\")")
    sheet.put(1, 2, "+45 1234")
    sheet.put(1, 3, "=1+1", expect=2)
    cells = wb.active
    assert cells["A1"].data_type == "s" and cells["B1"].data_type == "s"
    assert cells["C1"].data_type == "f"


def test_one_month_is_named_once_on_the_first_page():
    # as of 30 November what is ahead is December: "Forventet i december", never "december–december"
    from prognose.report.excel_overview import span
    from prognose.report.excel_text import T

    assert span(T["da"], "ahead", 12, 12, "da") == "Forventet i december mod resten af budgettet"
    assert span(T["da"], "to_date", 1, 1, "da") == "Bogført i januar mod budgetprofilen"
    assert span(T["da"], "ahead", 11, 12, "da") == "Forventet november–december mod resten af budgettet"
    assert span(T["en"], "ahead", 12, 12, "en") == "Expected in December against the rest of the budget"


def test_the_activity_chart_draws_both_axes_from_zero(book):
    # an axis cut at 2.400 persons or 326.000 kr. makes a 1 % change look like a collapse
    chart = openpyxl.load_workbook(book)["Aktivitet"]._charts
    assert chart, "no chart on Aktivitet"
    c = chart[0]
    axes = [c.y_axis, *[sub.y_axis for sub in getattr(c, "_charts", [])]]
    assert len(axes) >= 2 and all(a.scaling.min == 0 for a in axes)


def test_a_long_note_on_the_assumptions_wraps_within_the_table(book):
    # one long sentence flowing past the table made the sheet wider, and so its print tiny
    ws = openpyxl.load_workbook(book)["Forudsætninger"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    long = [c for c in ws["A"] if isinstance(c.value, str) and len(c.value) > 60]
    assert long, "no long note on the demo's Forudsætninger"
    for c in long:
        assert f"A{c.row}:C{c.row}" in merged and c.alignment.wrap_text, c.value[:40]


def test_report_takes_q_and_says_a_mistyped_out_dir_instead_of_making_it(ws, tmp_path):
    quiet = invoke(CliRunner(), "report", "--workspace", str(ws), "-o", str(tmp_path / "r.xlsx"), "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "" and (tmp_path / "r.xlsx").exists()
    typo = tmp_path / "rapprter" / "prognose"
    res = invoke(CliRunner(), "report", "--workspace", str(ws), "--out-dir", str(typo), "-q")
    assert res.exit_code == 2 and "mappen findes ikke" in res.stderr and not typo.exists() and not typo.parent.exists()


def test_diff_and_history_write_dates_as_run_does(ws):
    # run says "pr. 31.10.2026"; diff and history said 2026-09-30 beside it
    iso = re.compile(r"\b20\d\d-\d\d-\d\d\b")
    for args in (("diff",), ("diff", "--by", "account"), ("history",)):
        out = invoke(CliRunner(), *args, "--workspace", str(ws)).stdout
        assert "30.09.2026" in out and not iso.search(out), args
    english = invoke(CliRunner(), "diff", "--workspace", str(ws), "--lang", "en").stdout
    assert "2026-09-30" in english
