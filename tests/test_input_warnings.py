"""Input a controller would read one way: read so, said in a warning, an error under --strict."""

import datetime as dt
import json
import re

import polars as pl
import pytest

from conftest import invoke, tiny_frames, write
from test_bad_input import check, replace_line, workspace
from prognose.report.words import text


def append(path, line):
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + line + "\n", encoding="utf-8")


def prepend(path, line):
    path.write_text(line + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def line_of(path, number):
    return path.read_text(encoding="utf-8").split("\n")[number - 1]


WARNINGS = {
    "exact duplicate grant row": (lambda d: append(d / "grants.csv", line_of(d / "grants.csv", 2)),
                                  "grants.csv: 1 × præcis ens rækker: læst én gang (linje 4)"),
    "two plan steps on one date": (lambda d: append(d / "plan_steps.csv", "G2,2025-06-01,5,"),
                                   "plan_steps.csv: 1 × flere plantrin for samme bevilling og dato"),
    "row of separators": (lambda d: append(d / "postings.csv", ",,,,,,,,"),
                          "postings.csv: 1 × rækker med kun skilletegn: sprunget over (linje 6)"),
    "total row": (lambda d: append(d / "budget.csv", "I alt,,3400000.00"),
                  "budget.csv: 1 × sumrække (I alt) nederst: sprunget over (linje 5)"),
    "title row": (lambda d: prepend(d / "budget.csv", "Korrigeret budget 2025"),
                  "budget.csv: 1 × rækker over kolonneoverskrifterne: sprunget over (linje 1)"),
    "midnight time": (lambda d: replace_line(d / "postings.csv", 2, lambda s: s.replace("2025-02-10", "2025-02-10 00:00:00")),
                      "postings.csv: 1 × datoer med klokkeslættet 00:00: læst som datoen (linje 2)"),
    "paragraph with stk.": (lambda d: replace_line(d / "grants.csv", 2, lambda s: s.replace("SEL 108", '"SEL § 108, stk. 1"')),
                            "grants.csv: 1 × paragraf med stykke (stk.): læst som paragraffen (linje 2)"),
}


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_warning_is_read_and_said(runner, tmp_path, case):
    edit, said = WARNINGS[case]
    plain = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--format", "json",
                   "--workspace", str(workspace(tmp_path / "plain")))
    ws = workspace(tmp_path / "edited", edit)
    result = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--format", "json", "--workspace", str(ws))
    assert result.exit_code == 0, result.stderr
    assert said in result.stderr
    if case not in ("two plan steps on one date",):   # read as the file without the oddity: the same forecast
        figures = lambda out: {k: v for k, v in json.loads(out).items() if k in ("total", "accounts", "components")}  # noqa: E731
        assert figures(result.stdout) == figures(plain.stdout)
    quiet = invoke(runner, "--quiet", "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(ws))
    assert "advarsel" not in quiet.stderr
    strict = invoke(runner, "--strict", "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(ws))
    assert strict.exit_code == 2 and "--strict" in strict.stderr


def test_later_plan_step_on_one_date_applies():
    from prognose.validate import latest_step_per_date

    steps = pl.DataFrame({"_line": [2, 3, 4], "grant_id": ["G", "G", "H"],
                          "effective_date": [dt.date(2025, 6, 1)] * 3, "quantity": [4.0, 5.0, 1.0], "rate": [None] * 3},
                         schema_overrides={"rate": pl.Float64})
    warnings = []
    kept = latest_step_per_date(steps, warnings, "plan_steps.csv")
    assert kept.get_column("quantity").to_list() == [5.0, 1.0]
    assert warnings[0].lines == (2,) and text(warnings[0].detail, "en") == "1 with different values"


ERRORS = {
    "malformed thousands group": (lambda d: _danish_budget(d, "0.005"), ["budget.csv, line 2, column amount", "'0.005'"]),
    "broken xlsx": (lambda d: ((d / "budget.csv").unlink(), (d / "budget.xlsx").write_bytes(b"PK\x03\x04 not a zip")),
                    ["budget.xlsx", "a readable xlsx file"]),
    "truncated parquet": (lambda d: ((d / "budget.csv").unlink(), (d / "budget.parquet").write_bytes(b"PAR1 cut")),
                          ["budget.parquet", "a readable parquet file"]),
    "unterminated quote": (lambda d: append(d / "postings.csv", '2025-04-01,2025-04,5.38.50,1.00,,,,finance,"open'),
                           ["postings.csv"]),
    "grants without header": (lambda d: (d / "grants.csv").write_text(
        "\n".join((d / "grants.csv").read_text(encoding="utf-8").split("\n")[1:]), encoding="utf-8"),
        ["grants.csv, line 1", "is the header missing?"]),
}


def _danish_budget(d, value):
    (d / "budget.csv").write_text(f"account;year;amount\n5.38.50;2025;{value}\n5.38.38;2025;1.000,00\n", encoding="utf-8")


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_with_its_place(runner, tmp_path, case):
    edit, expected = ERRORS[case]
    check(runner, workspace(tmp_path, edit), *expected)


def test_as_of_past_the_data_is_a_warning(runner, tmp_path):
    ws = workspace(tmp_path)
    result = invoke(runner, "run", "--no-save", "--as-of", "2025-10-31", "--workspace", str(ws))
    assert result.exit_code == 0
    assert "opgørelsesdatoen ligger efter den seneste bogføringsmåned" in result.stderr


def test_warnings_are_kept_in_the_snapshot(runner, tmp_path):
    ws = workspace(tmp_path, WARNINGS["total row"][0])
    assert invoke(runner, "run", "--as-of", "2025-06-30", "--workspace", str(ws)).exit_code == 0
    meta = json.loads(next((ws / "snapshots").glob("*/meta.json")).read_text(encoding="utf-8"))
    assert meta["warnings"][0]["kind"] == "total_row" and meta["warnings"][0]["lines"] == [5]
    assert not re.search(r"\d{6}-?\d{4}", json.dumps(meta))


def test_amount_beyond_any_budget_is_an_error(runner, tmp_path):
    ws = workspace(tmp_path, lambda d: replace_line(d / "postings.csv", 2,
                                                    lambda s: s.replace("100000.00", "123456789012345678")))
    result = invoke(runner, "run", "--as-of", "2025-06-30", "--workspace", str(ws))
    assert result.exit_code == 2
    assert "postings.csv, line 2, column amount: '123456789012345678'" in result.stderr


def test_a_typo_in_a_posting_date_does_not_set_the_as_of_date(runner, tmp_path):
    frames = tiny_frames()
    p = frames["postings"]
    many = pl.concat([p.with_columns(pl.col("posting_date").dt.offset_by(f"{d}d")) for d in range(0, 60)])
    stray = p.head(1).with_columns(pl.lit(dt.date(2027, 3, 3)).alias("posting_date"), pl.lit(dt.date(2027, 3, 1)).alias("period"))
    frames["postings"] = pl.concat([many, stray])
    data = write(frames, tmp_path / "data", "csv")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    result = invoke(runner, "run", "--no-save", "--workspace", str(tmp_path), "--data", str(data))
    assert result.exit_code == 2
    assert "postings.csv, line 242" in result.stderr and "--as-of" in result.stderr
    assert invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(tmp_path)).exit_code == 0


def test_a_budget_without_the_budget_year_is_an_error(runner, tmp_path):
    ws = workspace(tmp_path, lambda d: (d / "budget.csv").write_text("account,year,amount\n5.38.50,2024,1.00\n"))
    result = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(ws))
    assert result.exit_code == 2 and "rows for the budget year 2025 (found: 2024)" in result.stderr


