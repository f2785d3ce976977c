"""Writers, chosen once: a command's report record is written as a table for the terminal, CSV,
JSON, an Excel workbook or a web page, each by one module of this package, and the format is chosen
here alone, from --format or -o's extension. A new format is one module and one line of FORMATS;
every command then has it.

How a record looks in each format is its view: the module VIEWS names for its kind, holding some
of `text(record, style)` (the terminal's layout), `csv(record, style)` (a CsvTable),
`document(record, style)` (the JSON), `tables(record, style)` (report/tables.Table: what a workbook and a
page show; without it, the CSV's) and `workbook(record, style)` (a workbook laid out by hand).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from prognose.errors import UsageError

# format → the extensions that name it (the first is its own)
FORMATS = {"table": ("txt", ""), "csv": ("csv",), "json": ("json",), "xlsx": ("xlsx",), "html": ("html", "htm")}

# a record's kind → the module that holds its view (imported when it is written: a table's view
# brings rich, a workbook's openpyxl, and a command that writes JSON waits for neither)
VIEWS = {
    "run": "prognose.report.render", "validate": "prognose.report.validation",
    "buffers": "prognose.report.buffers_report", "refusion": "prognose.report.refusion_report",
    "activity": "prognose.report.activity_report", "diff": "prognose.report.diff_report",
    "diff_by": "prognose.report.diff_report", "history": "prognose.report.history_report",
    "explain": "prognose.report.explain_report", "report": "prognose.report.excel",
    "backtest": "prognose.report.backtest_report", "project": "prognose.report.project_report",
    "whatif": "prognose.report.whatif_report", "followup": "prognose.report.followup_report",
}


@dataclass(frozen=True)
class Style:
    """How the reader wants it: their language, the CSV dialect, the printed deviation's sign, and
    whether a table goes to a terminal (colour, its width) or to a file or pipe (a fixed width)."""
    lang: str = "da"
    dialect: str = "danish"
    sign: str = "forecast-budget"
    for_terminal: bool = False


def choose(out: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one -o's extension names; an extension that names another
    format than --format is an error (a CSV file named .xlsx opens as garbage)."""
    suffix = out.suffix.lower().lstrip(".") if out is not None and str(out) != "-" else None
    named = next((f for f, extensions in FORMATS.items() if suffix in extensions), None)
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
        if suffix and named is not None and named != fmt:
            raise UsageError(f"-o {out} with --format {fmt}: the file's extension names another format ({named})")
        return fmt
    if suffix is None:
        return "table"
    if named is None:
        raise UsageError(f"-o {out}: cannot tell the format from '.{suffix}'; use "
                         + ", ".join(f".{e[0]}" for e in FORMATS.values() if e[0]) + ", or --format")
    return named


def view(record):
    """The module that holds how a record of its kind looks."""
    return importlib.import_module(VIEWS[record.kind])


def write(record, fmt: str, lang: str, dialect: str, sign: str, for_terminal: bool = False) -> str | bytes:
    """The record written in the format: text, or bytes for a workbook."""
    writer = importlib.import_module(f"prognose.report.write.{fmt}")
    return writer.write(record, view(record), Style(lang, dialect, sign, for_terminal))


def document(record) -> dict:
    """The record's JSON document (as a snapshot keeps it beside its tables)."""
    return view(record).document(record, Style())
