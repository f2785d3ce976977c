"""The command line: the options before the command, and each command of prognose/commands/
registered under its name. Nothing else happens here: a command reads, computes and writes in its
own module.

stdout carries data; messages and errors go to stderr. Exit 0 ok, 1 findings, 2 bad input.
"""

from __future__ import annotations

import importlib
from typing import Optional

import typer

from prognose import __version__
from prognose.commands import NAMES, edge
from prognose.commands.edge import CsvDialect, Flags

cli = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=False,
                  help="prognose — forventet regnskab for det specialiserede voksenområde.")


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(__version__)
        raise typer.Exit(0)


@cli.callback()
def main_options(
    ctx: typer.Context,
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
    ctx.obj = Flags(debug=debug, quiet=quiet, verbose=verbose, strict=strict, csv=csv_dialect.value if csv_dialect else None)


for _name in NAMES:
    cli.command(_name)(edge.guarded(importlib.import_module(f"prognose.commands.{_name}").command))


def main() -> None:
    # a reader that stops early (`prognose config | head -1`) ends us quietly, as it ends any Unix
    # tool, instead of a BrokenPipeError on stderr
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli()