@pytest.mark.parametrize("toml, key, expected", [
    ('[deaths]\nenabled = "false"\n', "deaths.enabled", "true or false"),
    ("[other_inflow]\nyears = -1\n", "other_inflow.years", "1–10"),
    ('[bpa_sickness]\nshare = "0.1"\n', "bpa_sickness.share", "a share from 0 up to 1"),
    ("[deaths]\nrate = { \"SEL 108\" = 2 }\n", "deaths.rate", "a yearly rate from 0 to 1"),
    ("[bpa_sickness]\nmatch_text = \"vikar\"\n", "bpa_sickness.match_text", "a list"),
])
def test_buffers_toml_is_checked_by_type_and_range(runner, tmp_path, toml, key, expected):
    ws = workspace(tmp_path)
    (ws / "buffers").mkdir(exist_ok=True)
    (ws / "buffers" / "buffers.toml").write_text(toml, encoding="utf-8")
    result = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(ws), "--buffers", str(ws / "buffers"))
    assert result.exit_code == 2, result.output
    assert f"buffers.toml, column {key}" in result.stderr and expected in result.stderr


def test_negative_rates_in_plan_steps_and_lists_are_errors(runner, tmp_path):
    ws = workspace(tmp_path, lambda d: append(d / "plan_steps.csv", "G1,2025-07-01,,-5"))
    check(runner, ws, "plan_steps.csv, line 3, column rate", "a rate of 0 or more")
    ws = workspace(tmp_path / "b")
    (ws / "buffers").mkdir(exist_ok=True)
    (ws / "buffers" / "youth_transfers.csv").write_text(
        "citizen_id,expected_start,paragraph,unit,rate,quantity,probability\nP9,2025-09-01,SEL 108,year,-100,1,0.5\n",
        encoding="utf-8")
    result = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(ws), "--buffers", str(ws / "buffers"))
    assert result.exit_code == 2 and "youth_transfers.csv, line 2, column rate" in result.stderr


