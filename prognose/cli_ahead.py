"""The commands for the years ahead: `prognose project` and `prognose whatif`, registered on the
command line by cli.py (register)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from prognose.cli_support import AS_OF, BUFFERS, DATA, FORMAT, LANG, OUT, WORKSPACE, Fmt, Lang, emit, guarded, output_format, \
    parse_date, settings_of


def register(cli: typer.Typer) -> None:
    for command in (project, whatif):
        cli.command()(guarded(command))


def project(
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF,
    years: int = typer.Option(3, "--years", min=0, max=10, help="Years after the first (the first is the as-of year while "
                                                                 "any of it is ahead, else the year after)."),
    initiatives: bool = typer.Option(False, "--initiatives", help="Each initiative of buffers/initiatives.csv: its effect "
                                                                  "per year and the projection with all of them."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """The budget year and the years after it: per account and paragraph, beside the budget, with P10–P90 and citizens."""
    from prognose import ahead
    from prognose.report import project_report

    settings = settings_of(workspace, data=data, buffers=buffers, lang=lang.value if lang else None)
    p = ahead.project(settings, parse_date(as_of, "--as-of"), years, initiatives)
    emit(project_report.render(p, settings.lang, output_format(out, fmt).value), out, settings)


def whatif(
    paragraph: str = typer.Option(..., "--paragraph", help="The paragraph, such as 'SEL 108'."),
    unit: str = typer.Option(..., "--unit", help="year, month, week, day or hour."),
    rate: float = typer.Option(..., "--rate", help="Kroner per unit, at this year's price level."),
    start: str = typer.Option(..., "--start", help="The first day (YYYY-MM-DD or DD.MM.YYYY)."),
    quantity: float = typer.Option(1.0, "--quantity", help="Units (hours a week for hour)."),
    end: Optional[str] = typer.Option(None, "--end", help="The last day, if the grant is time-limited."),
    citizen: Optional[str] = typer.Option(None, "--citizen", help="An existing citizen's pseudonym (a CPR number is "
                                                                  "pseudonymised and never shown): their refund before and after."),
    workspace: Optional[Path] = WORKSPACE, data: Optional[Path] = DATA, buffers: Optional[Path] = BUFFERS,
    as_of: Optional[str] = AS_OF,
    years: int = typer.Option(3, "--years", min=0, max=10, help="Years after the first."),
    fmt: Optional[Fmt] = FORMAT, out: Optional[Path] = OUT, lang: Optional[Lang] = LANG,
) -> None:
    """One decision before it is made: a proposed grant's cost this year and the years ahead, and its citizen's refund."""
    from prognose import ahead
    from prognose.report import whatif_report
    from prognose.whatif import Proposal

    settings = settings_of(workspace, data=data, buffers=buffers, lang=lang.value if lang else None)
    proposal = Proposal(paragraph, unit, rate, quantity, parse_date(start, "--start"), parse_date(end, "--end"), citizen)
    outcome = ahead.whatif(settings, proposal, parse_date(as_of, "--as-of"), years)
    emit(whatif_report.render(outcome, settings.lang, output_format(out, fmt).value), out, settings)
