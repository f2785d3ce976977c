"""Terminal tables with rich: Danish labels and number format by default, colour only on a terminal."""

from __future__ import annotations

import io
import os

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table

from prognose.words.locale import kroner, millions, number, percent
from prognose.report import figures
from prognose.report.words import component, label
from prognose.views import UNALLOCATED, component_rows


def console(stream, for_terminal: bool) -> Console:
    """A console writing to `stream`; colour and terminal width only when the output is a terminal
    (and NO_COLOR is unset), else plain text at a fixed width so cron output is stable: 140
    columns, or COLUMNS where it is set."""
    colour = for_terminal and not os.environ.get("NO_COLOR")
    columns = os.environ.get("COLUMNS", "").strip()
    width = None if for_terminal else (int(columns) if columns.isdigit() else 140)
    return Console(file=stream, force_terminal=colour, no_color=not colour, color_system="standard" if colour else None,
                   width=width, highlight=False, soft_wrap=False)


class Doc:
    """What a command prints as a table, kept as rich renderables until it is written: only then is
    it known whether it goes to a terminal (colour, the terminal's width) or to a file or a pipe
    (plain text at a fixed width), and that is the table writer's to decide (report/write/table.py)."""

    def __init__(self) -> None:
        self.parts: list[tuple] = []

    def print(self, *objects) -> None:
        self.parts.append(objects)

    def render(self, for_terminal: bool) -> str:
        buf = io.StringIO()
        con = console(buf, for_terminal)
        for objects in self.parts:
            con.print(*objects)
        return buf.getvalue()


class Fitting:
    """The first of (table, what goes with it) whose table fits the width the document is rendered
    at, the last where none does: the widest tables first, so a column of names, then the range,
    give way before a figure would be cut (a large municipality's figures take more room)."""

    def __init__(self, *choices: tuple) -> None:
        self.choices = choices

    def __rich_console__(self, console, options):
        chosen = next((c for c in self.choices if narrowest(c[0], console, options) <= options.max_width), self.choices[-1])
        yield from chosen


def narrowest(table: Table, console, options) -> int:
    """The width a NumbersTable takes at its narrowest: one character between the columns."""
    saved = table.padding
    table.padding = (0, 0, 0, 0)
    try:
        return table.__rich_measure__(console, options).maximum
    finally:
        table.padding = saved


def group_name(lang: str, key: str, value) -> str:
    """A row's name in a table grouped by `key`: a provider type in words, the rows without a group
    named for what they are."""
    if value is None or value == UNALLOCATED:
        return label(lang, "no_provider_type" if key == "provider_type" else "unallocated")
    return label(lang, f"provider.{value}") if key == "provider_type" else str(value)


def new_table(**options) -> Table:
    """A table as every command prints it: a rule under the header and none between the columns, so
    that the figures, not the lines, take the width of an 80-column terminal; numbers never wrap."""
    return NumbersTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True, header_style="bold",
                        title_justify="left", **options)


class NumbersTable(Table):
    """A rich table whose numbers are never wrapped or cut: columns do not wrap (a text column
    that may says no_wrap=False), the headers of the number columns go on two lines, and the space
    between the columns narrows to one character when the table is wider than the terminal."""

    def add_column(self, header="", footer="", *, justify="left", **options) -> None:
        options.setdefault("no_wrap", True)          # a text column that may wrap says no_wrap=False
        if justify != "left":
            header = two_lines(header)
        super().add_column(header, footer, justify=justify, **options)

    def __rich_console__(self, console, options):
        if self.__rich_measure__(console, options).maximum > options.max_width:
            self.padding = (0, 0, 0, 0)
        yield from super().__rich_console__(console, options)


def two_lines(header: str) -> str:
    """A header of more than one word broken at the space nearest its middle (a number is narrower)."""
    if len(header) <= 6 or " " not in header or "\n" in header:
        return header
    spaces = [i for i, c in enumerate(header) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(header) / 2))
    return header[:cut] + "\n" + header[cut + 1:]


