"""The command line: each command reads, computes and renders in a few lines (see app.py).

stdout carries data; messages and errors go to stderr. Exit 0 ok, 1 findings, 2 bad input.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from prognose import __version__, app, cli_ahead
from prognose.cli_support import (AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, STATE, WORKSPACE, YEAR, By, CsvDialect, Fmt, Lang,
                                  emit, guarded, output_format, parse_date, say, say_files, say_wrapped, settings_of,
                                  warn)
from prognose.errors import InputError, UsageError
from prognose.report.words import label, text
from prognose.uncertainty import DRAWS

cli = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=False,
                  help="prognose — forventet regnskab for det specialiserede voksenområde.")


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(__version__)
        raise typer.Exit(0)


@cli.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on internal errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr, only errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Say what was read and how (file dialects)."),
    strict: bool = typer.Option(False, "--strict", help="Treat every warning about the input as an error (exit 2)."),
    csv_dialect: Optional[CsvDialect] = typer.Option(
        None, "--csv-dialect", help="CSV as danish (semicolon, decimal comma, Danish headers, BOM: opens right in a Danish "
                                    "Excel) or international (comma, decimal point, the data contract's column names). "
                                    "Default: display.csv, else danish when the language is Danish."),
    show_version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                      help="Print the engine version and stop."),
) -> None:
    STATE.update(debug=debug, quiet=quiet, verbose=verbose, strict=strict, csv=csv_dialect.value if csv_dialect else None)


@cli.command()
@guarded
def run(
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR,
    by: Optional[By] = typer.Option(None, "--by", help="Rows per account (default), paragraph or provider_type."),
    monthly: bool = typer.Option(False, "--monthly", help="Month by month: booked, expected, forecast (with --by: for each)."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
    no_save: bool = typer.Option(False, "--no-save", help="Do not save a snapshot of this run."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing snapshot of the same as-of date."),
    seed: int = typer.Option(0, "--seed", help="Seed of the simulation behind the P10–P90 interval (same seed, same interval)."),
    draws: int = typer.Option(DRAWS, "--draws", min=0, help="Simulated outcomes for the interval (0: no interval)."),
) -> None:
    """Forecast the year-end result against budget (forventet regnskab), and save a snapshot."""
    settings = settings_of(workspace, data=data, buffers=buffers, lang=lang.value if lang else None)
    result = app.forecast(settings, parse_date(as_of, "--as-of"), year, draws=draws, seed=seed)
    if not no_save:
        path, status = app.save_snapshot(result, replace)
        say(label(settings.lang, f"snapshot_{status}").format(path=path, name=path.name))
    say_files(result.extract)
    warn(result.warnings, settings.lang)
    if out is not None and out.suffix.lower() == ".xlsx" and fmt is None:
        from prognose.io.files import workbook_bytes, write_atomic
        from prognose.report.run_xlsx import workbook

        write_atomic(out, workbook_bytes(workbook(result, by.value if by else "account", monthly)))
        say(f"wrote {out}")
    else:
        from prognose.report import render

        key = by.value if by else (None if monthly else "account")
        emit(render.forecast(result, output_format(out, fmt).value, key, monthly), out, settings)
    for note in result.forecast.notes:
        say_wrapped(label(settings.lang, "note"), text(note, settings.lang))
    if STATE["verbose"]:
        for line in result.clock.report():
            say(f"time: {line}")


@cli.command()
@guarded
def buffers(
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR, fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT,
    lang: Optional[Lang] = LANG,
) -> None:
    """Show the six buffers: parameters (estimated or overridden), months ahead, and the people on the lists."""
    settings = settings_of(workspace, data=data, buffers=buffers, lang=lang.value if lang else None)
    result = app.forecast(settings, parse_date(as_of, "--as-of"), year)
    from prognose.report import buffers_report

    emit(buffers_report.render(result.forecast, settings.lang, output_format(out, fmt).value), out, settings)


@cli.command()
@guarded
def refusion(
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF,
    year: Optional[int] = typer.Option(None, "--year", help="The year (default: the as-of date's); an earlier year is "
                                                             "computed from its grants with thresholds learned from the years before it."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """The refund of expensive single cases: thresholds, what is booked and still to come, and the citizens near a threshold."""
    settings = settings_of(workspace, data=data, buffers=buffers, lang=lang.value if lang else None)
    rf, at = app.refusion(settings, year, parse_date(as_of, "--as-of"))
    from prognose.report import refusion_report

    emit(refusion_report.render(rf, at, settings.lang, output_format(out, fmt).value), out, settings)


class Group(str, Enum):
    paragraph = "paragraph"
    account = "account"
    provider_type = "provider_type"
    provider = "provider"


@cli.command()
@guarded
def activity(
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF, year: Optional[int] = YEAR,
    by: Group = typer.Option(Group.paragraph, "--by", help="Count per paragraph, account, provider_type or provider."),
    monthly: bool = typer.Option(False, "--monthly", help="The months of the budget year instead of the years (table)."),
    compare: Optional[int] = typer.Option(None, "--compare", help="The year the change of cost is measured from "
                                                                  "(default: the year before)."),
    mix_base: Optional[int] = typer.Option(None, "--mix-base", help="What this year's citizens would cost if they "
                                                                    "were spread over the bands as in that year."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """Citizens at each month's end, inflow and outflow, full-year persons, cost and price per full-year person; the change of cost as volume, price and mix."""
    settings = settings_of(workspace, data=data, buffers=buffers, lang=lang.value if lang else None)
    act, snapshot = app.activity(settings, parse_date(as_of, "--as-of"), year, by.value, compare, mix_base)
    from prognose.report import activity_report

    say(label(settings.lang, "activity_from_snapshot").format(snapshot) if snapshot
        else label(settings.lang, "activity_from_extract"))

    emit(activity_report.render(act, settings.lang, output_format(out, fmt).value, monthly), out, settings)


