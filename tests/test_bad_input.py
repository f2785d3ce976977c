"""Every kind of bad input: a clear message with file, line, column and value, and exit status 2."""

import re

import pytest

from conftest import invoke, tiny_frames, write


def workspace(tmp_path, edit=None, toml=""):
    data = write(tiny_frames(), tmp_path / "data", "csv")
    if edit:
        edit(data)
    (tmp_path / "prognose.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def replace_line(path, number, new):
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = new(lines[number - 1]) if callable(new) else new
    path.write_text("\n".join(lines), encoding="utf-8")


def check(runner, ws, *expected):
    for command in (["validate"], ["run", "--as-of", "2025-06-30"]):
        result = invoke(runner, *command, "--workspace", str(ws))
        assert result.exit_code == 2, result.output
        for text in expected:
            assert text in result.stderr, result.stderr
        assert not re.search(r"\d{6}-?\d{4}", result.stderr), "a CPR number reached the message"
        assert "Traceback" not in result.stderr


CASES = {
    "bad date": (lambda d: replace_line(d / "grants.csv", 2, lambda s: s.replace("2024-01-01", "2024-13-45")),
                 ["grants.csv, line 2, column start_date", "'2024-13-45'", "expected a date"]),
    "amount with three decimals": (lambda d: replace_line(d / "postings.csv", 3, lambda s: s.replace("100000.50", "100000.505")),
                                   ["postings.csv, line 3, column amount", "'100000.505'", "at most 2 decimals"]),
    "amount not a number": (lambda d: replace_line(d / "budget.csv", 2, lambda s: s.replace("1300000.00", "1.3 mio")),
                            ["budget.csv, line 2, column amount", "'1.3 mio'"]),
    "unknown unit": (lambda d: replace_line(d / "grants.csv", 3, lambda s: s.replace(",hour,", ",fortnight,")),
                     ["grants.csv, line 3, column unit", "'fortnight'", "one of year, month, week, day, hour"]),
    "unknown paragraph": (lambda d: replace_line(d / "grants.csv", 2, lambda s: s.replace("SEL 108", "Lov om noget")),
                          ["grants.csv, line 2, column paragraph", "'Lov om noget'"]),
    "duplicate grant id": (lambda d: replace_line(d / "grants.csv", 3, lambda s: s.replace("G2,", "G1,", 1)),
                           ["grants.csv, line 3, column grant_id", "'G1'", "used only once"]),
    "end before start": (lambda d: replace_line(d / "grants.csv", 3, lambda s: s.replace("2025-12-31", "2025-01-31")),
                         ["grants.csv, line 3, column end_date", "on or after the start date"]),
    "hourly grant without hours": (lambda d: replace_line(d / "grants.csv", 3, lambda s: s.replace(",450.5,6,", ",450.5,,")),
                                   ["grants.csv, line 3, column quantity", "hours per week"]),
    "negative rate": (lambda d: replace_line(d / "grants.csv", 2, lambda s: s.replace(",1200000,", ",-1200000,")),
                      ["grants.csv, line 2, column rate", "-1200000", "a rate of 0 or more"]),
    "ragged line": (lambda d: replace_line(d / "postings.csv", 4, lambda s: s.rsplit(",", 2)[0]),
                    ["postings.csv, line 4", "9 fields separated by ','"]),
    "missing required value": (lambda d: replace_line(d / "postings.csv", 2, lambda s: s.replace(",5.38.50,", ",,", 1)),
                               ["postings.csv, line 2, column account", "a non-empty text"]),
    "plan step for unknown grant": (lambda d: replace_line(d / "plan_steps.csv", 2, lambda s: s.replace("G2", "G9")),
                                    ["plan_steps.csv, line 2, column grant_id", "'G9'"]),
    "period in a later month": (lambda d: replace_line(d / "postings.csv", 2, lambda s: s.replace("2025-02,", "2025-07,")),
                                ["postings.csv, line 2, column period", "'2025-07'"]),
    "bad period": (lambda d: replace_line(d / "postings.csv", 2, lambda s: s.replace("2025-02,", "feb,")),
                   ["postings.csv, line 2, column period", "'feb'"]),
    "missing column": (lambda d: (d / "budget.csv").write_text("account,aar,amount\n5.38.50,2025,1\n"),
                       ["budget.csv, line 1, column year", "found: account, aar, amount", "[columns.budget]"]),
    "missing file": (lambda d: (d / "postings.csv").unlink(), ["postings", "a file postings.csv, postings.xlsx or postings.parquet"]),
    "two files of one name": (lambda d: (d / "budget.parquet").write_bytes(b"x"), ["one file named budget"]),
    "undecodable bytes": (lambda d: (d / "budget.csv").write_bytes(b"account,year,amount\n\x81\x8d,2025,1\n"),
                          ["budget.csv", "UTF-8 or Windows-1252"]),
    "duplicate budget row": (lambda d: replace_line(d / "budget.csv", 4, lambda s: s.replace("2024", "2025")),
                             ["budget.csv, line 4, column account", "one budget row per account and year"]),
    # item 10: a grants file with only its header forecast 410 mio. from no grant at all
    "grants with only a header": (lambda d: ((d / "grants.csv").write_text((d / "grants.csv").read_text(encoding="utf-8").split("\n")[0] + "\n",
                                                                           encoding="utf-8"), (d / "plan_steps.csv").unlink()),
                                  ["grants.csv", "at least one grant"]),
    "bad probability-free choice": (lambda d: replace_line(d / "postings.csv", 2, lambda s: s.replace(",finance,", ",bank,", 1)),
                                    ["postings.csv, line 2, column source", "'bank'"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(runner, tmp_path, case):
    edit, expected = CASES[case]
    check(runner, workspace(tmp_path, edit), *expected)


def test_cpr_in_a_bad_value_is_not_shown(runner, tmp_path):
    ws = workspace(tmp_path, lambda d: replace_line(d / "grants.csv", 2, lambda s: s.replace("2024-01-01", "010190-1234")))
    check(runner, ws, "grants.csv, line 2, column start_date", "[CPR]")


def test_all_problems_are_reported_at_once(runner, tmp_path):
    def edit(d):
        replace_line(d / "grants.csv", 2, lambda s: s.replace("2024-01-01", "soon"))
        replace_line(d / "postings.csv", 3, lambda s: s.replace("100000.50", "lots"))
    result = invoke(runner, "validate", "--workspace", str(workspace(tmp_path, edit)))
    assert result.exit_code == 2
    assert "grants.csv, line 2" in result.stderr and "postings.csv, line 3" in result.stderr
    assert "2 problem(s)" in result.stderr


def test_bad_config_is_reported(runner, tmp_path):
    ws = workspace(tmp_path, toml='[display]\nlang = "fr"\n[price_index]\n2024 = -1\n')
    result = invoke(runner, "run", "--workspace", str(ws))
    assert result.exit_code == 2
    assert "display.lang" in result.stderr and "price_index" in result.stderr


def test_bad_as_of_is_a_usage_error(runner, tmp_path):
    result = invoke(runner, "run", "--workspace", str(workspace(tmp_path)), "--as-of", "31/12/2025")
    assert result.exit_code == 2 and "--as-of '31/12/2025'" in result.stderr


def test_missing_index_year_is_reported(runner, tmp_path):
    ws = workspace(tmp_path, toml="[price_index]\n2024 = 100.0\n")
    result = invoke(runner, "run", "--workspace", str(ws), "--as-of", "2025-06-30")
    assert result.exit_code == 2 and "missing: 2021, 2022, 2023, 2025" in result.stderr