NAME_WIDTH = 34


def _short(name: str) -> str:
    """A name on one line of the table: cut with an ellipsis where it is longer than its column."""
    return name if len(name) <= NAME_WIDTH else name[:NAME_WIDTH - 1].rstrip() + "…"


def _band(b: dict | None, lang: str) -> str:
    return f"{millions(b['p10'], lang)}–{millions(b['p90'], lang)}" if b else ""


def figures_table(table: pl.DataFrame, key: str, lang: str, sign: str, title: str, show_pct: bool = True,
                  band=None) -> Table:
    """band: an uncertainty.Interval, shown as a P10–P90 column (rows keyed by account). The rows
    in whole kroner add up to the totals printed under them (report/figures.py). Per provider type
    there is no budget to hold the forecast against: booked and forecast only."""
    t = new_table(title=title, show_footer=True)
    flip = -1 if sign == "budget-forecast" else 1
    money = ("actual_to_date", "forecast") if key == "provider_type" else ("budget", "actual_to_date", "forecast", "deviation")
    show_pct = show_pct and "budget" in money
    kr = figures.whole(table)
    shown = {c: [v * (flip if c == "deviation" else 1) for v in kr.get_column(c).to_list()] for c in money}
    tot = {c: int(table.get_column(c).sum()) for c in ("budget", "deviation")}
    t.add_column(label(lang, key), footer=label(lang, "total"))
    if "name" in table.columns:
        t.add_column("", no_wrap=False, max_width=NAME_WIDTH)
    for c in money:
        t.add_column(label(lang, c), justify="right", footer=number(sum(shown[c]), lang))
    if show_pct:
        t.add_column(label(lang, "deviation_pct"), justify="right", footer=percent(tot["deviation"] * flip, tot["budget"], lang))
    if band is not None:
        t.add_column(label(lang, "band"), justify="right", footer=_band(band.of(None), lang))
    for i, r in enumerate(table.iter_rows(named=True)):
        cells = [group_name(lang, key, r[key])] + ([_short(r["name"] or "")] if "name" in table.columns else [])
        for c in money:
            text = number(shown[c][i], lang)
            cells.append(f"[red]{text}[/]" if c == "deviation" and r["deviation"] > 0 else text)
        if show_pct:
            cells.append(percent(r["deviation"] * flip, r["budget"], lang))
        if band is not None:
            cells.append(_band(band.of(r[key]), lang))
        t.add_row(*cells)
    return t


def months_table(table: pl.DataFrame, lang: str, title: str, shown: dict[str, int] | None = None) -> Table:
    """The months of the year; shown: the year's forecast and booked in whole kroner where a table
    of it shows them already (one account's, paragraph's or provider type's row)."""
    t = new_table(title=title, show_footer=True)
    booked, expected, forecast = figures.months(table.get_column("actual").to_list(), table.get_column("expected").to_list(),
                                                shown)
    shown = {"actual": booked, "expected": expected, "forecast": forecast}
    t.add_column(label(lang, "month"), footer=label(lang, "total"))
    for c in ("actual", "expected", "forecast"):
        t.add_column(label(lang, c), justify="right", footer=number(sum(shown[c]), lang))
    for i, r in enumerate(table.iter_rows(named=True)):
        t.add_row(r["month"].strftime("%Y-%m"), *[number(shown[c][i], lang) for c in ("actual", "expected", "forecast")])
    return t


def components_table(comp: dict, lang: str, forecast: int, booked: int) -> Table:
    """What is not yet booked by part: whole kroner that add up to the forecast shown less what is
    booked shown (forecast, booked: the totals in øre)."""
    t = new_table(title=label(lang, "components"))
    t.add_column("")
    t.add_column(label(lang, "currency"), justify="right")
    rows = component_rows(comp)
    for (name, _), value in zip(rows, figures.parts([v for _, v in rows], forecast, booked)):
        t.add_row(component(lang, name), number(value, lang))
    return t
