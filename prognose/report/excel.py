"""Rendering the director's report (director.Report) as an Excel workbook with openpyxl.

Numbers are numbers (DKK, thousands separators by format); every total is a formula over the cells
above it (SUBTOTAL 109, so it stays right when someone filters); headers are frozen; every sheet
prints landscape, one page wide, with the as-of date and page numbers. `render` returns the
workbook and, for every formula cell, the value it must evaluate to — the check that a real
spreadsheet program recalculates the same numbers (`make check-report`).
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.pagebreak import Break

from prognose.words.locale import date_text, value_text, whole_kroner
from prognose.report import figures
from prognose.report.words import cause_label, detail_label, label, param_name, source_name
from prognose.report.director import Report
from prognose.report.excel_activity import activity_sheet
from prognose.report.excel_overview import overview
from prognose.report.excel_followup import followup_sheet
from prognose.report.excel_refusion import refusion_sheet
from prognose.report.excel_text import T
from prognose.report.excel_time import months, trend
from prognose.report.excel_years import years_sheet
from prognose.report.xlsx import MONEY, TOTAL_FILL, Sheet, date_format


# a row's height in cm at the default 15 pt, and the rows a landscape page holds at the scale this
# sheet prints at (fitted to its width), with room to spare
ROW_CM, PAGE_ROWS = 0.53, 30


def keep_together(ws, first: int, final: int, least: int = 7) -> None:
    """A list from row `first` (at the top of a page) to `final` that runs a few rows past one page
    breaks early, so the next page holds at least `least` rows and not a lonely total."""
    rows = final - first + 1
    if PAGE_ROWS < rows <= PAGE_ROWS + least:
        ws.row_breaks.append(Break(id=final - least))


def _cause_chart(s: Sheet, t: dict, end: int, n: int) -> int:
    """The chart of the n causes listed in rows 4..end: a bar and its label for every cause (none
    skipped), the whole chart on one page — under the table where it fits there, else at the top of
    the next page. Returns the row the bridge's lines start at."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = t["chart_changes"]
    chart.height, chart.width = 2.5 + 0.7 * n, 22
    tall = math.ceil(chart.height / ROW_CM) + 1
    at = end + 3
    if at + tall > PAGE_ROWS:
        s.ws.row_breaks.append(Break(id=end + 1))
    chart.legend = None
    chart.y_axis.number_format = '#,##0'
    chart.add_data(Reference(s.ws, min_col=3, min_row=3, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=4, max_row=end))
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"   # the largest cause at the top, as in the table
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.tickLblSkip = 1
    s.ws.add_chart(chart, f"A{at}")
    return max(end + 20, at + tall + 1)


