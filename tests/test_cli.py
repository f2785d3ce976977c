"""The command line on the demo municipality: golden JSON, reconciliation, formats, determinism."""

import csv
import io
import json
import os
import re
from decimal import Decimal

import pytest

from conftest import ROOT, invoke
from prognose.commands import edge
from prognose.commands.run import save_snapshot

GOLDEN = ROOT / "tests" / "golden" / "demo_run.json"
CPR = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


@pytest.fixture(scope="module")
def demo_json():
    from typer.testing import CliRunner

    result = invoke(CliRunner(), "run", "--no-save", "--format", "json", "--workspace", str(ROOT))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_demo_json_matches_golden(demo_json):
    if os.environ.get("PROGNOSE_UPDATE_GOLDEN"):
        GOLDEN.write_text(demo_json, encoding="utf-8")
    assert demo_json == GOLDEN.read_text(encoding="utf-8"), "demo forecast changed: review, then PROGNOSE_UPDATE_GOLDEN=1"


def test_demo_json_follows_spec_section_4(demo_json, tmp_path):
    import subprocess
    import sys

    checker = ROOT.parent / "shared" / "checks" / "spec_output.py"
    if not checker.exists():
        pytest.skip("shared/checks not beside the repository")
    path = tmp_path / "out.json"
    path.write_text(demo_json)
    out = subprocess.run([sys.executable, str(checker), str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_postings_reconcile_to_the_ore(demo_json):
    """Booked to date in the output = the postings file's amounts for the year, summed as exact decimals."""
    doc = json.loads(demo_json)
    raw = (ROOT / "fixtures" / "demo" / "data" / "postings.csv").read_bytes().decode("cp1252")
    total = Decimal(0)
    per_account = {}
    for row in csv.DictReader(io.StringIO(raw), delimiter=";"):
        if row["period"].startswith(str(doc["year"])):
            amount = Decimal(row["amount"].replace(".", "").replace(",", "."))
            total += amount
            per_account[row["account"]] = per_account.get(row["account"], Decimal(0)) + amount
    assert Decimal(str(doc["total"]["actual_to_date"])) == total
    for a in doc["accounts"]:
        assert Decimal(str(a["actual_to_date"])) == per_account.get(a["account"], Decimal(0))
    assert sum(Decimal(str(m["actual"])) for m in doc["months"]) == total


def test_parts_add_up(demo_json):
    doc = json.loads(demo_json)
    comp = doc["components"]
    # every part still ahead: the six buffers, and every key beside them (grants, extensions, …)
    ahead = sum(Decimal(str(v)) for v in comp["buffers"].values()) + \
        sum(Decimal(str(v)) for k, v in comp.items() if k != "buffers")
    assert {"grants", "extensions", "unexplained", "refusion", "adjustments"} <= set(comp)
    assert Decimal(str(doc["total"]["forecast"])) - Decimal(str(doc["total"]["actual_to_date"])) == ahead
    assert sum(Decimal(str(p["forecast"])) for p in doc["paragraphs"]) == Decimal(str(doc["total"]["forecast"]))


def test_run_is_deterministic(runner, demo_json):
    again = invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT))
    assert again.stdout == demo_json


def test_table_is_danish_by_default_and_english_on_request(runner):
    da = invoke(runner, "run", "--no-save", "--workspace", str(ROOT))
    assert da.exit_code == 0
    assert "Forventet regnskab" in da.stdout and "merforbrug" in da.stdout
    assert re.search(r"\d{1,3}\.\d{3}\.\d{3}", da.stdout), "Danish thousands separators"
    assert "\x1b[" not in da.stdout, "no colour codes when not on a terminal"
    en = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "--lang", "en")
    assert "Forecast" in en.stdout and "overspend" in en.stdout and re.search(r"\d{1,3},\d{3},\d{3}", en.stdout)


@pytest.mark.parametrize("by", ["account", "paragraph", "provider_type"])
def test_by_views_sum_to_the_same_total(runner, by):
    out = invoke(runner, "--csv-dialect", "international", "run", "--no-save", "--workspace", str(ROOT), "--by", by, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    total = sum(Decimal(r["forecast"]) for r in rows)
    doc = json.loads(invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "--format", "json").stdout)
    assert total == Decimal(str(doc["total"]["forecast"]))


