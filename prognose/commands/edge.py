"""What every command shares at the edge: the options record made once from prognose.toml and the
command line, the period resolved once, the extract read, the forecast run, messages on stderr,
one clear line and the right exit status for every error, and the record written in the format
that -o or --format names (report/write/ chooses it)."""

from __future__ import annotations

import datetime as dt
import errno
import functools
import shutil
import sys
import textwrap
import traceback
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Optional

import polars as pl
import typer

from prognose.background import in_background
from prognose.errors import InputError, InputWarning, UsageError
from prognose.forecast import Forecast, run_forecast
from prognose.io.buffers_io import BufferInputs, read_buffers
from prognose.io.config import CSV_DIALECTS, load_settings
from prognose.io.extract import Extract, read_extract
from prognose.io.keyfile import load_key
from prognose.months import month_end
from prognose.options import Options
from prognose.period import Period
from prognose.privacy import scrub_text
from prognose.report import write as writers
from prognose.report.words import label, text
from prognose.timing import Clock
from prognose.uncertainty import DRAWS
from prognose.validate import check_budget_year
from prognose.words.message import Message


@dataclass(frozen=True)
class Flags:
    """The options before the command (prognose --quiet run …), as the command line gave them."""
    debug: bool = False
    quiet: bool = False
    verbose: bool = False
    strict: bool = False
    csv: str | None = None


def flags(ctx: typer.Context | None) -> Flags:
    """The global options of this invocation (none given: the defaults)."""
    found = ctx.find_object(Flags) if ctx is not None else None
    return found if found is not None else Flags()


Fmt = Enum("Fmt", {f: f for f in writers.FORMATS}, type=str)   # the formats report/write/ has a writer for


class Lang(str, Enum):
    da = "da"
    en = "en"


CsvDialect = Enum("CsvDialect", {d: d for d in CSV_DIALECTS}, type=str)

WORKSPACE = typer.Option(None, "--workspace", "-w", help="Workspace folder with prognose.toml (default: nearest from here).")
DATA = typer.Option(None, "--data", help="Data directory with grants, postings, budget (default: paths.data).")
BUFFERS = typer.Option(None, "--buffers", help="Buffers directory (default: paths.buffers).")
AS_OF = typer.Option(None, "--as-of", help="Forecast as of this date (default: last day of the latest posting month).")
YEAR = typer.Option(None, "--year", help="Budget year (default: the year of the as-of date).")
LANG = typer.Option(None, "--lang", help="Labels: da (default) or en.")
FORMAT = typer.Option(None, "--format", "-f", help="table, csv, json, xlsx or html (default: from -o's extension, else table).")
OUT = typer.Option(None, "-o", "--output", help="Write to this file (format from its extension: .txt, .csv, .json, .xlsx, "
                                                ".html); '-' is stdout.")


def options_for(workspace: Path | None, **overrides) -> Options:
    """The options record: prognose.toml under what the command line says (None: not said)."""
    return load_settings(workspace, overrides)


def options(ctx: typer.Context, workspace: Optional[Path], lang: Optional[Lang] = None, **paths) -> Options:
    """The options of this command, made once: the workspace's, then the command line's."""
    f = flags(ctx)
    opts = options_for(workspace, strict=f.strict, csv=f.csv, lang=lang.value if lang else None, **paths)
    if ctx is not None:
        ctx.meta["lang"] = opts.lang     # the language an error of this command is said in
    return opts


# --- messages and errors -------------------------------------------------------------------------

def say(ctx: typer.Context | None, message: str) -> None:
    if not flags(ctx).quiet:
        typer.echo(scrub_text(message), err=True)


def say_wrapped(ctx: typer.Context | None, prefix: str, words: str) -> None:
    """A note or warning: wrapped at the terminal's width under its prefix where a person reads
    stderr, one line where it goes to a log (cron), so each stays one line to search for."""
    if not sys.stderr.isatty():
        say(ctx, prefix + words)
        return
    width = max(40, shutil.get_terminal_size().columns - 1)
    say(ctx, textwrap.fill(words, width, initial_indent=prefix, subsequent_indent=" " * len(prefix), break_long_words=False))


def warn(ctx: typer.Context | None, warnings: list[InputWarning], lang: str) -> None:
    """One line per file and kind of warning on stderr (all of them are kept in the snapshot)."""
    for w in warnings:
        say_wrapped(ctx, label(lang, "warning"), text(w.message(), lang))


def say_files(ctx: typer.Context | None, run_or_extract) -> None:
    if flags(ctx).verbose:
        for f in run_or_extract.files:
            dialect = ", ".join(f"{k}: {v}" for k, v in f.dialect.items())
            say(ctx, f"read {f.path}: {f.rows} rows ({dialect})")


