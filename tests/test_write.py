"""The writers (report/write/): the format chosen in one place, and every command written as a
table, CSV, JSON, a workbook or a self-contained page — headless Chromium renders the pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import ROOT, demo_with_snapshots, invoke
from prognose.errors import UsageError
from prognose.report import write as writers


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo workspace, copied, with this month's snapshot and the previous month's (diff)."""
    return demo_with_snapshots(tmp_path_factory)


@pytest.mark.parametrize("out, fmt, chosen", [
    (None, None, "table"), ("x.txt", None, "table"), ("x.csv", None, "csv"), ("x.JSON", None, "json"),
    ("x.xlsx", None, "xlsx"), ("x.html", None, "html"), ("x.htm", None, "html"), ("-", "csv", "csv"),
    ("x.html", "html", "html"), ("x.dat", "csv", "csv"),
])
def test_the_format_is_chosen_from_format_or_the_extension(out, fmt, chosen):
    assert writers.choose(Path(out) if out else None, fmt) == chosen


@pytest.mark.parametrize("out, fmt", [("x.csv", "json"), ("x.html", "xlsx"), ("x.pdf", None)])
def test_a_format_that_cannot_be_told_or_disagrees_is_an_error(out, fmt):
    with pytest.raises(UsageError):
        writers.choose(Path(out), fmt)


PAGES = {"run": ["run", "--no-save"], "diff": ["diff"], "activity": ["activity"], "buffers": ["buffers"],
         "refusion": ["refusion"], "history": ["history"], "explain": ["explain", "--paragraph", "SEL 108"],
         "project": ["project"]}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_command_writes_a_self_contained_danish_page(name, demo, tmp_path):
    page = tmp_path / f"{name}.html"
    result = invoke(CliRunner(), *PAGES[name], "--workspace", str(demo), "-o", str(page))
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="da">' in html and "<table" in html
    # nothing fetched: no script, no link or source that reaches a network
    assert "<script" not in html and not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html)
    assert re.search(r">\s*−?\d{1,3}(\.\d{3})+(,\d+)?\s*<", html), "figures with the Danish thousands separator"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_command_writes_a_workbook(name, demo, tmp_path):
    book = tmp_path / f"{name}.xlsx"
    result = invoke(CliRunner(), *PAGES[name], "--workspace", str(demo), "-o", str(book))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(book)
    numbers = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert numbers, f"{name}: a workbook without a figure"


def test_the_directors_report_is_a_page_too(demo, tmp_path):
    page = tmp_path / "rapport.html"
    result = invoke(CliRunner(), "report", "--workspace", str(demo), "-o", str(page))
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("<table") >= 3 and "SEL 108" in html and "Længerevarende botilbud" in html


def test_the_run_page_adds_up_like_the_terminal(demo, tmp_path):
    """The page's rows in whole kroner add up to the total under them (one rounding rule)."""
    page = tmp_path / "run.html"
    assert invoke(CliRunner(), "run", "--no-save", "--workspace", str(demo), "-o", str(page)).exit_code == 0
    table = page.read_text(encoding="utf-8").split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]
    cells = [c for c in cells if len(c) >= 5]      # the title is a row of its own
    forecast = [int(r[4].replace(".", "").replace("−", "-")) for r in cells]   # Konto, Navn, Korr. budget, Bogført, Forventet
    assert sum(forecast[:-1]) == forecast[-1]


def chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


@pytest.mark.parametrize("name", ["run", "diff", "activity"])
def test_headless_chromium_renders_the_page(name, demo, tmp_path):
    browser = chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); make check-html renders the pages")
    page, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    assert invoke(CliRunner(), *PAGES[name], "--workspace", str(demo), "-o", str(page)).exit_code == 0
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1400",
                           f"--screenshot={png}", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000