def test_output_file_format_from_extension(runner, tmp_path):
    for name, check in (("f.json", lambda t: json.loads(t)["year"] == 2026), ("f.csv", lambda t: t.startswith("\ufeffKonto;Navn;Korr. budget;")),
                        ("f.txt", lambda t: "Konto" in t)):
        result = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "-o", str(tmp_path / name))
        assert result.exit_code == 0 and check((tmp_path / name).read_text())
    bad = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "-o", str(tmp_path / "f.pdf"))
    assert bad.exit_code == 2 and "'.pdf'" in bad.stderr


def test_monthly_view(runner):
    out = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "--monthly")
    assert out.exit_code == 0 and "2026-01" in out.stdout and "2026-12" in out.stdout


def test_no_cpr_reaches_any_output(runner, tmp_path):
    commands = [["run", "--no-save"], ["run", "--no-save", "--format", "json"], ["run", "--no-save", "--format", "csv"], ["run", "--no-save", "--by", "paragraph"],
                ["run", "--no-save", "--monthly", "--format", "csv"], ["validate"], ["config"], ["--verbose", "run", "--no-save"]]
    source_ids = set()
    for f in ("grants.csv", "postings.csv"):
        source_ids |= set(CPR.findall((ROOT / "fixtures" / "demo" / "data" / f).read_bytes().decode("cp1252")))
    assert source_ids, "the demo carries CPR-shaped ids to test with"
    for cmd in commands:
        result = invoke(runner, *cmd, "--workspace", str(ROOT)) if cmd[0] != "--verbose" else \
            invoke(runner, "--verbose", "run", "--no-save", "--workspace", str(ROOT))
        assert result.exit_code == 0, (cmd, result.stderr)
        text = result.stdout + result.stderr
        assert not CPR.search(text), cmd


def test_config_shows_origins(runner):
    out = invoke(runner, "config", "--workspace", str(ROOT))
    assert "paths.data" in out.stdout and "(prognose.toml)" in out.stdout and "price_index.2026" in out.stdout


def test_init_lays_out_a_workspace_that_validates_its_config(runner, tmp_path):
    ws = tmp_path / "kommune"
    out = invoke(runner, "init", str(ws))
    assert out.exit_code == 0
    assert (ws / "prognose.toml").exists() and (ws / "data").is_dir() and (ws / "buffers" / "stu.csv").exists()
    cfg = invoke(runner, "config", "--workspace", str(ws))
    assert cfg.exit_code == 0 and "paragraph_accounts.SEL 108" in cfg.stdout
    again = invoke(runner, "init", str(ws))
    assert again.exit_code == 2 and "exists already" in again.stderr


def test_default_as_of_is_the_end_of_the_latest_posting_month(demo_json):
    assert json.loads(demo_json)["as_of"] == "2026-10-31"


def test_snapshot_is_the_same_bytes_every_time(tmp_path):
    from prognose.commands.run import save_snapshot
    settings = edge.options_for(ROOT)
    paths = [save_snapshot(edge.forecast(settings), directory=tmp_path / name)[0] for name in ("a", "b")]
    for name in ("lines.parquet", "result.json", "buffers.json"):
        assert (paths[0] / name).read_bytes() == (paths[1] / name).read_bytes(), name


def test_refusion_on_the_demo_learns_the_generators_thresholds_and_shows_pseudonyms_only(runner):
    past = invoke(runner, "refusion", "--year", "2025", "--format", "json", "--workspace", str(ROOT))
    assert past.exit_code == 0, past.output
    doc = json.loads(past.stdout)
    # the generator refunds above 950.000 / 1.900.000 kr. (2025 prices), not the engine's default
    assert doc["thresholds"]["source"] == "learned" and abs(doc["thresholds"]["first"] - 950_000) < 1_000
    assert abs(doc["total"]["refund"] / doc["total"]["booked"] - 1) < 0.05
    assert all(c["citizen"].startswith("P") for c in doc["citizens"])
    now = invoke(runner, "refusion", "--workspace", str(ROOT))
    assert now.exit_code == 0 and "Tærskler 2026" in now.stdout
    assert not re.search(r"\b\d{6}-?\d{4}\b", now.stdout)


