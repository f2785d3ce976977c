"""CSV for a Danish Excel by default (semicolon, decimal comma, Danish headers, BOM), the
international form with --lang en, --csv-dialect or display.csv, and the same numbers in both."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from conftest import ROOT, invoke
from prognose.report.csv_out import HEADERS, CsvTable, Dialect, render

COMMANDS = [["run", "--no-save"], ["run", "--no-save", "--by", "paragraph"], ["run", "--no-save", "--monthly"],
            ["buffers"], ["activity"], ["refusion"]]
GOLDEN = Path(__file__).parent / "golden" / "demo_run.json"   # the demo's run the JSON test holds


def danish_rows(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def number(text: str) -> Decimal | None:
    return Decimal(text.replace(",", ".")) if text not in ("", None) else None


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_danish_by_default_and_the_same_numbers_as_the_international_form(runner, args):
    ws = ("--workspace", str(ROOT))
    da = invoke(runner, *args, *ws, "-f", "csv").stdout
    intl = invoke(runner, "--csv-dialect", "international", *args, *ws, "-f", "csv").stdout
    assert not intl.startswith("\ufeff") and "," in intl.splitlines()[0] and ";" not in intl.splitlines()[0]
    rows_da, rows_en = danish_rows(da), list(csv.DictReader(io.StringIO(intl)))
    assert len(rows_da) == len(rows_en) > 0
    heads = {HEADERS[c][0]: c for c in rows_en[0] if c in HEADERS}
    assert set(rows_da[0]) == set(heads) | (set(rows_en[0]) - set(HEADERS))   # every known column in Danish words
    for d, e in zip(rows_da, rows_en):
        for head, col in heads.items():
            if re.fullmatch(r"-?\d+\.\d+", e[col] or ""):
                assert re.fullmatch(r"-?\d+,\d+", d[head]) and number(d[head]) == Decimal(e[col])   # decimal comma, same value
            elif col not in ("buffer", "provider_type", "expected", "name"):
                assert d[head] == e[col]


def test_english_is_international_and_display_csv_or_the_option_chooses(runner, tmp_path):
    ws = ("--workspace", str(ROOT))
    assert invoke(runner, "run", "--no-save", *ws, "-f", "csv", "--lang", "en").stdout.startswith("account,name,budget,")
    assert invoke(runner, "--csv-dialect", "danish", "run", "--no-save", *ws, "-f", "csv", "--lang", "en").stdout.startswith(
        "\ufeffAccount;Name;Revised budget;")
    from test_snapshots import workspace

    w = workspace(tmp_path / "w")
    toml = (w / "prognose.toml").read_text(encoding="utf-8")
    (w / "prognose.toml").write_text(toml.replace("[display]", '[display]\ncsv = "international"'), encoding="utf-8")
    assert invoke(runner, "run", "--no-save", "--workspace", str(w), "-f", "csv").stdout.startswith("account,")
    (w / "prognose.toml").write_text(toml.replace("[display]", '[display]\ncsv = "excel"'), encoding="utf-8")
    bad = invoke(runner, "run", "--no-save", "--workspace", str(w), "-f", "csv")
    assert bad.exit_code == 2 and "display.csv" in bad.stderr and "danish" in bad.stderr


def test_a_file_written_with_o_is_the_same_danish_csv(runner, tmp_path):
    out = tmp_path / "r.csv"
    assert invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8").splitlines()[0].endswith(";P10;P50;P90")


def test_words_for_yes_no_and_the_parts_of_the_forecast():
    frame = pl.DataFrame({"buffer": ["deaths"], "expected": [True], "amount": [-1234.5]})
    text = render(CsvTable(frame), Dialect.of("danish", "da"))
    assert text == "\ufeffBuffer;Forventet;Beløb\nBuffer: dødsfald;ja;-1234,50\n"
    assert render(CsvTable(frame), Dialect.of("international", "en")) == "buffer,expected,amount\ndeaths,true,-1234.50\n"


def test_paragraph_names_in_csv_and_in_a_wide_terminal_but_never_at_the_cost_of_a_figure(runner, monkeypatch):
    ws = ("--workspace", str(ROOT))
    rows = danish_rows(invoke(runner, "run", "--no-save", "--by", "paragraph", *ws, "-f", "csv").stdout)
    assert {r["Paragraf"]: r["Navn"] for r in rows}["SEL 108"] == "Længerevarende botilbud"
    monkeypatch.setenv("COLUMNS", "140")
    assert "Længerevarende botilbud" in invoke(runner, "run", "--no-save", "--by", "paragraph", *ws).stdout
    monkeypatch.setenv("COLUMNS", "80")
    narrow = invoke(runner, "run", "--no-save", "--by", "paragraph", *ws).stdout
    sel108 = next(p for p in json.loads(GOLDEN.read_text(encoding="utf-8"))["paragraphs"] if p["paragraph"] == "SEL 108")
    # whole kroner rounded on the column's running total: a row is within a krone of its own rounding
    whole = [f"{k:,}".replace(",", ".") for k in (math.floor(sel108["forecast"]), math.ceil(sel108["forecast"]))]
    assert "Længerevarende" not in narrow and any(w in narrow for w in whole) and "…" not in narrow


def test_every_column_a_command_writes_has_a_danish_header(runner, tmp_path):
    from test_snapshots import workspace

    ws = workspace(tmp_path)
    assert invoke(runner, "run", "--workspace", str(ws), "-o", str(tmp_path / "r.txt")).exit_code == 0
    commands = [*[(c, ws) for c in COMMANDS], (["run", "--no-save", "--by", "provider_type"], ws), (["history"], ws),
                (["backtest"], ROOT), (["explain", "--account", "5.38.50"], ws), (["explain", "--account", "5.38.50", "--postings"], ws),
                (["explain", "--grant", "G001083"], ws)]
    for args, where in commands:
        out = invoke(runner, "--csv-dialect", "international", *args, "--workspace", str(where), "-f", "csv")
        assert out.exit_code == 0, (args, out.stderr)
        head = out.stdout.splitlines()[0]
        assert set(head.split(",")) <= set(HEADERS), (args, set(head.split(",")) - set(HEADERS))



def test_a_cell_that_would_be_a_formula_is_written_behind_an_apostrophe():
    """Item 18: a provider named =HYPERLINK(…) or +cmd|… was written as is, and Excel ran it."""
    names = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "Bostedet", None]
    frame = pl.DataFrame({"provider": names, "amount": [-1.5] * len(names)})
    for dialect in (Dialect.of("danish", "da"), Dialect.of("international", "en")):
        out = render(CsvTable(frame), dialect)
        read = pl.read_csv(out.lstrip("\ufeff").encode(), separator=";" if dialect.danish else ",", infer_schema=False)
        assert read.to_series(0).to_list() == ["'" + n for n in names[:5]] + ["Bostedet", None]
        assert read.to_series(1).str.starts_with("-").all()      # a negative number stays a number