def test_the_report_lists_the_warnings_on_its_assumptions_sheet(runner, tmp_path):
    import openpyxl

    ws = workspace(tmp_path, WARNINGS["total row"][0])
    assert invoke(runner, "run", "--as-of", "2025-06-30", "--workspace", str(ws)).exit_code == 0
    assert invoke(runner, "report", "-o", str(tmp_path / "r.xlsx"), "--workspace", str(ws)).exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Forudsætninger"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("budget.csv: 1 × sumrække (I alt) nederst") for t in texts)


def test_title_rows_above_the_header_of_a_workbook(runner, tmp_path):
    import openpyxl

    def budget_as_xlsx(d):
        (d / "budget.csv").unlink()
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Korrigeret budget, udtrukket 30.06.2025"])
        sheet.append([])
        sheet.append(["account", "year", "amount"])
        for row in (["5.38.50", 2025, 1300000], ["5.38.38", 2025, 9000000], ["5.38.50", 2024, 1100000]):
            sheet.append(row)
        book.save(d / "budget.xlsx")

    ws = workspace(tmp_path, budget_as_xlsx)
    result = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(ws))
    assert result.exit_code == 0, result.stderr
    assert "budget.xlsx: 1 × rækker over kolonneoverskrifterne: sprunget over (linje 1)" in result.stderr


def test_a_long_text_on_one_line_is_read(runner, tmp_path):
    ws = workspace(tmp_path, lambda d: append(d / "postings.csv", '2025-04-01,2025-04,5.38.50,1.00,,,,finance,"' + "x" * 140_000 + '"'))
    result = invoke(runner, "validate", "--workspace", str(ws))
    assert result.exit_code == 0, result.stderr
    assert "postings.csv: 5 rækker" in result.output


def test_a_field_beyond_the_csv_limit_in_a_file_read_line_by_line_names_its_line(runner, tmp_path):
    # a quoted text over two lines is read by the csv module, which has a limit on a field's length
    def edit(d):
        append(d / "postings.csv", '2025-04-02,2025-04,5.38.50,1.00,,,,finance,"two\nlines"')
        append(d / "postings.csv", '2025-04-01,2025-04,5.38.50,1.00,,,,finance,"' + "x" * 140_000 + '"')
    check(runner, workspace(tmp_path, edit), "postings.csv, line 8", "fields below 131.072 characters")


def test_two_columns_of_one_name(runner, tmp_path):
    ws = workspace(tmp_path, lambda d: (d / "budget.csv").write_text("account,year,amount,year\n5.38.50,2025,1.00,2025\n"))
    check(runner, ws, "budget.csv, line 1", "each column name once (twice: 'year')")


def test_date_cells_of_a_workbook_are_dates_without_a_warning(runner, tmp_path):
    import openpyxl

    def steps_as_xlsx(d):
        (d / "plan_steps.csv").unlink()
        book = openpyxl.Workbook()
        book.active.append(["grant_id", "effective_date", "quantity", "rate"])
        book.active.append(["G2", dt.datetime(2025, 6, 1), 4, None])     # how Excel stores a date
        book.save(d / "plan_steps.xlsx")

    ws = workspace(tmp_path, steps_as_xlsx)
    result = invoke(runner, "--strict", "run", "--no-save", "--as-of", "2025-04-30", "--workspace", str(ws))
    assert result.exit_code == 0, result.stderr
    assert "00:00" not in result.stderr