def test_activity_on_the_demo_chains_its_counts_and_splits_the_change_exactly(runner):
    res = invoke(runner, "activity", "--format", "json", "--mix-base", "2023", "--workspace", str(ROOT))
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["year"] == 2026 and doc["by"] == "paragraph" and doc["paragraphs"]
    for p in doc["paragraphs"]:
        months = p["months"]
        assert [m["month"] for m in months] == [f"2026-{i:02d}" for i in range(1, 13)]
        for a, b in zip(months, months[1:]):
            assert a["citizens_end"] == pytest.approx(b["citizens_start"], abs=0.011)
        assert [y["year"] for y in p["years"]] == [2023, 2024, 2025, 2026]
        assert months[-1]["expected"] and not months[0]["expected"]
    for r in doc["mix"]:
        assert r["volume"] + r["price"] + r["mix"] + r["rounding"] == pytest.approx(r["change"], abs=0.001)
        assert r["change"] == pytest.approx(r["cost1"] - r["cost0"], abs=0.001)
    assert len(doc["mix_base"]) == len(doc["mix"])
    table = invoke(runner, "activity", "--by", "provider_type", "--workspace", str(ROOT))
    assert table.exit_code == 0 and "Helårsp." in table.stdout and "Volumen" in table.stdout
    assert not re.search(r"\b\d{6}-?\d{4}\b", table.stdout + res.stdout)


def test_activity_bands_in_prognose_toml_are_checked(tmp_path, runner):
    (tmp_path / "prognose.toml").write_text('[activity.bands]\n"SEL 85" = { measure = "hours", edges = [6, 3] }\n')
    res = invoke(runner, "config", "--workspace", str(tmp_path))
    assert res.exit_code == 2 and "activity.bands.SEL 85" in res.output
    (tmp_path / "prognose.toml").write_text('[activity.bands]\n"SEL 85" = { measure = "hours", edges = [3, 6] }\n')
    res = invoke(runner, "config", "--workspace", str(tmp_path))
    assert "activity.bands.SEL 85" in res.stdout and "hours: 3, 6" in res.stdout


def test_version_option_and_a_reader_that_stops_early_is_no_error():
    import subprocess
    import sys
    from pathlib import Path

    from prognose import __version__

    exe = str(Path(sys.executable).with_name("prognose"))
    assert subprocess.run([exe, "--version"], capture_output=True, text=True).stdout == __version__ + "\n"
    for args in (["config", "--workspace", str(ROOT)], ["--help"]):
        done = subprocess.run(f"'{exe}' {' '.join(args)} | head -1", shell=True, capture_output=True, text=True)
        assert done.stderr == "" and done.stdout, args


def test_run_writes_its_table_as_a_workbook_and_an_extension_must_match_the_format(tmp_path, runner):
    from openpyxl import load_workbook

    doc = json.loads(invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT)).stdout)
    out = tmp_path / "run.xlsx"
    assert invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "-o", str(out)).exit_code == 0
    ws = load_workbook(out).active
    rows = {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 7)] for r in range(4, ws.max_row + 1)}
    assert ws.cell(ws.max_row, 3).value.startswith("=SUM(")
    accounts = {a["account"]: a for a in doc["accounts"]}
    assert set(accounts) < set(rows)
    # whole kroner as every output shows them (report/figures.py): each within a krone of its øre,
    # adding up to the total in whole kroner, and the deviation the forecast less the budget shown
    for account, a in accounts.items():
        shown = rows[account]
        assert all(abs(k - x) < 1 for k, x in zip(shown[1:4], (a["budget"], a["actual_to_date"], a["forecast"])))
        assert shown[4] == shown[3] - shown[1]
    forecast = sum(rows[a][3] for a in rows if a in accounts or (isinstance(a, str) and a[:1].isdigit()))
    assert forecast == (round(doc["total"]["forecast"] * 100) + 50) // 100
    assert rows["5.38.50"][0] == "Botilbud til længerevarende ophold"
    assert ws.cell(4, 3).number_format == "#,##0;-#,##0"         # whole kroner, a negative one not red
    for args, says in ((["history", "-f", "csv", "-o", str(tmp_path / "h.xlsx")], "another format (xlsx)"),
                       (["run", "--no-save", "-f", "csv", "-o", str(tmp_path / "r.json")], "another format")):
        r = invoke(runner, *args, "--workspace", str(ROOT))
        assert r.exit_code == 2 and says in r.stderr, r.output
    assert not (tmp_path / "h.xlsx").exists() and not (tmp_path / "r.json").exists()


