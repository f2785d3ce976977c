"""A web page: the record's tables (tables.py) as one self-contained page — its styles inline, no
script, no font or image fetched — with every figure formatted as the reader's language writes it
(words/locale.py: the same rounding and marks as the terminal), readable in a browser without a
network and printable.

great-tables lays out the tables (headers, alignment, notes); it takes longer to import than
polars itself, so it is imported here, when a page is written, and never on the way to another
format."""

from __future__ import annotations

import html

import polars as pl

from prognose.report.words import label
from prognose.report import tables
from prognose.words.locale import number

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2rem; color: #1b1f24; }}
h1 {{ font-size: 1.4rem; }}
section {{ margin: 0 0 2.5rem 0; }}
@media print {{ section {{ break-inside: avoid; }} }}
</style>
</head>
<body>
<h1>{title}</h1>
{sections}
</body>
</html>
"""


def write(record, view, style) -> str:
    from great_tables import GT   # here only: see the module's docstring

    shown = tables.of(record, view, style)
    sections = []
    for t in shown:
        frame = formatted(t, style.lang)
        gt = GT(frame).tab_header(title=t.title)
        numbers = [c for c, dtype in zip(t.frame.columns, t.frame.dtypes) if dtype.is_numeric() or c in t.right]
        if numbers:
            gt = gt.cols_align(align="right", columns=numbers)
        for note in t.notes:
            gt = gt.tab_source_note(note)
        if t.total and frame.height:
            from great_tables import loc, style as gt_style

            gt = gt.tab_style(style=gt_style.text(weight="bold"), locations=loc.body(rows=[frame.height - 1]))
        sections.append(f"<section>\n{gt.as_raw_html()}\n</section>")
    title = shown[0].title if shown else label(style.lang, f"title.{record.kind}")
    return PAGE.format(lang=style.lang, title=html.escape(title), sections="\n".join(sections))


def formatted(t: tables.Table, lang: str) -> pl.DataFrame:
    """Every figure as text the way the language writes it (1.234.567 / 1,234,567), blanks for none."""
    out = []
    for column, dtype in zip(t.frame.columns, t.frame.dtypes):
        values = t.frame.get_column(column).to_list()
        if dtype.is_numeric():
            decimals = 0 if dtype.is_integer() else t.decimals
            values = ["" if v is None else number(v, lang, decimals) for v in values]
        else:
            values = ["" if v is None else str(v) for v in values]
        out.append(pl.Series(column, values, dtype=pl.String))
    return pl.DataFrame(out)
