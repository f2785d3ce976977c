"""Golden files: what each command prints, in each format, on the demo and on the validation
municipalities' November extracts. A change to any of them is seen here and must be meant:
review the difference, then PROGNOSE_UPDATE_GOLDEN=1 writes the new files."""

import os
import shutil

import pytest
from typer.testing import CliRunner

import validation_set as vs
from conftest import ROOT, demo_with_snapshots, invoke

GOLDEN = ROOT / "tests" / "golden"
UPDATE = bool(os.environ.get("PROGNOSE_UPDATE_GOLDEN"))

# name → arguments (after the command's workspace is given)
DEMO = {
    "run.csv": ["run", "--no-save", "--format", "csv"],
    "run.txt": ["run", "--no-save"],
    "run_en.txt": ["run", "--no-save", "--lang", "en"],
    "buffers.json": ["buffers", "--format", "json"],
    "buffers.txt": ["buffers"],
    "refusion.json": ["refusion", "--format", "json"],
    "refusion.txt": ["refusion"],
    "activity.json": ["activity", "--format", "json"],
    "activity.txt": ["activity"],
    "explain.json": ["explain", "--account", "5.38.50", "--format", "json"],
    "explain.txt": ["explain", "--paragraph", "SEL 108"],
    "diff.json": ["diff", "--format", "json"],
    "diff.txt": ["diff"],
    "diff_paragraph.csv": ["diff", "--by", "paragraph", "--format", "csv"],
    "project.json": ["project", "--initiatives", "--format", "json"],
    "project.txt": ["project", "--initiatives"],
    "project_en.txt": ["project", "--lang", "en"],
    "project.csv": ["project", "--format", "csv"],
    "whatif.json": ["whatif", "--paragraph", "SEL 108", "--unit", "year", "--rate", "900000", "--start", "2026-11-01",
                    "--citizen", "241158-2573", "--format", "json"],
    "whatif.txt": ["whatif", "--paragraph", "SEL 85", "--unit", "hour", "--rate", "450", "--quantity", "6",
                   "--start", "2026-12-01", "--end", "2027-11-30"],
}


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: PROGNOSE_UPDATE_GOLDEN=1 writes it"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then PROGNOSE_UPDATE_GOLDEN=1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo workspace, copied, with the month's snapshot that explain reads and the one before
    it (from the previous month's extract) that diff compares it with."""
    return demo_with_snapshots(tmp_path_factory)


@pytest.mark.parametrize("name", sorted(DEMO))
def test_demo_output_matches_its_golden_file(name, demo, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = invoke(CliRunner(), *DEMO[name], "--workspace", str(demo))
    assert result.exit_code == 0, result.stderr
    check(name, result.stdout)


@pytest.mark.parametrize("world", ["a-lille", "b-mellem", "c-mellemstor", "d-stor"])
def test_validation_november_forecast_matches_its_golden_file(world, tmp_path):
    if not vs.unpacked():
        pytest.skip(vs.ABSENT)
    source = vs.UNPACKED / world / "asof-2025-11-30"
    shutil.copytree(source, tmp_path / "ws")
    (tmp_path / "ws" / "prognose.toml").write_text("", encoding="utf-8")
    result = invoke(CliRunner(), "run", "--no-save", "--draws", "0", "--format", "json", "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.stderr
    check(f"validation-{world}-2025-11-30.json", result.stdout)