def test_help_and_behaviour_agree_on_formats_and_groupings(runner):
    ws = ("--workspace", str(ROOT))
    doc = json.loads(invoke(runner, "buffers", "-f", "json", *ws).stdout)
    rows = list(csv.DictReader(io.StringIO(invoke(runner, "--csv-dialect", "international", "buffers", "-f", "csv", *ws).stdout)))
    for b in doc["buffers"]:
        mine = [r for r in rows if r["buffer"] == b["buffer"]]
        assert float(next(r for r in mine if not r["month"])["amount"]) == b["total"]
        assert sum(Decimal(r["amount"]) for r in mine if r["month"]) == Decimal(str(b["total"])).quantize(Decimal("0.01"))
    total = list(csv.DictReader(io.StringIO(invoke(runner, "--csv-dialect", "international", "run", "--no-save", "--monthly", "-f", "csv", *ws).stdout)))
    table = invoke(runner, "run", "--no-save", "--monthly", *ws).stdout
    assert [r["month"] for r in total] == re.findall(r"^(20\d\d-\d\d) ", table, re.M)
    per = list(csv.DictReader(io.StringIO(invoke(runner, "--csv-dialect", "international", "run", "--no-save", "--monthly", "--by", "paragraph", "-f", "csv", *ws).stdout)))
    paragraphs = {r["paragraph"] for r in per}
    assert len(per) == 12 * len(paragraphs) and len(paragraphs) > 3
    by_table = invoke(runner, "run", "--no-save", "--monthly", "--by", "paragraph", *ws).stdout
    assert len(re.findall(r"^20\d\d-\d\d ", by_table, re.M)) == len(per)
    for month in ("2026-01", "2026-12"):
        assert sum(Decimal(r["forecast"]) for r in per if r["month"] == month) == \
            next(Decimal(r["forecast"]) for r in total if r["month"] == month)


def test_a_command_outside_a_workspace_says_so_and_makes_nothing(tmp_path, runner, monkeypatch):
    monkeypatch.delenv("PROGNOSE_PSEUDONYM_KEY")
    r = invoke(runner, "run", cwd=tmp_path)
    assert r.exit_code == 2 and "no prognose.toml" in r.stderr and "prognose init" in r.stderr
    assert list(tmp_path.iterdir()) == []                                    # no key file
    r = invoke(runner, "run", "--workspace", str(tmp_path / "elsewhere"))
    assert r.exit_code == 2 and not (tmp_path / "elsewhere").exists()


def test_grants_with_a_price_year_and_no_price_index_are_named(tmp_path, runner):
    import re as regex

    from test_snapshots import workspace

    ws = workspace(tmp_path)
    toml = (ws / "prognose.toml").read_text(encoding="utf-8")
    (ws / "prognose.toml").write_text(regex.sub(r"\[price_index\][^\[]*", "", toml), encoding="utf-8")
    r = invoke(runner, "run", "--no-save", "--workspace", str(ws))
    assert r.exit_code == 0 and "intet [price_index]" in r.stderr
    assert "price_index" not in invoke(runner, "run", "--no-save", "--workspace", str(ROOT)).stderr


def test_per_provider_type_no_budget_is_invented_and_the_types_are_named_in_danish(runner):
    ws = ("--workspace", str(ROOT))
    table = invoke(runner, "run", "--no-save", "--by", "provider_type", *ws).stdout
    assert "Private tilbud" in table and "Uden leverandørtype" in table and "private" not in table
    assert "−100" not in table and "budget 5.38" not in table and "konti" in table
    head = invoke(runner, "--csv-dialect", "international", "run", "--no-save", "--by", "provider_type", "-f", "csv", *ws).stdout.splitlines()[0]
    assert head.startswith("provider_type,actual_to_date,forecast") and "budget" not in head


def test_sentences_read_as_danish_and_say_up_or_down(runner):
    da = invoke(runner, "buffers", "--workspace", str(ROOT)).stdout
    en = invoke(runner, "buffers", "--workspace", str(ROOT), "--lang", "en").stdout
    text = " ".join((da + en).split())
    assert "kr.." not in text and not re.search(r"\b1 nye|\b1 new \S+ citizens|\b1 are\b", text)
    assert not re.search(r"\d\.\d %", da)                                   # Danish decimals: 5,8 %
    # outflow only takes away; the extensions say what they add
    assert "mindsker de kendte bevillingers udgift" in da and "lowers the known grants' cost" in " ".join(en.split())
    assert "revurderingsdatoer forlænges" in " ".join(da.split())
    backtest = invoke(runner, "backtest", "--workspace", str(ROOT)).stdout
    assert "mål 70–90 %:" in " ".join(backtest.split())


