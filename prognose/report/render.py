"""Choosing a renderer: one place that turns report data into a table document, CSV or JSON."""

from __future__ import annotations

import polars as pl

from prognose.words.locale import date_text, kroner, number
from prognose.report.words import label
from prognose.report.words import account_name, paragraph_name
from prognose.report import machine, terminal
from prognose.report.csv_out import CsvTable
from prognose.views import by as by_view, components, months, months_by


def _capture(*renderables) -> terminal.Doc:
    doc = terminal.Doc()
    for r in renderables:
        doc.print(r)
    return doc


# The benefit or function beside a paragraph or an account; in the terminal only where there is
# room for it beside the figures (the figures are never cut for a name).
NAMED = {"paragraph": paragraph_name, "account": account_name}


def named(table: pl.DataFrame, key: str, lang: str) -> pl.DataFrame:
    """The view with a name column after its key, where the key has names."""
    if key not in NAMED:
        return table
    name = pl.col(key).map_elements(lambda v: NAMED[key](v, lang), return_dtype=pl.String).alias("name")
    return table.with_columns(name).select(key, "name", pl.exclude(key, "name"))


def forecast(result, fmt: str, key: str | None = "account", monthly: bool = False) -> str | CsvTable | terminal.Doc:
    """key: the rows' grouping (account, paragraph, provider_type); with monthly, None gives the
    months of the whole, a key the months of each of its values — the same rows in every format."""
    fc = result.forecast
    settings = result.settings
    lang = settings.lang
    if fmt == "json":
        return machine.to_json(machine.forecast_document(fc))
    if monthly:
        table = months(fc) if key is None else months_by(fc, key)
        table = table.with_columns((pl.col("actual") + pl.col("expected")).alias("forecast"))
        if fmt == "csv":
            return machine.table_csv(table)
        title = label(lang, "title").format(year=fc.year, as_of=date_text(fc.as_of, lang))
        if key is None:
            return _capture(terminal.months_table(table, lang, title))
        parts = [terminal.months_table(table.filter(pl.col(key) == value), lang, terminal.group_name(lang, key, value))
                 for value in table.get_column(key).unique(maintain_order=True)]
        return _capture(f"[bold]{title}[/]", *parts)
    key = key or "account"
    if fmt == "csv":
        table = named(machine.with_interval(by_view(fc, key), fc, key), key, lang)
        return machine.table_csv(table.drop("budget", "deviation") if key == "provider_type" else table)
    title = label(lang, "title").format(year=fc.year, as_of=date_text(fc.as_of, lang))
    table = by_view(fc, key)
    sign = settings.deviation_sign
    band = fc.interval if key == "account" else None
    notes = [label(lang, "budget_not_by_provider" if key == "provider_type" else f"sign_{sign}")]
    band_note = [label(lang, "band_note").format(draws=number(band.draws, lang), seed=band.seed)] if band is not None else []
    plain = terminal.figures_table(table, key, lang, sign, title, band=band)
    choices = [(plain, *notes, *band_note)]
    if key in NAMED:    # names where there is room for them
        choices.insert(0, (terminal.figures_table(named(table, key, lang), key, lang, sign, title, band=band), *notes, *band_note))
    if band is not None:  # the range goes before a figure is cut; JSON, CSV and the report keep it
        choices.append((terminal.figures_table(table, key, lang, sign, title), *notes, label(lang, "band_elsewhere")))
    return _capture(
        terminal.Fitting(*choices),
        "",
        terminal.components_table(components(fc), lang),
    )


def validation(ex, lang: str) -> str:
    lines = []
    for f in ex.files:
        dialect = ", ".join(f"{k}: {v}" for k, v in f.dialect.items())
        lines.append(f"{f.path}: {number(f.rows, lang)} {label(lang, 'validate.rows')} ({dialect}); sha256 {f.sha256[:12]}")
    p = ex.postings
    if p.height:
        first, last = p["posting_date"].min(), p["posting_date"].max()
        periods = f"{p['period'].min():%Y-%m} … {p['period'].max():%Y-%m}"
        lines.append(label(lang, "validate.postings").format(first=date_text(first, lang), last=date_text(last, lang),
                                                             periods=periods))
    g = ex.grants
    n, citizens, open_ended = g.height, g["citizen_id"].n_unique(), g.filter(pl.col("end_date").is_null()).height
    lines.append(label(lang, "validate.grants").format(n=number(n, lang), citizens=number(citizens, lang),
                                                       open=number(open_ended, lang)))
    sums = (p.group_by("account", pl.col("period").dt.year().alias("year")).agg(pl.col("amount").sum())
            .sort("account", "year"))
    lines.append("")
    lines.append(f"{label(lang, 'account'):<14} {label(lang, 'validate.year'):>6} {label(lang, 'actual'):>18} {label(lang, 'budget'):>18}")
    budget = {(a, y): v for a, y, v in ex.budget.select("account", "year", "amount").iter_rows()}
    for account, year, amount in sums.iter_rows():
        b = budget.get((account, year))
        lines.append(f"{account:<14} {year:>6} {kroner(amount, lang):>18} {kroner(b, lang) if b is not None else '–':>18}")
    lines.append("")
    lines.append(label(lang, "validate.ok"))
    return "\n".join(lines) + "\n"
