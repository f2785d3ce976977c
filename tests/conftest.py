"""Shared test helpers: tiny extracts written in any layout, and the CLI runner."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))
os.environ.setdefault("PROGNOSE_PSEUDONYM_KEY", "test-key-not-secret")

D = dt.date


def tiny_frames() -> dict[str, pl.DataFrame]:
    """Two grants, a plan step, a few postings and a budget: small enough to check by hand."""
    grants = pl.DataFrame({
        "grant_id": ["G1", "G2"], "citizen_id": ["010190-1234", "P-ANON-7"], "paragraph": ["SEL 108", "§ 85"],
        "account": ["5.38.50", None], "provider": ["Bostedet", "Egen"], "provider_type": ["private", "own"],
        "start_date": [D(2024, 1, 1), D(2025, 3, 15)], "end_date": [None, D(2025, 12, 31)], "end_reason": [None, None],
        "unit": ["year", "hour"], "rate": [1_200_000.0, 450.5], "quantity": [1.0, 6.0], "price_year": [None, None],
        "decided_date": [D(2023, 12, 1), D(2025, 3, 1)],
    }, schema_overrides={"end_reason": pl.String, "price_year": pl.Int64})
    steps = pl.DataFrame({"grant_id": ["G2"], "effective_date": [D(2025, 6, 1)], "quantity": [4.0], "rate": [None]},
                         schema_overrides={"rate": pl.Float64})
    postings = pl.DataFrame({
        "posting_date": [D(2025, 2, 10), D(2025, 3, 10), D(2025, 4, 28), D(2025, 1, 15)],
        "period": [D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1), D(2024, 12, 1)],
        "account": ["5.38.50", "5.38.50", "5.38.38", "5.38.50"],
        "amount": [10_000_000, 10_000_050, 1_234_567_89, -5_00],
        "art": ["4.9", "4.9", "1.1", None], "citizen_id": ["010190-1234", "010190-1234", None, None],
        "grant_id": ["G1", "G1", None, None], "source": ["finance", "finance", "payroll", "finance"],
        "text": ["Faktura jan 010190-1234", "Faktura feb", "Løn", "Kreditnota"],
    })
    budget = pl.DataFrame({"account": ["5.38.50", "5.38.38", "5.38.50"], "year": [2025, 2025, 2024],
                           "amount": [1_300_000_00, 9_000_000_00, 1_100_000_00]})
    return {"grants": grants, "plan_steps": steps, "postings": postings, "budget": budget}


def write(frames: dict[str, pl.DataFrame], directory: Path, layout: str = "csv") -> Path:
    from write import write_extract

    write_extract(frames, directory, layout)
    return directory


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write(tiny_frames(), tmp_path / "data")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, cwd: Path | None = None):
    from prognose.cli import cli

    old = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        return runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
def demo_with_snapshots(tmp_path_factory) -> Path:
    """The demo workspace, copied, with this month's snapshot and the one before it from the
    previous month's extract (what explain, diff and the pages read)."""
    import shutil

    ws = tmp_path_factory.mktemp("demo")
    shutil.copy(ROOT / "prognose.toml", ws / "prognose.toml")
    shutil.copytree(ROOT / "fixtures" / "demo", ws / "fixtures" / "demo")
    shutil.copytree(ROOT / "buffers", ws / "buffers")
    previous = ws / "fixtures" / "demo" / "previous"
    assert invoke(CliRunner(), "-q", "run", "--workspace", str(ws), "--data", str(previous / "data"),
                  "--buffers", str(previous / "buffers"), "--as-of", "2026-09-30").exit_code == 0
    assert invoke(CliRunner(), "-q", "run", "--workspace", str(ws)).exit_code == 0
    return ws


