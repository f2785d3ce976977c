"""How `prognose run` and `prognose validate` look: the view of their records (report/write/)."""

from __future__ import annotations

import polars as pl

from prognose.words.locale import date_text, number, whole_kroner
from prognose.report.words import component, label, text as text_of
from prognose.report.words import account_name, paragraph_name
from prognose.report import figures, machine, terminal
from prognose.report.csv_out import CsvTable
from prognose.report.tables import Table
from prognose.views import by as by_view, component_rows, components, months, months_by


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


def document(rec, style) -> dict:
    """`prognose run --format json`: SPEC §4's document (machine.py)."""
    return machine.forecast_document(rec.run.forecast)


def csv(rec, style) -> CsvTable:
    """key: the rows' grouping (account, paragraph, provider_type); with monthly, None gives the
    months of the whole, a key the months of each of its values — the same rows as the table."""
    fc, key = rec.run.forecast, rec.key
    if rec.monthly:
        return machine.table_csv(_monthly(fc, key))
    key = key or "account"
    table = named(machine.with_interval(by_view(fc, key), fc, key), key, style.lang)
    return machine.table_csv(table.drop("budget", "deviation") if key == "provider_type" else table)


def _monthly(fc, key: str | None) -> pl.DataFrame:
    table = months(fc) if key is None else months_by(fc, key)
    return table.with_columns((pl.col("actual") + pl.col("expected")).alias("forecast"))


def text(rec, style) -> terminal.Doc:
    """The table as the terminal shows it: the figures per group (with names and the P10–P90 range
    where there is room), what is not yet booked by part; or the months."""
    fc, key, lang = rec.run.forecast, rec.key, style.lang
    title = label(lang, "title").format(year=fc.year, as_of=date_text(fc.as_of, lang))
    if rec.monthly:
        table = _monthly(fc, key)
        if key is None:
            return _capture(terminal.months_table(table, lang, title))
        rows = figures.whole(by_view(fc, key))
        parts = [terminal.months_table(table.filter(pl.col(key) == value), lang, terminal.group_name(lang, key, value),
                                       rows.filter(pl.col(key) == value).row(0, named=True))
                 for value in table.get_column(key).unique(maintain_order=True)]
        return _capture(f"[bold]{title}[/]", *parts)
    key = key or "account"
    table = by_view(fc, key)
    sign = style.sign
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
        terminal.components_table(components(fc), lang, *_booked_and_forecast(table)),
    )


def _booked_and_forecast(table: pl.DataFrame) -> tuple[int, int]:
    """The forecast and what is booked of a view in total (øre)."""
    return int(table.get_column("forecast").sum()), int(table.get_column("actual_to_date").sum())


def tables(rec, style) -> list[Table]:
    """For a workbook or a page: the figures in whole kroner that add up to the total under them
    (report/figures.py, as in the terminal), the P10–P90 range, what is not yet booked by part, and the notes."""
    fc, lang = rec.run.forecast, style.lang
    key = rec.key or ("month" if rec.monthly else "account")
    title = label(lang, "title").format(year=fc.year, as_of=date_text(fc.as_of, lang))
    if rec.monthly:
        frame = figures.monthly(fc, rec.key)
        money = ("actual", "expected", "forecast")
    else:
        frame = figures.whole(named(machine.with_interval(by_view(fc, key), fc, key), key, lang))
        money = ("actual_to_date", "forecast") if key == "provider_type" else ("budget", "actual_to_date", "forecast", "deviation")
    flip = -1 if style.sign == "budget-forecast" and not rec.monthly else 1
    whole = {c: [v * (flip if c == "deviation" else 1) for v in frame.get_column(c).to_list()] for c in money}
    keys = [c for c in frame.columns if c not in money and c not in ("p10", "p50", "p90")]
    shown = frame.select(
        *[(pl.col(c).dt.strftime("%Y-%m") if frame.schema[c] == pl.Date else
           pl.col(c).map_elements(lambda v, c=c: terminal.group_name(lang, c, v), return_dtype=pl.String) if c == key
           else pl.col(c)).alias(label(lang, c)) for c in keys])
    shown = shown.with_columns(pl.Series(label(lang, c), whole[c], dtype=pl.Int64) for c in money)
    if {"p10", "p90"} <= set(frame.columns):
        shown = shown.with_columns(
            pl.Series("P10", [None if v is None else whole_kroner(v) for v in frame.get_column("p10").to_list()], dtype=pl.Int64),
            pl.Series("P90", [None if v is None else whole_kroner(v) for v in frame.get_column("p90").to_list()], dtype=pl.Int64))
    total = pl.DataFrame({shown.columns[0]: [label(lang, "total")], **{label(lang, c): [sum(whole[c])] for c in money}})
    shown = pl.concat([shown, total], how="diagonal_relaxed")
    notes = [] if rec.monthly else [label(lang, "budget_not_by_provider" if key == "provider_type" else f"sign_{style.sign}")]
    table = Table(title, shown, tuple(notes + [text_of(n, lang) for n in fc.notes]), total=True)
    rows = component_rows(components(fc))
    part, kr = label(lang, "part"), label(lang, "currency")
    parts_table = pl.DataFrame({part: [component(lang, name) for name, _ in rows],
                                kr: figures.parts([v for _, v in rows], *_booked_and_forecast(by_view(fc, "account")))},
                               schema={part: pl.String, kr: pl.Int64})
    return [table, Table(label(lang, "components"), parts_table)]


def workbook(rec, style):
    """`prognose run -o FILE.xlsx`: the run's table with a SUM row (run_xlsx.py)."""
    from prognose.report.run_xlsx import workbook as laid_out

    return laid_out(rec.run, rec.key or "account", rec.monthly, style.lang)
