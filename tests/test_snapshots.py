"""Snapshots keep their word: one made from the same files is what `run` would make again, and
what reads a snapshot instead of forecasting (activity) gives the same figures as forecasting."""

import json
import shutil

from conftest import ROOT, invoke


def workspace(tmp_path):
    """The demo municipality in a folder of its own (no snapshots yet)."""
    shutil.copytree(ROOT / "fixtures" / "demo" / "data", tmp_path / "data")
    shutil.copytree(ROOT / "buffers", tmp_path / "buffers")
    toml = (ROOT / "prognose.toml").read_text(encoding="utf-8").replace('data = "fixtures/demo/data"', 'data = "data"')
    (tmp_path / "prognose.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_activity_reads_the_runs_snapshot_only_while_it_was_made_from_the_same_files(tmp_path, runner):
    ws = str(workspace(tmp_path))
    computed = invoke(runner, "activity", "--format", "json", "--workspace", ws)
    assert computed.exit_code == 0 and "udtrækket" in computed.stderr
    assert invoke(runner, "run", "--workspace", ws, "-o", str(tmp_path / "run.txt")).exit_code == 0
    from_snapshot = invoke(runner, "activity", "--format", "json", "--workspace", ws)
    assert "snapshot 2026-10-31" in from_snapshot.stderr
    assert json.loads(from_snapshot.stdout) == json.loads(computed.stdout)
    # a budget revised after the run: the snapshot no longer shows what run would show
    budget = next((tmp_path / "data").glob("budget.*"))
    if budget.suffix == ".csv":
        budget.write_text(budget.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        from openpyxl import load_workbook

        book = load_workbook(budget)
        book.properties.title = "revideret"
        book.save(budget)
    again = invoke(runner, "activity", "--format", "json", "--workspace", ws)
    assert "udtrækket" in again.stderr and json.loads(again.stdout) == json.loads(computed.stdout)


def test_a_rerun_keeps_a_snapshot_of_the_same_files_and_replaces_one_of_other_files(tmp_path, runner):
    ws = workspace(tmp_path)
    out = str(tmp_path / "run.txt")
    assert "gemt" in invoke(runner, "run", "--workspace", str(ws), "-o", out).stderr
    assert "beholdt" in invoke(runner, "run", "--workspace", str(ws), "-o", out).stderr
    assert "erstattet" in invoke(runner, "run", "--workspace", str(ws), "-o", out, "--seed", "7").stderr
    grants = ws / "data" / "grants.csv"
    rows = grants.read_text(encoding="utf-8").splitlines(keepends=True)
    grants.write_text("".join(rows[:-1]), encoding="utf-8")          # one grant fewer than the snapshot read
    assert "erstattet" in invoke(runner, "run", "--workspace", str(ws), "-o", out, "--seed", "7").stderr
    meta = json.loads((ws / "snapshots" / "2026-10-31" / "meta.json").read_text(encoding="utf-8"))
    assert next(f for f in meta["inputs"] if f["name"] == "grants")["rows"] == len(rows) - 2


def test_a_snapshot_a_stopped_replace_left_aside_is_put_back_not_deleted(tmp_path, runner):
    """Item 4: a crash between the replace's two renames left the date without a snapshot, and the
    next run deleted the .old- copy: the date's snapshot was lost."""
    from conftest import tiny_frames, write

    write(tiny_frames(), tmp_path / "data", "csv")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    ws = ["--workspace", str(tmp_path), "--draws", "0"]
    assert invoke(runner, "run", "--as-of", "2025-06-30", *ws).exit_code == 0
    snaps = tmp_path / "snapshots"
    (saved,) = [p for p in snaps.iterdir() if not p.name.startswith(".")]
    meta = (saved / "meta.json").read_text(encoding="utf-8")
    saved.rename(snaps / f".old-{saved.name}-4242")           # as a run stopped mid-replace leaves it
    assert invoke(runner, "run", "--as-of", "2025-05-31", *ws).exit_code == 0
    assert (saved / "meta.json").read_text(encoding="utf-8") == meta
    assert not list(snaps.glob(".old-*"))