def test_config_names_where_each_paragraphs_account_comes_from(tmp_path, runner):
    (tmp_path / "prognose.toml").write_text('[paragraph_accounts]\n"SEL 108" = "5.38.50"\n')
    out = invoke(runner, "config", "--workspace", str(tmp_path)).stdout
    rows = re.findall(r"^paragraph_accounts\.(\w+(?: \d+)?)\s+(\S+)\s+\((.+)\)$", out, re.M)
    origin = {paragraph: source for paragraph, _, source in rows}
    assert origin["SEL 108"] == "prognose.toml" and origin["SEL 109"] == origin["SEL 97"] == "default"
    assert [p for p, _, _ in rows][:3] == ["SEL 85", "SEL 95", "SEL 96"]          # the order of the law


def test_history_in_an_empty_workspace_exits_2_and_its_csv_carries_the_change(tmp_path, runner):
    r = invoke(runner, "history", "--workspace", str(tmp_path))
    assert r.exit_code == 2 and "no snapshots" in r.stderr
    from test_snapshots import workspace

    ws = workspace(tmp_path / "ws")
    prev = ROOT / "fixtures" / "demo" / "previous"
    out = str(tmp_path / "run.txt")
    invoke(runner, "run", "--workspace", str(ws), "--data", str(prev / "data"), "--buffers", str(prev / "buffers"),
           "--as-of", "2026-09-30", "-o", out)
    invoke(runner, "run", "--workspace", str(ws), "-o", out)
    rows = list(csv.DictReader(io.StringIO(invoke(runner, "--csv-dialect", "international", "history", "--workspace", str(ws), "-f", "csv").stdout)))
    assert [r["change"] for r in rows][0] == "" and Decimal(rows[1]["change"]) == \
        Decimal(rows[1]["forecast"]) - Decimal(rows[0]["forecast"])
    table = invoke(runner, "history", "--workspace", str(ws)).stdout
    assert "+ er merforbrug" in table and "Ændring = " in table


def test_the_run_workbook_per_provider_type_names_the_types_and_invents_no_budget(tmp_path, runner):
    from openpyxl import load_workbook

    out = tmp_path / "types.xlsx"
    assert invoke(runner, "run", "--no-save", "--by", "provider_type", "--workspace", str(ROOT), "-o", str(out)).exit_code == 0
    ws = load_workbook(out).active
    assert [c.value for c in ws[3]] == ["Leverandørtype", "Bogført", "Forventet regnskab"]
    assert {"Private tilbud", "Uden leverandørtype"} <= {ws.cell(r, 1).value for r in range(4, ws.max_row)}


