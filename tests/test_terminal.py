"""Tables on an 80-column terminal: every number whole, no line wider than the terminal."""

import json
import re
from pathlib import Path

import pytest

import validation_set as vs
from conftest import ROOT, invoke
from test_snapshots import workspace

NUMBER = re.compile(r"[−+-]?\d[\d.,]*")
GOLDEN = Path(__file__).parent / "golden" / "demo_run.json"


def demo_total() -> str:
    """The demo's forecast in total as the terminal prints it (whole kroner, Danish thousands),
    from the golden run the JSON test holds the engine to (a total is rounded on its own)."""
    return f"{round(json.loads(GOLDEN.read_text(encoding='utf-8'))['total']['forecast']):,}".replace(",", ".")


def assert_fits(text: str, width: int = 80) -> None:
    assert "…" not in text, "a cell was cut:\n" + text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width, text


@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def test_run_activity_and_backtest_fit_80_columns(runner, narrow):
    run = invoke(runner, "run", "--no-save", "--workspace", str(ROOT))
    assert_fits(run.stdout)
    assert demo_total() in run.stdout                       # the demo's forecast in total, whole
    assert_fits(invoke(runner, "activity", "--workspace", str(ROOT)).stdout)
    assert_fits(invoke(runner, "activity", "--by", "provider_type", "--workspace", str(ROOT)).stdout)
    backtest = invoke(runner, "backtest", "--workspace", str(ROOT))
    assert_fits(backtest.stdout)
    assert len(re.findall(r"^\d\d\.\d\d ", backtest.stdout, re.M)) == 12


def test_diff_and_history_fit_80_columns_and_a_citizens_amount_stays_on_its_line(tmp_path, runner, narrow):
    ws = workspace(tmp_path)
    prev = ROOT / "fixtures" / "demo" / "previous"
    out = str(tmp_path / "run.txt")
    invoke(runner, "run", "--workspace", str(ws), "--data", str(prev / "data"), "--buffers", str(prev / "buffers"),
           "--as-of", "2026-09-30", "-o", out)
    invoke(runner, "run", "--workspace", str(ws), "-o", out)
    diff = invoke(runner, "diff", "--workspace", str(ws), "--top", "5").stdout
    assert_fits(diff)
    people = diff.split("Største ændringer pr. borger")[1]
    for line in people.splitlines():
        if line.startswith("P"):
            assert NUMBER.search(line.split()[1]), line        # pseudonym, then the amount on the same line
    assert_fits(invoke(runner, "history", "--workspace", str(ws)).stdout)
    assert_fits(invoke(runner, "explain", "--workspace", str(ws), "--account", "5.38.50", "--postings").stdout)
    assert_fits(invoke(runner, "explain", "--workspace", str(ws), "--grant", "G001083").stdout)
    by = invoke(runner, "diff", "--workspace", str(ws), "--by", "paragraph")
    assert_fits(by.stdout)
    assert "Ændring i alt" in by.stdout and "," not in by.stdout.splitlines()[2]     # a table, not CSV
    assert invoke(runner, "diff", "--workspace", str(ws), "--by", "provider_type").exit_code == 2


def test_printed_rows_add_up_to_the_printed_total(runner):
    money = re.compile(r"^−?\d{1,3}(?:\.\d{3})*$")

    def figures(line: str, n: int) -> list[int]:
        return [int(x.replace(".", "").replace("−", "-")) for x in line.split() if money.match(x)][-n:]

    for args, n in (((), 4), (("--by", "paragraph"), 4), (("--monthly",), 3)):
        lines = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), *args).stdout.splitlines()
        rule = next(i for i, line in enumerate(lines) if line.startswith("───"))
        total = next(i for i, line in enumerate(lines) if line.startswith("I alt"))
        rows = [figures(line, n) for line in lines[rule + 1:total] if line.strip()]
        printed = figures(lines[total], n)
        assert len(rows) >= 8 and all(len(r) == n for r in rows)
        assert [sum(r[c] for r in rows) for c in range(n)] == printed, args