def fail(ctx: typer.Context | None, exc: BaseException) -> None:
    if isinstance(exc, InputError):
        for p in exc.problems:
            typer.echo(p.render(), err=True)
        typer.echo(f"prognose: {len(exc.problems)} problem(s) in the input; nothing was computed.", err=True)
        raise typer.Exit(2)
    if isinstance(exc, UsageError):
        said = exc.args[0] if exc.args else ""
        words = text(said, ctx.meta.get("lang", "da") if ctx is not None else "da") if isinstance(said, Message) else str(said)
        typer.echo(f"prognose: {scrub_text(words)}", err=True)
        raise typer.Exit(2)
    if isinstance(exc, OSError) and exc.errno in MACHINE:
        where = exc.filename if exc.filename is not None else "a file or folder"
        typer.echo(f"prognose: {scrub_text(str(where))}: {exc.strerror} — {MACHINE[exc.errno]}; nothing was changed", err=True)
        raise typer.Exit(2)
    debug = flags(ctx).debug
    if debug:
        typer.echo(debug_trace(exc), err=True)
    more = "" if debug else " (run with --debug for details)"
    typer.echo(f"prognose: internal error: {type(exc).__name__}: {scrub_text(str(exc))[:300]}{more}", err=True)
    raise typer.Exit(1)


# The machine's refusals, which are no fault of the engine: what the operator can do about each
# (exit 2 with the path, where an internal error would tell the controller nothing)
MACHINE = {errno.EACCES: "ask IT for access to it, or point the setting elsewhere", errno.EPERM: "ask IT for access to it",
           errno.EROFS: "the drive is read-only: write elsewhere", errno.ENOSPC: "the disk is full: free space and run again",
           errno.EDQUOT: "the disk quota is used up: free space and run again",
           errno.EFBIG: "the file is larger than this machine lets a file be", errno.ENAMETOOLONG: "use a shorter path or name",
           errno.ELOOP: "a link points to itself: mend the link", errno.EISDIR: "a folder where a file belongs: give a file",
           errno.ENOTDIR: "a file where a folder belongs: give a folder", errno.ENOENT: "it is not there: check the path",
           errno.EEXIST: "something is there already: remove it or choose another name",
           errno.EIO: "the drive could not be read or written: ask IT to check it"}


def debug_trace(exc: BaseException) -> str:
    """Where the error arose, for whoever maintains the engine: the frames and each exception's
    kind and words, with every CPR-shaped number masked. Locals are never shown; a message may
    quote a value from the input, so it goes through the same scrub as every other message."""
    lines = traceback.format_exception(exc)
    return scrub_text("".join(lines)).rstrip()


def guarded(fn):
    """Turn every error of a command into one clear line and the right exit status."""

    @functools.wraps(fn)
    def wrapper(ctx: typer.Context, *args, **kwargs):
        try:
            return fn(ctx, *args, **kwargs)
        except typer.Exit:
            raise
        except Exception as exc:  # noqa: BLE001
            fail(ctx, exc)

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