@pytest.mark.parametrize("argv", [["--version"], ["version"]])
def test_the_version_is_answered_without_importing_the_engine(argv):
    import subprocess
    import sys

    code = ("import sys; sys.argv = ['prognose', *sys.argv[1:]]; from prognose.entry import main; main(); "
            "print('polars' in sys.modules, 'prognose.commands' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True).stdout.split()
    from prognose import __version__
    assert out == [__version__, "False", "False"]


def test_notes_wrap_under_their_prefix_for_a_person_and_stay_one_line_for_a_log(capsys, monkeypatch):
    import sys

    from prognose.commands import edge

    text = "opgørelsesdatoen 30.11.2025 falder i en weekend: fakturaer for weekenden bogføres først på næste hverdag"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    edge.say_wrapped(None, "bemærk: ", text)
    assert capsys.readouterr().err == "bemærk: " + text + "\n"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(edge.shutil, "get_terminal_size", lambda: os.terminal_size((50, 20)))
    edge.say_wrapped(None, "bemærk: ", text)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) > 1 and all(len(line) <= 49 for line in lines)
    assert lines[0].startswith("bemærk: ") and all(line.startswith(" " * 8) for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == "bemærk: " + text


@pytest.mark.parametrize("args", [["run", "--seed", "-1"], ["explain", "--account", "5.38.50", "--top", "-1"],
                                  ["explain", "--account", "5.38.50", "--top", "0"], ["diff", "--top", "-3"],
                                  ["report", "--out-dir", "x", "--keep", "-1"], ["report", "-o", "x.xlsx", "--max-age", "-5"],
                                  ["report", "-o", "x.xlsx", "--top", "-1"], ["backtest", "--seed", "-1"]])
def test_a_count_below_what_it_counts_is_a_usage_error(runner, args, tmp_path):
    """Item 21: --seed -1 ended in an internal error, explain --top -1 printed all but one, and a
    negative --top, --keep or --max-age was taken."""
    result = invoke(runner, *args, "--workspace", str(ROOT), cwd=tmp_path)
    assert result.exit_code == 2 and "internal error" not in result.stderr, result.stderr


def test_the_machines_refusals_are_exit_2_with_the_path_and_a_pipe_is_no_input(runner, tmp_path):
    """Item 20: a folder where a file belongs, a file where a folder belongs, a path over the
    system's limit ended in an internal error; a pipe as postings.csv hung the run."""
    import os

    from conftest import tiny_frames, write

    write(tiny_frames(), tmp_path / "data", "csv")
    ws = ["--workspace", str(tmp_path), "--as-of", "2025-06-30", "--draws", "0"]
    (tmp_path / "prognose.toml").write_text('[paths]\nsnapshots = "snapfile"\n', encoding="utf-8")
    (tmp_path / "snapfile").write_text("x", encoding="utf-8")
    cases = [(["run"], "snapfile")]
    cases.append((["run", "--no-save", "--format", "json", "-o", str(tmp_path / ("a" * 300 + ".json"))], "a" * 50))
    for args, said in cases:
        result = invoke(runner, *args, *ws)
        assert result.exit_code == 2 and said in result.stderr and "internal error" not in result.stderr, result.stderr
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    (tmp_path / "buffers" / "buffers.toml").mkdir(parents=True)
    result = invoke(runner, "run", "--no-save", *ws)
    assert result.exit_code == 2 and "buffers.toml" in result.stderr and "internal error" not in result.stderr, result.stderr
    (tmp_path / "buffers" / "buffers.toml").rmdir()
    (tmp_path / "data" / "postings.csv").unlink()
    os.mkfifo(tmp_path / "data" / "postings.csv")
    result = invoke(runner, "run", "--no-save", *ws)
    assert result.exit_code == 2 and "postings.csv" in result.stderr and "ordinary file" in result.stderr, result.stderr


def test_a_year_without_data_and_initiatives_that_are_not_there_are_said(runner, tmp_path):
    """Item 21: refusion --year 1900 printed zeros, project --initiatives --buffers nowhere showed
    a projection without initiatives as if there were none."""
    ws = ["--workspace", str(ROOT)]
    result = invoke(runner, "refusion", "--year", "1900", *ws)
    assert result.exit_code == 2 and "1900" in result.stderr and "no data" in result.stderr, result.stderr
    result = invoke(runner, "project", "--initiatives", "--buffers", str(tmp_path / "nowhere"), *ws)
    assert result.exit_code == 2 and "initiatives" in result.stderr and "nowhere" in result.stderr, result.stderr


def test_activity_compared_with_a_year_the_grants_do_not_cover_is_said(runner, tmp_path):
    """Item 21: activity --compare 1900 printed a change measured from zeros."""
    result = invoke(runner, "activity", "--compare", "1900", "--workspace", str(ROOT), cwd=tmp_path)
    assert result.exit_code == 2 and "--compare 1900" in result.stderr, result.stderr


@pytest.mark.parametrize("code", ["ENOSPC", "EFBIG", "EACCES", "EROFS"])
def test_a_full_disk_a_size_limit_or_no_access_is_exit_2_with_what_to_do(runner, tmp_path, monkeypatch, code):
    """Item 20: a full disk, a file-size limit, no access or a read-only drive while writing ended in
    an internal error (the old file is kept: the write is atomic)."""
    import errno
    import os

    import prognose.io.files as files

    def refused(path, data):
        raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)), str(path))

    monkeypatch.setattr(files, "write_atomic", refused)
    target = tmp_path / "out.json"
    result = invoke(runner, "run", "--no-save", "--format", "json", "-o", str(target), "--workspace", str(ROOT), cwd=tmp_path)
    assert result.exit_code == 2 and "out.json" in result.stderr and "internal error" not in result.stderr, result.stderr