@pytest.mark.parametrize("by", ["account", "paragraph"])
def test_at_120_columns_the_names_come_in_and_every_figure_is_the_same_as_at_80(runner, monkeypatch, by):
    money = re.compile(r"^[−+]?\d{1,3}(?:\.\d{3})*(?:,\d)?(?:–\d+,\d)?$")

    def printed(width: str) -> tuple[str, list[list[str]]]:
        monkeypatch.setenv("COLUMNS", width)
        text = invoke(runner, "run", "--no-save", "--workspace", str(ROOT), "--by", by).stdout
        return text, [[x for x in line.split() if money.match(x)] for line in text.splitlines()]

    wide, wide_figures = printed("120")
    narrow, narrow_figures = printed("80")
    assert max(len(line.rstrip()) for line in wide.splitlines()) <= 120
    assert ("Længerevarende botilbud" if by == "paragraph" else "Botilbud til længerevarende ophold") in wide
    assert "Længerevarende" not in narrow and "længerevarende" not in narrow
    assert [f for f in wide_figures if f] == [f for f in narrow_figures if f]


def on_a_terminal(args: list[str]) -> bytes:
    """Run prognose with stdout and stderr on a pseudo-terminal, and what it showed there."""
    import os
    import pty
    import select
    import subprocess
    import sys

    exe = str(Path(sys.executable).with_name("prognose"))
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([exe, *args], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    while True:                       # read while it writes: a full terminal buffer would block it
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    os.close(leader)
    assert proc.wait(timeout=120) == 0, shown[-500:]
    return shown


def test_a_table_written_to_a_file_from_a_terminal_has_no_colour_codes(tmp_path):
    """Colour is decided where the output goes: `-o FILE` from a terminal writes plain text."""
    out = tmp_path / "run.txt"
    on_a_terminal(["-q", "run", "--no-save", "--workspace", str(ROOT), "-o", str(out)])
    assert b"\x1b[" in on_a_terminal(["-q", "run", "--no-save", "--workspace", str(ROOT)])   # on the terminal: colour
    text = out.read_text(encoding="utf-8")
    assert "\x1b[" not in text and demo_total() in text


LARGE = vs.UNPACKED / "d-stor" / "asof-2025-11-30" if vs.unpacked("tune") else None


@pytest.mark.skipif(LARGE is None, reason=vs.ABSENT)
def test_a_billion_kroner_municipality_gives_up_the_range_before_a_figure(runner, narrow, monkeypatch, tmp_path):
    """At 80 columns the accounts of a municipality of a thousand million kroner do not fit with
    their P10–P90: the range gives way, with a line saying where to find it; no figure is cut."""
    ws = ("--workspace", str(tmp_path), "--data", str(LARGE / "data"), "--buffers", str(LARGE / "buffers"),
          "--as-of", "2025-11-30", "--no-save")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    out = invoke(runner, "run", *ws).stdout
    assert_fits(out)
    assert "1.000.979.000" in out and "P10–P90," not in out and "Der er ikke plads til P10–P90 her" in out
    monkeypatch.setenv("COLUMNS", "140")
    wide = invoke(runner, "run", *ws).stdout
    assert max(len(line.rstrip()) for line in wide.splitlines()) <= 140    # a long name may be cut, a figure not
    assert "P10–P90," in wide and "Botilbud til længerevarende ophold" in wide and "1.000.979.000" in wide


@pytest.mark.skipif(LARGE is None, reason=vs.ABSENT)
def test_the_lists_people_keep_their_whole_pseudonym_at_80_columns(runner, narrow, tmp_path):
    """A caseworker looks a citizen up by the pseudonym `buffers` prints: it is never cut, nor is a
    figure; a long status goes on two lines."""
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    out = invoke(runner, "buffers", "--workspace", str(tmp_path), "--data", str(LARGE / "data"),
                 "--buffers", str(LARGE / "buffers"), "--as-of", "2025-11-30").stdout
    assert_fits(out)
    pseudonyms = re.findall(r"^(P[0-9a-f]+) ", out, flags=re.M)
    assert pseudonyms and {len(p) for p in pseudonyms} == {13} and "None" not in out