def parse_number(value: str, option: str) -> float:
    """A number as a Danish controller types it (542,38; 1.450.000; 1.450.000,50) or as Python
    writes it (542.38). One dot before exactly three digits (1.450) could be either: said, not guessed."""
    import re

    s = value.strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?|[+-]?\d+(,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
        if re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", value.strip()):
            raise UsageError(Message("usage.number_ambiguous", option=option, value=value,
                                     whole=value.strip().replace(".", ""), decimal=value.strip().replace(".", ",")))
    elif not re.fullmatch(r"[+-]?\d*\.\d+|[+-]?\d+", s):
        raise UsageError(Message("usage.number", option=option, value=value))
    return float(s)


# --- reading, the period, the forecast ------------------------------------------------------------

def read(opts: Options) -> Extract:
    require_data(opts)
    return read_extract(opts.data, opts, load_key(opts.key_file))


def require_data(opts: Options) -> None:
    """A data directory that is not there is an error before anything is written (no key file, no
    folder made for a workspace that does not exist), saying where a workspace was looked for."""
    if opts.data.is_dir():
        return
    where = (f"{opts.workspace / 'prognose.toml'} sets paths.data" if (opts.workspace / "prognose.toml").exists()
             else f"no prognose.toml in {opts.workspace}; `prognose init DIR` lays out a "
                  "workspace, or give --workspace or --data")
    raise UsageError(f"no data directory {opts.data} ({where})")


def default_as_of(ex: Extract) -> dt.date:
    """SPEC §4: the last day of the latest posting month, unless that month holds only a few
    stray postings (a typo in a date), which is an error naming their lines."""
    latest = ex.postings.get_column("posting_date").max()
    if latest is None:
        raise UsageError("no postings to take an as-of date from: give --as-of")
    if ex.stray_lines:
        fname = next((f.path for f in ex.files if f.name == "postings"), "postings")
        lines = ", ".join(map(str, ex.stray_lines[:10])) + (", …" if len(ex.stray_lines) > 10 else "")
        raise UsageError(f"{fname}, line {lines}: the latest posting month ({latest:%Y-%m}) holds only "
                         f"{len(ex.stray_lines)} posting(s), far fewer than the months before it — a date typed "
                         "wrong? Correct them or give --as-of")
    return month_end(latest)


def period(ex: Extract, as_of: dt.date | None = None, year: int | None = None) -> Period:
    """The period a run is about: the as-of date asked for (else as SPEC §4 takes it from the
    postings) and its year (else the as-of date's), within the year and its supplementary period."""
    as_of = as_of or default_as_of(ex)
    year = year or as_of.year
    if not (dt.date(year, 1, 1) <= as_of <= dt.date(year + 1, 2, 28) + dt.timedelta(days=1)):
        raise UsageError(f"--as-of {as_of} is outside budget year {year} and its supplementary period")
    return Period(year, as_of)


@dataclass
class Run:
    settings: Options
    extract: Extract
    forecast: Forecast
    buffers: BufferInputs | None = None
    warnings: list[InputWarning] = field(default_factory=list)   # about the input, and how it was read
    clock: Clock = field(default_factory=Clock)                   # where the run spent its time (--verbose)


def forecast(opts: Options, as_of: dt.date | None = None, year: int | None = None, extract: Extract | None = None,
             draws: int = DRAWS, seed: int = 0) -> Run:
    """The forecast of the period (as_of and year as the command line gave them, None: not given)."""
    clock = Clock()
    ex = extract or clock.step("read extract", read, opts)
    at = period(ex, as_of, year)
    budget_file = next((f.path for f in ex.files if f.name == "budget"), "budget")
    if problems := check_budget_year(ex.budget, at.year, budget_file):
        raise InputError(problems)
    bufs = clock.step("read buffers", read_buffers, opts.buffers, opts, load_key(opts.key_file))
    later = [*bufs.warnings, *_as_of_warnings(ex.postings, at.as_of)]   # the extract's own were checked on reading
    if opts.strict and later:
        raise InputError([w.as_problem() for w in later])
    fc = run_forecast(ex.grants, ex.plan_steps, ex.postings, ex.budget, opts, at.year, at.as_of, bufs,
                      draws=draws, seed=seed, alongside=in_background, step=clock.step)
    fc.notes += _index_notes(opts, ex.grants)
    return Run(opts, ex, fc, bufs, [*ex.warnings, *later], clock)


def _index_notes(opts: Options, grants: pl.DataFrame) -> list[Message]:
    """Grants priced at a year's level are indexed only with a [price_index]; without one, say so."""
    if opts.price_index or "price_year" not in grants.columns:
        return []
    priced = grants.filter(pl.col("price_year").is_not_null()).height
    return [Message("note.no_price_index", priced=priced)] if priced else []


def _as_of_warnings(postings: pl.DataFrame, as_of: dt.date) -> list[InputWarning]:
    """An as-of date months past the latest posting forecasts months as if nothing was booked in them."""
    latest = postings.get_column("posting_date").max()
    if latest is None or as_of <= month_end(latest):
        return []
    return [InputWarning("as_of_past_data", "--as-of", (), 1, Message("warning.as_of_after", latest=latest, as_of=as_of))]


# --- writing -------------------------------------------------------------------------------------

def chosen(out: Optional[Path], fmt) -> str:
    """The format -o's extension or --format names (an error where they name two)."""
    return writers.choose(out, fmt.value if fmt is not None else None)


def read_by(opts: Options) -> list[Path]:
    """What a run reads, which no output may replace: the extract, the buffers, the snapshots,
    the settings and the key."""
    return [opts.data, opts.buffers, opts.snapshots, opts.key_file, opts.workspace / "prognose.toml"]


def write(ctx: typer.Context, record, out: Optional[Path], fmt, opts: Options, lang: str | None = None) -> None:
    """The record in the format -o's extension or --format names, to the file or to stdout."""
    format_ = chosen(out, fmt)
    target = None if out is None or str(out) == "-" else out
    output = writers.write(record, format_, lang or opts.lang, opts.csv_dialect, opts.deviation_sign,
                           for_terminal=target is None and sys.stdout.isatty())
    if target is None:
        if isinstance(output, bytes):
            raise UsageError(f"{format_} goes to a file: give -o FILE.{format_}")
        sys.stdout.write(output)
        return
    from prognose.io.files import check_output, discards, write_atomic, write_discarded

    if discards(target):
        write_discarded(target, output)
        return
    check_output(target, read_by(opts))
    write_atomic(target, output)
    say(ctx, f"wrote {target}")