def _changes(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    """The month's change per cause (with its chart) on the first page; every line of the bridge
    on the next. Amounts in whole kroner (report/figures.py): each forecast as every table shows
    it, the lines the shares of the change, and each cause the sum of its lines."""
    s = Sheet(wb.create_sheet(t["changes"]), expected)
    if rep.bridge is None:
        s.put(1, 1, t["no_previous"])
        s.finish(rep, t, None, None, {1: 60})
        return
    tot = rep.bridge_totals
    s.put(1, 1, t["changes_title"].format(a=date_text(dt.date.fromisoformat(tot["from"]), rep.lang), b=date_text(rep.as_of, rep.lang)), bold=True)
    rows = rep.bridge.to_dicts()
    before, lines, after = figures.bridge(tot["forecast_from"], tot["forecast_to"], [r["amount"] for r in rows])
    per: dict[str, tuple[int, int]] = {}
    for r, kr in zip(rows, lines):
        name = cause_label(r["cause"], rep.lang)
        ore, shown = per.get(name, (0, 0))
        per[name] = (ore + r["amount"], shown + kr)
    ordered = sorted(per.items(), key=lambda kv: (-abs(kv[1][0]), kv[0]))
    s.header(3, [t["by_cause"], "", t["amount"]], wrap=False)
    for i, (name, (_, kr)) in enumerate(ordered, start=1):
        s.put(3 + i, 1, name)
        s.put(3 + i, 3, kr, MONEY)
    end = 3 + len(ordered)
    s.put(end + 1, 1, t["change"], bold=True, fill=TOTAL_FILL)
    s.put(end + 1, 2, None, fill=TOTAL_FILL)
    s.put(end + 1, 3, f"=SUBTOTAL(109,C4:C{end})" if ordered else "=0", MONEY, bold=True, fill=TOTAL_FILL,
          expect=after - before)
    top = _cause_chart(s, t, end, len(ordered)) if ordered else end + 20
    s.ws.row_breaks.append(Break(id=top - 1))
    s.header(top, [t["cause"], t["detail"], t["amount"]])
    s.put(top + 1, 1, t["before"], bold=True)
    s.put(top + 1, 3, before, MONEY, bold=True)
    for i, (r, kr) in enumerate(zip(rows, lines)):
        s.put(top + 2 + i, 1, cause_label(r["cause"], rep.lang))
        s.put(top + 2 + i, 2, detail_label(r["detail"], rep.lang, tot.get("year_from"), tot.get("year_to")))
        s.put(top + 2 + i, 3, kr, MONEY)
    last = top + 1 + len(rows)
    s.put(last + 1, 1, t["change"], bold=True, fill=TOTAL_FILL)
    s.put(last + 1, 2, None, fill=TOTAL_FILL)
    s.put(last + 1, 3, f"=SUBTOTAL(109,C{top + 2}:C{last})" if rows else "=0", MONEY, bold=True, fill=TOTAL_FILL,
          expect=after - before)
    s.put(last + 2, 1, t["after"], bold=True)
    s.put(last + 2, 3, f"=C{top + 1}+C{last + 1}", MONEY, bold=True, expect=after)
    s.put(last + 4, 1, t["budget_change"])
    keep_together(s.ws, top, last + 4)
    s.put(last + 4, 3, whole_kroner(tot["budget_to"]) - whole_kroner(tot["budget_from"]), MONEY)   # as the budgets are shown
    s.finish(rep, t, None, None, {1: 34, 2: 60, 3: 14})


def _buffers(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    """One row per buffer, its sentence and parameters wrapped at the top of a row tall enough
    for the longer of the two."""
    s = Sheet(wb.create_sheet(t["buffers"]), expected)
    s.header(1, [t["buffer"], t["contribution"], t["explanation"], t["parameters"]])
    widths = {1: 22, 2: 14, 3: 62, 4: 62}
    parts = dict(rep.shown_components())     # each as page 2 of the overview shows it
    kr = [parts.get(b["buffer"], 0) for b in rep.buffers]
    top = Alignment(wrap_text=True, vertical="top")
    for i, b in enumerate(rep.buffers):
        row = 2 + i
        params = "; ".join(f"{param_name(rep.lang, p['name'])} = {value_text(p['value'], rep.lang)} ({source_name(rep.lang, p['source'])}"
                           + (f", n={p['observations']}" if p.get("observations") is not None else "") + ")" for p in b["parameters"])
        texts = (label(rep.lang, b["buffer"]), kr[i], b["explanation"].get(rep.lang, ""), params)
        for col, value in enumerate(texts, start=1):
            s.put(row, col, value, MONEY if col == 2 else None).alignment = top
        lines = max(_wrapped_lines(texts[2], widths[3]), _wrapped_lines(params, widths[4]), 1)
        s.ws.row_dimensions[row].height = 13.5 * lines + 4
    last = 1 + len(rep.buffers)
    s.put(last + 1, 1, t["total"], bold=True, fill=TOTAL_FILL)
    s.put(last + 1, 2, f"=SUBTOTAL(109,B2:B{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=sum(kr))
    s.finish(rep, t, "1:1", "A2", widths)


def _wrapped_lines(text: str, width: int) -> int:
    """How many lines a text takes wrapped in a column `width` characters wide (words kept whole;
    a proportional font fits at least 1,1 characters per unit of width)."""
    per_line = int(width * 1.1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


SENTENCE_WIDTH = 30 + 40 + 68    # Forudsætninger's three columns, about: a sentence wraps within them


def _sentence(s: Sheet, row: int, text: str) -> None:
    """A note or warning across the sheet's three columns, wrapped there: one long sentence must
    not make the sheet wider than its table, and so its print tiny."""
    s.put(row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    s.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    s.ws.row_dimensions[row].height = 15 * _wrapped_lines(text, SENTENCE_WIDTH)


def _assumptions(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["assumptions"]), expected)
    s.header(1, [t["key"], t["value"], ""])
    facts = [(t["as_of"], rep.as_of), (t["year"], rep.year), (t["snapshot"], rep.snapshot), (t["engine"], rep.engine_version),
             (t["sign"], t[f"sign_{rep.sign}"])]
    row = 2
    for k, v in facts:
        s.put(row, 1, k)
        s.put(row, 2, v, date_format(rep.lang) if isinstance(v, dt.date) else None)
        row += 1
    row += 1
    s.header(row, [t["freshness"], t["latest"], t["rows"]])
    for r in rep.freshness.iter_rows(named=True):
        row += 1
        s.put(row, 1, r["source"])
        s.put(row, 2, r["latest"], date_format(rep.lang))
        s.put(row, 3, r["rows"], '#,##0')
    row += 2
    s.header(row, [t["files"], t["file"], t["sha256"]])
    for f in rep.inputs:
        row += 1
        s.put(row, 1, f.get("name", ""))
        s.put(row, 2, str(f.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1])
        s.put(row, 3, f.get("sha256", ""))
    row += 2
    s.header(row, [t["read_as"], "", ""], wrap=False)
    for text in rep.warnings or [t["no_warnings"]]:
        row += 1
        _sentence(s, row, text)
    if rep.notes:
        row += 2
        s.header(row, [t["notes"], "", ""], wrap=False)
        for text in rep.notes:
            row += 1
            _sentence(s, row, text[:1].upper() + text[1:])
    row = _adjustments(s, rep, t, row + 2) + 1
    s.header(row, [t["setting"], t["value"], t["origin"]])
    for k, v, origin in rep.settings:
        row += 1
        s.put(row, 1, k)
        s.put(row, 2, str(v))
        s.put(row, 3, ORIGIN_DA.get(origin, origin) if rep.lang == "da" else origin)
    s.finish(rep, t, "1:1", "A2", {2: 40, 3: 68})     # the keys' column as wide as its longest key


def _adjustments(s: Sheet, rep: Report, t: dict, row: int) -> int:
    """The controller's adjustments with their notes, so the director sees what is judgement, not
    data; returns the last row written."""
    s.header(row, [t["adjustments"], t["note"], t["amount"]], wrap=False)
    for a in rep.adjustments:
        row += 1
        when = a["period"].strftime("%Y-%m") if a["period"] is not None else str(a["year"])
        by = ", ".join(x for x in (a.get("who") or "", date_text(a["entered"], rep.lang) if a.get("entered") else "") if x)
        s.put(row, 1, f"{a['account']} · {when}").alignment = Alignment(vertical="top")
        note = a["note"] + (f" ({by})" if by else "")
        s.put(row, 2, note).alignment = Alignment(wrap_text=True, vertical="top")
        s.ws.row_dimensions[row].height = 13.5 * _wrapped_lines(note, 40) + 2
        s.put(row, 3, whole_kroner(a["amount"]), MONEY).alignment = Alignment(vertical="top")
    if not rep.adjustments:
        row += 1
        s.put(row, 1, t["no_adjustments"])
    return row + 1


ORIGIN_DA = {"default": "standard", "current directory or --workspace": "mappen, eller --workspace",
             "default (from display.lang)": "standard (efter display.lang)"}


def _citizens(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["citizens"]), expected)
    s.header(1, [t["pseudonym"], t["amount"], t["reason"]])
    for i, c in enumerate(rep.citizens):
        s.put(2 + i, 1, c["citizen"])
        s.put(2 + i, 2, whole_kroner(c["amount"]), MONEY)
        s.put(2 + i, 3, c["reason"]).alignment = Alignment(indent=1)
    s.finish(rep, t, "1:1", "A2", {1: 21, 2: 14, 3: 90})


def _largest(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    """Each paragraph's largest grants: this year's cost, booked and still to come (pseudonyms only)."""
    s = Sheet(wb.create_sheet(t["largest"]), expected)
    s.put(1, 1, t["largest_title"], bold=True)
    s.header(2, [t["paragraph"], t["grant"], t["pseudonym"], t["booked"], t["rest_of_year"], t["year_cost"]])
    for i, r in enumerate(rep.largest.iter_rows(named=True)):
        row = 3 + i
        for col, value in enumerate((r["paragraph"], r["grant_id"], r["citizen_id"]), start=1):
            s.put(row, col, value)
        booked, ahead = whole_kroner(r["booked"]), whole_kroner(r["booked"] + r["ahead"]) - whole_kroner(r["booked"])
        s.put(row, 4, booked, MONEY)
        s.put(row, 5, ahead, MONEY)
        s.put(row, 6, f"=D{row}+E{row}", MONEY, expect=booked + ahead)
    s.finish(rep, t, "2:2", "A3", {1: 12, 2: 14, 3: 21, 4: 15, 5: 15, 6: 15})


def render(rep: Report) -> tuple[Workbook, dict]:
    """The workbook and {(sheet, cell): expected value} for every formula in it."""
    t = T[rep.lang]
    wb = Workbook()
    expected: dict = {}
    overview(wb, rep, t, expected)
    months(wb, rep, t, expected)
    trend(wb, rep, t, expected)
    _changes(wb, rep, t, expected)
    _buffers(wb, rep, t, expected)
    if rep.refusion:
        refusion_sheet(wb, rep, t, expected)
    if rep.activity is not None:
        activity_sheet(wb, rep, t, expected)
    if rep.projection is not None:
        years_sheet(wb, rep, t, expected)
    if rep.followup is not None:
        followup_sheet(wb, rep, t, expected)
    _assumptions(wb, rep, t, expected)
    if rep.citizens:
        _citizens(wb, rep, t, expected)
    if rep.largest is not None and rep.largest.height:
        _largest(wb, rep, t, expected)
    stamp = dt.datetime(rep.as_of.year, rep.as_of.month, rep.as_of.day)
    wb.properties.creator = "prognose"
    wb.properties.lastModifiedBy = "prognose"
    wb.properties.title = t["header"].format(year=rep.year, d=rep.as_of.isoformat())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb, expected


def workbook(rec, style) -> Workbook:
    """`prognose report`: the director's workbook, laid out by hand (its language is the report's)."""
    return render(rec.report)[0]


def tables(rec, style) -> list:
    """For a page: the overview's sentences, the paragraphs and the accounts against the revised
    budget (whole kroner adding up to their totals, deviation signed as the workspace prints it),
    and the change from the report before by cause."""
    from prognose.report.tables import Table

    rep = rec.report
    t = T[rep.lang]
    flip = -1 if rep.sign == "budget-forecast" else 1
    out = []
    for key, frame in (("paragraph", rep.paragraphs), ("account", rep.accounts)):
        money = ("budget", "actual_to_date", "forecast", "deviation")
        kr = figures.whole(frame)
        whole = {c: [v * (flip if c == "deviation" else 1) for v in kr.get_column(c).to_list()] for c in money}
        heads = {"budget": t["budget"], "actual_to_date": t["booked"], "forecast": t["forecast"], "deviation": t["deviation"]}
        shown = pl.DataFrame({t[key]: [*frame.get_column(key).cast(pl.String).fill_null("").to_list(), t["total"]],
                              t["name"] if key == "paragraph" else t["area"]: [*frame.get_column("name").to_list(), ""],
                              **{heads[c]: [*whole[c], sum(whole[c])] for c in money}})
        notes = (*rep.sentences, t[f"sign_{rep.sign}"]) if key == "paragraph" else ()
        out.append(Table(f"{t['title'].format(year=rep.year)} · {t[key]}", shown, notes, total=True))
    if rep.bridge is not None and rep.bridge_totals is not None:
        tot = rep.bridge_totals
        rows = rep.bridge.to_dicts()
        before, lines, after = figures.bridge(tot["forecast_from"], tot["forecast_to"], [r["amount"] for r in rows])
        causes = pl.DataFrame({t["cause"]: [t["before"], *[cause_label(r["cause"], rep.lang) for r in rows], t["after"]],
                               t["detail"]: ["", *[detail_label(r["detail"], rep.lang, tot.get("year_from"), tot.get("year_to")) or ""
                                                   for r in rows], ""],
                               t["amount"]: [before, *lines, after]})
        out.append(Table(t["changes_title"].format(a=tot["from"], b=rep.snapshot), causes, total=True))
    return out