class DiffBy(str, Enum):
    account = "account"
    paragraph = "paragraph"


@cli.command()
@guarded
def diff(
    snapshots: list[str] = typer.Argument(None, help="Snapshots A and B (as-of dates or folders); default: the two latest."),
    workspace: Optional[Path] = WORKSPACE, top: int = typer.Option(10, "--top", help="Citizens behind the largest changes."),
    by: Optional[DiffBy] = typer.Option(None, "--by", help="The causes per account or paragraph (table, csv; json has both)."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """Explain why the forecast moved between two snapshots: a bridge whose causes add up to the change."""
    settings = settings_of(workspace, lang=lang.value if lang else None)
    from prognose.diff import bridge
    from prognose.io import snapshots as store
    from prognose.report import diff_report

    pa, pb = store.resolve(settings.snapshots, list(snapshots or []))
    a, b = store.load(pa, app.BRIDGE_INPUTS), store.load(pb, app.BRIDGE_INPUTS)
    br = bridge(a, b)
    fmt_ = output_format(out, fmt)
    if by is not None and fmt_ != Fmt.json:
        emit(diff_report.render_by(br, by.value, fmt_.value, settings.lang), out, settings)
        return
    people = diff_report.top_citizens(br, b.input("grants"), top, settings.lang) if top else []
    emit(diff_report.render(br, fmt_.value, settings.lang, people), out, settings)


@cli.command()
@guarded
def explain(
    account: Optional[str] = typer.Option(None, "--account", help="An account (with the groupings under it)."),
    paragraph: Optional[str] = typer.Option(None, "--paragraph", help="A paragraph, in any spelling (SEL 108, § 108, 108)."),
    citizen: Optional[str] = typer.Option(None, "--citizen", help="A citizen's pseudonym (P…)."),
    grant: Optional[str] = typer.Option(None, "--grant", help="A grant id: its plan, months, invoices and billing lag."),
    provider: Optional[str] = typer.Option(None, "--provider", help="A provider's grants."),
    month: Optional[str] = typer.Option(None, "--month", help="Only this month (YYYY-MM)."),
    postings: bool = typer.Option(False, "--postings", help="The booked postings behind it (with --account or --citizen)."),
    top: int = typer.Option(10, "--top", help="The largest contributors shown."),
    snapshot: Optional[str] = typer.Option(None, "--snapshot", help="The snapshot to read (default: the latest)."),
    workspace: Optional[Path] = WORKSPACE, fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """What is behind a figure of the forecast: split by origin, the grants and citizens that add most, a grant's months."""
    from prognose.explain import KEYS, POSTINGS_BY
    from prognose.report import explain_report

    chosen = [(k, v) for k, v in zip(KEYS, (account, paragraph, citizen, grant, provider)) if v is not None]
    if len(chosen) != 1:
        raise UsageError("explain needs exactly one of " + ", ".join(f"--{k}" for k in KEYS))
    key, value = chosen[0]
    if postings and key not in POSTINGS_BY:
        raise UsageError(f"--postings lists what an account or a citizen has booked, not a {key}'s")
    at = None
    if month is not None:
        try:
            at = dt.date.fromisoformat(month + "-01")
        except ValueError:
            raise UsageError(f"--month {month!r}: expected a month such as 2026-10") from None
    settings = settings_of(workspace, lang=lang.value if lang else None)
    fmt_ = output_format(out, fmt)
    exp, name = app.explain(settings, key, value, snapshot, at, top, postings)
    emit(explain_report.render(exp, name, settings.lang, fmt_.value), out, settings)


@cli.command()
@guarded
def history(workspace: Optional[Path] = WORKSPACE, fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT,
            lang: Optional[Lang] = LANG) -> None:
    """List the saved snapshots with budget, forecast and deviation: how the forecast moved through the year."""
    settings = settings_of(workspace, lang=lang.value if lang else None)
    from prognose.io import snapshots as store
    from prognose.report import diff_report

    fmt_ = output_format(out, fmt)                # a wrong -o is said first, snapshots or not
    paths = store.listing(settings.snapshots)
    if not paths:
        raise UsageError(f"no snapshots in {settings.snapshots}: run `prognose run` first")
    snaps = [store.load(p) for p in paths]
    emit(diff_report.history(snaps, settings.lang, fmt_.value, settings.deviation_sign), out, settings)


@cli.command()
@guarded
def report(
    out: Optional[Path] = typer.Option(None, "-o", "--output", help="The .xlsx file to write."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Write prognose-YYYY-MM.xlsx (the as-of month) in this folder."),
    keep: int = typer.Option(0, "--keep", help="With --out-dir: keep only the N newest monthly reports (0: keep all)."),
    snapshot: Optional[str] = typer.Option(None, "--snapshot", help="Report this snapshot (as-of date or folder); default the latest."),
    with_citizens: bool = typer.Option(False, "--with-citizens", help="Add sheets of the largest changes per citizen and the largest grants per paragraph (pseudonyms)."),
    top: int = typer.Option(25, "--top", help="With --with-citizens: how many citizens."),
    max_age: Optional[int] = typer.Option(None, "--max-age", help="Fail if the newest posting is older than this many days."),
    today: Optional[str] = typer.Option(None, "--today", help="The date --max-age counts from (default: today)."),
    quiet: bool = typer.Option(False, "--quiet", help="Say nothing on success (for cron)."),
    workspace: Optional[Path] = WORKSPACE, lang: Optional[Lang] = LANG,
) -> None:
    """Write the social director's Excel report from the latest snapshot: cron-safe, never half-written."""
    if quiet:
        STATE["quiet"] = True
    from prognose.io import report_out
    from prognose.io.files import workbook_bytes
    from prognose.report import excel

    if (out is None) == (out_dir is None):
        raise UsageError("give either -o FILE.xlsx or --out-dir DIR")
    if out is not None and out.suffix.lower() != ".xlsx":
        raise UsageError(f"-o {out}: the report is an Excel workbook; name it .xlsx")
    settings = settings_of(workspace, lang=lang.value if lang else None)
    rep = app.director_report(settings, snapshot, top if with_citizens else 0)
    if max_age is not None:
        newest = rep.freshness.get_column("latest").max()
        ref = parse_date(today, "--today") or dt.date.today()
        if newest is None or (ref - newest).days > max_age:
            raise UsageError(f"stale input: the newest posting in snapshot {rep.snapshot} is from {newest}, "
                             f"more than {max_age} days before {ref}; no report was written")
    workbook, _ = excel.render(rep)
    target = out if out is not None else out_dir / report_out.monthly_name(rep.as_of, rep.year)
    report_out.publish(workbook_bytes(workbook), target)
    say(f"wrote {target}")
    if out_dir is not None and keep:
        for gone in report_out.prune(out_dir, keep):
            say(f"removed {gone.name} (--keep {keep})")


class Ablation(str, Enum):
    buffers = "buffers"
    lag = "lag"


@cli.command()
@guarded
def backtest(
    extracts: Optional[Path] = typer.Option(None, "--extracts", help="Folder of month-end extracts (YYYY-MM-DD/); default paths.backtest."),
    final: Optional[Path] = typer.Option(None, "--final", help="Extract with the year's final accounts; default the workspace data."),
    ablate: list[Ablation] = typer.Option([], "--ablate", help="Leave a part of the engine out: buffers, lag (repeatable)."),
    snapshots: Optional[int] = typer.Option(None, "--snapshots", help="Re-run the workspace's saved month-end snapshots of this year instead of extracts."),
    seed: int = typer.Option(0, "--seed", help="Seed of the interval simulation."),
    draws: int = typer.Option(DRAWS, "--draws", min=0, help="Simulated outcomes per month for the interval (0: none)."),
    workspace: Optional[Path] = WORKSPACE, fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """How accurate the forecast was: re-run at each month-end of a past year against its final accounts and three baselines."""
    from rich.progress import Progress

    from prognose import backtest as bt
    from prognose.report import backtest_report

    settings = settings_of(workspace, lang=lang.value if lang else None)
    folder = extracts or settings.backtest
    from prognose.io.snapshots import month_end_inputs

    count = len(month_end_inputs(settings.snapshots, snapshots) if snapshots is not None else app.extract_folders(folder))
    show = not STATE["quiet"] and sys.stderr.isatty()
    with Progress(transient=True, disable=not show) as bar:
        task = bar.add_task("backtest", total=count)
        final_total, rows = app.backtest(settings, folder, final, tuple(a.value for a in ablate),
                                         progress=lambda name: bar.update(task, advance=1, description=name),
                                         draws=draws, seed=seed, snapshots_year=snapshots)
    t = bt.table(rows, final_total)
    emit(backtest_report.render(t, bt.summary(t), final_total, [a.value for a in ablate], settings.lang,
                                output_format(out, fmt).value, bt.coverage(rows, final_total)), out, settings)


@cli.command()
@guarded
def validate(workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, lang: Optional[Lang] = LANG) -> None:
    """Read everything, print what was read and every problem found (exit 2 on problems)."""
    settings = settings_of(workspace, data=data, lang=lang.value if lang else None)
    ex = app.read(settings)
    from prognose.report import render

    sys.stdout.write(render.validation(ex, settings.lang))
    warn(ex.warnings, settings.lang)


@cli.command()
@guarded
def config(workspace: Optional[Path] = WORKSPACE) -> None:
    """Print the effective settings and where each came from, and what the engine learns from the extract."""
    settings = settings_of(workspace)
    rows = settings.as_rows()
    try:
        rows += app.learned_rows(settings)
    except (InputError, UsageError) as e:   # the settings are still worth seeing without a readable extract
        rows.append(("refusion.learned", "not learned: the extract could not be read", str(e).splitlines()[0][:80]))
    width = max(len(k) for k, _, _ in rows)
    for key, value, origin in rows:
        typer.echo(f"{key:<{width}}  {value}    ({origin})")


@cli.command()
@guarded
def init(directory: Path = typer.Argument(..., help="Folder for the new workspace.")) -> None:
    """Lay out a new municipality's workspace: prognose.toml, data/, buffers/."""
    from prognose.io.workspace import init_workspace

    for path in init_workspace(directory):
        say(f"created {path}")


@cli.command()
@guarded
def version() -> None:
    """Print the engine version."""
    typer.echo(__version__)


def main() -> None:
    # a reader that stops early (`prognose config | head -1`) ends us quietly, as it ends any Unix
    # tool, instead of a BrokenPipeError on stderr
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli()


cli_ahead.register(cli)   # the years ahead: project, whatif