"""What every command shares: its output formats and options, messages on stderr, one clear line
and the right exit status for every error, and writing its output."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import textwrap
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from prognose import app
from prognose.errors import InputError, UsageError
from prognose.io.config import CSV_DIALECTS
from prognose.report.words import label, text
from prognose.privacy import scrub_text


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class By(str, Enum):
    account = "account"
    paragraph = "paragraph"
    provider_type = "provider_type"


class Lang(str, Enum):
    da = "da"
    en = "en"


CsvDialect = Enum("CsvDialect", {d: d for d in CSV_DIALECTS}, type=str)


STATE = {"debug": False, "quiet": False, "verbose": False, "strict": False, "csv": None}


def say(message: str) -> None:
    if not STATE["quiet"]:
        typer.echo(scrub_text(message), err=True)


def say_wrapped(prefix: str, text: str) -> None:
    """A note or warning: wrapped at the terminal's width under its prefix where a person reads
    stderr, one line where it goes to a log (cron), so each stays one line to search for."""
    if not sys.stderr.isatty():
        say(prefix + text)
        return
    width = max(40, shutil.get_terminal_size().columns - 1)
    say(textwrap.fill(text, width, initial_indent=prefix, subsequent_indent=" " * len(prefix), break_long_words=False))


def fail(exc: BaseException) -> None:
    if isinstance(exc, InputError):
        for p in exc.problems:
            typer.echo(p.render(), err=True)
        typer.echo(f"prognose: {len(exc.problems)} problem(s) in the input; nothing was computed.", err=True)
        raise typer.Exit(2)
    if isinstance(exc, UsageError):
        typer.echo(f"prognose: {scrub_text(str(exc))}", err=True)
        raise typer.Exit(2)
    if STATE["debug"]:
        raise exc
    typer.echo(f"prognose: internal error: {type(exc).__name__}: {scrub_text(str(exc))[:300]} (run with --debug for details)", err=True)
    raise typer.Exit(1)


def guarded(fn):
    """Turn every error of a command into one clear line and the right exit status."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except Exception as exc:  # noqa: BLE001
            fail(exc)

    return wrapper


def parse_date(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise UsageError(f"{option} {value!r}: expected a date such as 2025-06-30 or 30-06-2025")


def output_format(out: Optional[Path], fmt: Optional[Fmt]) -> Fmt:
    """The format asked for, else the one -o's extension names; an extension that names another
    format than --format is an error (a CSV file named .xlsx opens as garbage)."""
    suffix = out.suffix.lower().lstrip(".") if out is not None and str(out) != "-" else None
    if suffix == "xlsx":
        raise UsageError(f"-o {out}: this command writes table, csv or json; a workbook comes from "
                         "`prognose run -o FILE.xlsx` or `prognose report`")
    if fmt is not None:
        if suffix in ("json", "csv", "txt") and suffix != {"table": "txt"}.get(fmt.value, fmt.value):
            raise UsageError(f"-o {out} with --format {fmt.value}: the file's extension names another format")
        return fmt
    if suffix is None or suffix in ("txt", ""):
        return Fmt.table
    if suffix in ("json", "csv"):
        return Fmt(suffix)
    raise UsageError(f"-o {out}: cannot tell the format from '.{suffix}'; use .json, .csv or .txt, or --format")


def emit(output, out: Optional[Path], settings=None) -> None:
    """Write a command's output: text as it is, a CSV table in the dialect the settings name, a
    table document in colour at the terminal's width only when it goes to a terminal (a file
    or a pipe gets plain text at a fixed width, whatever stdout is)."""
    from prognose.io.files import write_atomic
    from prognose.report.csv_out import CsvTable, Dialect, render
    from prognose.report.terminal import Doc

    to_stdout = out is None or str(out) == "-"
    if isinstance(output, CsvTable):
        output = render(output, Dialect.of(settings.csv_dialect, settings.lang))
    elif isinstance(output, Doc):
        output = output.render(for_terminal=to_stdout and sys.stdout.isatty())
    text = output
    if to_stdout:
        sys.stdout.write(text)
    else:
        write_atomic(out, text)
        say(f"wrote {out}")


def settings_of(workspace: Optional[Path], **overrides):
    return app.settings_for(workspace, strict=STATE["strict"], csv=STATE["csv"], **overrides)


def warn(warnings, lang: str) -> None:
    """One line per file and kind of warning on stderr (all of them are kept in the snapshot)."""
    for w in warnings:
        say_wrapped(label(lang, "warning"), text(w.message(), lang))


WORKSPACE = typer.Option(None, "--workspace", "-w", help="Workspace folder with prognose.toml (default: nearest from here).")
DATA = typer.Option(None, "--data", help="Data directory with grants, postings, budget (default: paths.data).")
BUFFERS = typer.Option(None, "--buffers", help="Buffers directory (default: paths.buffers).")
AS_OF = typer.Option(None, "--as-of", help="Forecast as of this date (default: last day of the latest posting month).")
YEAR = typer.Option(None, "--year", help="Budget year (default: the year of the as-of date).")
LANG = typer.Option(None, "--lang", help="Labels: da (default) or en.")
FORMAT = typer.Option(None, "--format", "-f", help="table, csv or json (default: from -o's extension, else table).")
OUT = typer.Option(None, "-o", "--output", help="Write to this file (format from its extension); '-' is stdout.")


def say_files(run_or_extract) -> None:
    if STATE["verbose"]:
        for f in run_or_extract.files:
            dialect = ", ".join(f"{k}: {v}" for k, v in f.dialect.items())
            say(f"read {f.path}: {f.rows} rows ({dialect})")


