"""report/figures.py and the one rounding rule (words/locale.shares): every output shows the same
kroner for the same figure. The cross-output test reads what a controller reads — `run` in the
terminal and as a workbook, `explain` per account, `project`'s first year, `diff`'s forecast now and
the director's workbook — on the demo and two validation municipalities, and holds every account's
forecast and the total to one krone figure."""

from __future__ import annotations

import os
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, invoke
from prognose.words.locale import shares, whole_kroner

ACCOUNT = re.compile(r"^(\d\.\d\d\.\d\d(?:\.\d+)?)\s")


def test_shares_add_up_to_the_whole_and_stay_within_a_krone():
    ore = [10_049, 10_049, 10_049, -5_051]      # 100,49 ×3 − 50,51: half up on the whole is 251
    kr = shares(ore)
    assert sum(kr) == whole_kroner(sum(ore)) == 251
    assert all(abs(k * 100 - v) < 100 for k, v in zip(kr, ore))


def test_a_part_is_shown_alike_in_whatever_order_the_parts_come():
    # rounding on a running total gave a row another krone in another order; shares does not
    ore = [12_345_678_50, 2_000_050, 333_33, 1_49]
    kr = dict(zip(ore, shares(ore)))
    assert dict(zip(reversed(ore), shares(list(reversed(ore))))) == kr


def test_shares_to_a_whole_shown_elsewhere():
    assert sum(shares([100_40, 200_40, 300_40], to=602)) == 602
    assert shares([], to=0) == []


# --- the cross-output test ---------------------------------------------------------------------

def number(text: str) -> int:
    return int(text.replace(".", "").replace("−", "-"))


def _workspace(base: Path, before: tuple[Path, Path, str], now: tuple[Path, Path, str], toml: str = "") -> Path:
    """A workspace with a snapshot a month or two before and one now, its paths pointing at now;
    toml: the rest of its prognose.toml (the demo's price index, accounts and refund)."""
    w = base / "ws"
    w.mkdir()
    (w / "prognose.toml").write_text(f'[paths]\ndata = "{now[0]}"\nbuffers = "{now[1]}"\nsnapshots = "snapshots"\n{toml}',
                                     encoding="utf-8")
    r = CliRunner()
    for data, buffers, as_of in (before, now):
        res = invoke(r, "run", "--workspace", str(w), "--data", str(data), "--buffers", str(buffers), "--as-of", as_of)
        assert res.exit_code == 0, res.output
    return w


def _run_text(w: Path) -> tuple[dict[str, int], int]:
    out = invoke(CliRunner(), "run", "--no-save", "--workspace", str(w)).stdout
    accounts, total = {}, None
    for line in out.splitlines():
        if m := ACCOUNT.match(line):
            accounts[m.group(1)] = number(line.split()[3])       # account, budget, booked, forecast
        elif line.startswith("I alt") and total is None:
            total = number(line.split()[4])
    return accounts, total


def _explain(w: Path, account: str) -> int:
    out = invoke(CliRunner(), "explain", "--workspace", str(w), "--account", account).stdout
    footer = [ln for ln in out.splitlines() if ln.startswith("Forventet regnskab ") and "·" not in ln and " pr. " not in ln]
    return number(footer[0].split()[-1])


def _project_first_year(w: Path) -> tuple[dict[str, int], int]:
    out = invoke(CliRunner(), "project", "--workspace", str(w)).stdout
    lines = out.splitlines()
    years = next(len(re.findall(r"\b20\d\d\b", ln)) for ln in lines if ln.startswith("Konto"))
    accounts, total = {}, None
    for line in lines:
        cells = line.split()
        if m := ACCOUNT.match(line):
            accounts[m.group(1)] = number(cells[-years])
        elif line.startswith("I alt") and total is None:
            total = number(cells[-years])
    return accounts, total


def _diff_now(w: Path) -> int:
    out = invoke(CliRunner(), "diff", "--workspace", str(w)).stdout
    return number(next(ln for ln in out.splitlines() if ln.startswith("Forventet regnskab, nu")).split()[-1])


def _sheet_accounts(ws, key_col: int, value_col: int) -> dict[str, int]:
    return {r[key_col]: r[value_col] for r in ws.iter_rows(values_only=True)
            if isinstance(r[key_col], str) and ACCOUNT.match(r[key_col] + " ") and isinstance(r[value_col], int)}


def _workbooks(w: Path, out: Path) -> dict[str, dict[str, int]]:
    """Each sheet's forecast per account as the director's workbook and `run -o x.xlsx` show them."""
    r = CliRunner()
    assert invoke(r, "report", "--workspace", str(w), "-o", str(out / "r.xlsx")).exit_code == 0
    assert invoke(r, "run", "--no-save", "--workspace", str(w), "-o", str(out / "run.xlsx")).exit_code == 0
    book = openpyxl.load_workbook(out / "r.xlsx")
    shown = {}
    o = book["Overblik"]
    head = next(r for r in o.iter_rows(values_only=True) if r[0] == "Konto")
    shown["Overblik"] = _sheet_accounts(o, 0, head.index("Forventet regnskab"))
    y = book["Flerårsoverslag"]
    shown["Flerårsoverslag"] = _sheet_accounts(y, 0, 2)
    run = openpyxl.load_workbook(out / "run.xlsx").active
    head = next(r for r in run.iter_rows(values_only=True) if r[0] == "Konto")
    shown["run -o x.xlsx"] = _sheet_accounts(run, 0, head.index("Forventet regnskab"))
    return shown


def _agree(w: Path, out: Path, explained: int = 3) -> None:
    run, total = _run_text(w)
    assert run and total == sum(run.values())
    outputs = {"project": _project_first_year(w)[0], **_workbooks(w, out)}
    for name, accounts in outputs.items():
        assert accounts == run, f"{name} shows other kroner than run"
    assert _project_first_year(w)[1] == total
    assert _diff_now(w) == total, "diff's forecast now is not run's total"
    largest = sorted(run, key=lambda a: -abs(run[a]))[:explained]
    assert {a: _explain(w, a) for a in largest} == {a: run[a] for a in largest}


def test_every_output_shows_the_same_kroner_on_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    demo = ROOT / "fixtures/demo"
    toml = (ROOT / "prognose.toml").read_text(encoding="utf-8")
    w = _workspace(tmp_path, (demo / "previous/data", demo / "previous/buffers", "2026-09-30"),
                   (demo / "data", ROOT / "buffers", "2026-10-31"), toml[toml.index("[display]"):])
    _agree(w, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["a-lille", "d-stor"])
def test_every_output_shows_the_same_kroner_on_validation_municipalities(name, tmp_path, monkeypatch):
    from validation_set import unpacked

    worlds = {p.name: p for p in unpacked()}
    if name not in worlds:
        pytest.skip("../shared/validation is not beside the repository")
    monkeypatch.setenv("COLUMNS", "100")
    world = worlds[name]
    before, now = world / "asof-2025-09-30", world / "asof-2025-11-30"
    w = _workspace(tmp_path, (before / "data", before / "buffers", "2025-09-30"), (now / "data", now / "buffers", "2025-11-30"))
    _agree(w, tmp_path)
