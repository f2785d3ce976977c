"""Rendering the director's report (director.Report) as an Excel workbook with openpyxl.

Numbers are numbers (DKK, thousands separators by format); every total is a formula over the cells
above it (SUBTOTAL 109, so it stays right when someone filters); headers are frozen; every sheet
prints landscape, one page wide, with the as-of date and page numbers. `render` returns the
workbook and, for every formula cell, the value it must evaluate to — the check that a real
spreadsheet program recalculates the same numbers (`make check-report`).
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from prognose.labels import date_text, label
from prognose.report.diff_report import cause_label, detail_label
from prognose.report.director import Report
from prognose.report.excel_activity import activity_sheet
from prognose.report.excel_refusion import refusion_sheet
from prognose.report.xlsx import DATE, MONEY, MONTH, OVER_FILL, PCT, TOTAL_FILL, Sheet, dkk

T = {
    "da": {
        "overview": "Overblik", "months": "Måneder", "trend": "Udvikling", "changes": "Ændringer", "buffers": "Buffere",
        "assumptions": "Forudsætninger", "citizens": "Borgere",
        "read_as": "Sådan blev udtrækket læst (advarsler)", "no_warnings": "Ingen advarsler: alt blev læst som aftalt.",
        "title": "Forventet regnskab {year} — det specialiserede voksenområde", "asof": "Opgjort pr. {d} (snapshot {s})",
        "account": "Konto", "area": "Område", "paragraph": "Paragraf", "budget": "Korr. budget", "booked": "Bogført",
        "forecast": "Forventet regnskab", "deviation": "Afvigelse", "pct": "Afvigelse %", "total": "I alt",
        "sign_forecast-budget": "Afvigelse = forventet regnskab − korrigeret budget: positiv er merforbrug (markeret med rødt).",
        "sign_budget-forecast": "Afvigelse = korrigeret budget − forventet regnskab: positiv er mindreforbrug; merforbrug er markeret med rødt.",
        "components": "Heraf endnu ikke bogført", "component": "Del", "amount": "Beløb",
        "grants": "Kendte bevillinger", "unexplained": "Udgifter uden bevilling", "refusion": "Refusion, dyre enkeltsager", "youth_transfers": "Buffer: ungeovergang",
        "stu": "Buffer: STU start/slut", "other_inflow": "Buffer: øvrig tilgang", "deaths": "Buffer: dødsfald",
        "bpa_sickness": "Buffer: BPA-sygdom", "other_outflow": "Buffer: øvrig afgang",
        "month": "Måned", "expected": "Forventet", "month_total": "Bogført + forventet", "budget_profile": "Budgetprofil",
        "cum_booked": "Akk. bogført", "cum_forecast": "Akk. forventet regnskab", "cum_budget": "Akk. budget",
        "months_note": "Budgetprofilen fordeler det korrigerede budget som sidste års bogføring over månederne.",
        "chart_months": "Akkumuleret: bogført, forventet regnskab og budget",
        "as_of": "Opgjort pr.", "p10": "P10", "p90": "P90", "chart_trend": "Forventet regnskab ved hver opgørelse mod budget",
        "changes_title": "Ændring i forventet regnskab fra {a} til {b}", "cause": "Årsag", "detail": "Detalje",
        "before": "Forventet regnskab, før", "after": "Forventet regnskab, nu", "change": "Ændring i alt",
        "budget_change": "Budgetændringer (flytter afvigelsen, ikke prognosen)", "no_previous": "Der er ingen tidligere opgørelse at sammenligne med.",
        "by_cause": "Pr. årsag", "chart_changes": "Ændringer pr. årsag",
        "buffer": "Buffer", "contribution": "Bidrag resten af året", "explanation": "Forklaring", "parameters": "Parametre",
        "key": "Forudsætning", "value": "Værdi", "origin": "Kilde", "engine": "Programversion", "year": "Budgetår",
        "snapshot": "Snapshot", "sign": "Afvigelsens fortegn", "freshness": "Datas friskhed", "source": "Kilde (system)",
        "latest": "Seneste bogføringsdato", "rows": "Rækker", "files": "Inputfiler", "file": "Fil", "sha256": "SHA-256",
        "settings": "Indstillinger", "setting": "Indstilling", "pseudonym": "Borger (pseudonym)", "reason": "Årsag",
        "header": "Forventet regnskab {year} pr. {d}", "footer": "Side &P af &N",
        "estimated": "estimeret", "override": "buffers.toml", "default": "standard",
    },
    "en": {
        "overview": "Overview", "months": "Months", "trend": "Trend", "changes": "Changes", "buffers": "Buffers",
        "assumptions": "Assumptions", "citizens": "Citizens",
        "read_as": "How the extract was read (warnings)", "no_warnings": "No warnings: everything was read as agreed.",
        "title": "Forecast {year} — specialised adult social area", "asof": "As of {d} (snapshot {s})",
        "account": "Account", "area": "Area", "paragraph": "Paragraph", "budget": "Revised budget", "booked": "Booked",
        "forecast": "Forecast", "deviation": "Deviation", "pct": "Deviation %", "total": "Total",
        "sign_forecast-budget": "Deviation = forecast − revised budget: positive is overspend (marked red).",
        "sign_budget-forecast": "Deviation = revised budget − forecast: positive is underspend; overspend is marked red.",
        "components": "Of which not yet booked", "component": "Part", "amount": "Amount",
        "grants": "Known grants", "unexplained": "Costs no grant explains", "refusion": "Refund, expensive cases", "youth_transfers": "Buffer: youth transfers",
        "stu": "Buffer: STU start/end", "other_inflow": "Buffer: other inflow", "deaths": "Buffer: deaths",
        "bpa_sickness": "Buffer: BPA sickness", "other_outflow": "Buffer: other outflow",
        "month": "Month", "expected": "Expected", "month_total": "Booked + expected", "budget_profile": "Budget profile",
        "cum_booked": "Cum. booked", "cum_forecast": "Cum. forecast", "cum_budget": "Cum. budget",
        "months_note": "The budget profile spreads the revised budget over the months as last year's bookings were.",
        "chart_months": "Cumulative: booked, forecast and budget",
        "as_of": "As of", "p10": "P10", "p90": "P90", "chart_trend": "Forecast at each as-of date against budget",
        "changes_title": "Change in the forecast from {a} to {b}", "cause": "Cause", "detail": "Detail",
        "before": "Forecast before", "after": "Forecast now", "change": "Total change",
        "budget_change": "Budget changes (move the deviation, not the forecast)", "no_previous": "There is no earlier forecast to compare with.",
        "by_cause": "By cause", "chart_changes": "Changes by cause",
        "buffer": "Buffer", "contribution": "Contribution, rest of year", "explanation": "Explanation", "parameters": "Parameters",
        "key": "Assumption", "value": "Value", "origin": "Origin", "engine": "Engine version", "year": "Budget year",
        "snapshot": "Snapshot", "sign": "Deviation sign", "freshness": "Data freshness", "source": "Source (system)",
        "latest": "Latest posting date", "rows": "Rows", "files": "Input files", "file": "File", "sha256": "SHA-256",
        "settings": "Settings", "setting": "Setting", "pseudonym": "Citizen (pseudonym)", "reason": "Reason",
        "header": "Forecast {year} as of {d}", "footer": "Page &P of &N",
        "estimated": "estimated", "override": "buffers.toml", "default": "default",
    },
}


def _shown(dev: int, sign: str) -> int:
    return dev if sign == "forecast-budget" else -dev


def _table(s: Sheet, rep: Report, t: dict, top: int, rows: list[tuple], key_labels: list[str]) -> int:
    """Budget/booked/forecast/deviation table from row `top` (header); returns the total row."""
    n_keys = len(key_labels)
    s.header(top, key_labels + [t["budget"], t["booked"], t["forecast"], t["deviation"], t["pct"]])
    col = {k: n_keys + i for i, k in enumerate(("budget", "booked", "forecast", "deviation", "pct"), start=1)}
    L = {k: get_column_letter(v) for k, v in col.items()}
    first = top + 1
    for i, (keys, budget, booked, forecast) in enumerate(rows):
        r = first + i
        over = forecast > budget
        for j, k in enumerate(keys, start=1):
            s.put(r, j, k, fill=OVER_FILL if over else None)
        s.put(r, col["budget"], dkk(budget), MONEY)
        s.put(r, col["booked"], dkk(booked), MONEY)
        s.put(r, col["forecast"], dkk(forecast), MONEY)
        dev_formula = f"={L['forecast']}{r}-{L['budget']}{r}" if rep.sign == "forecast-budget" else f"={L['budget']}{r}-{L['forecast']}{r}"
        shown = _shown(forecast - budget, rep.sign)
        c = s.put(r, col["deviation"], dev_formula, MONEY, fill=OVER_FILL if over else None, expect=dkk(shown))
        c.font = Font(bold=over, color="9C0006" if over else None)
        s.put(r, col["pct"], f'=IF({L["budget"]}{r}=0,0,{L["deviation"]}{r}/{L["budget"]}{r})', PCT,
              expect=(dkk(shown) / dkk(budget) if budget else 0))
    last = first + len(rows) - 1
    tot = last + 1
    s.put(tot, 1, t["total"], bold=True, fill=TOTAL_FILL)
    for j in range(2, n_keys + 1):
        s.put(tot, j, None, fill=TOTAL_FILL)
    sums = {}
    for k, idx in (("budget", 1), ("booked", 2), ("forecast", 3)):
        v = round(sum(dkk(x[idx]) for x in rows), 2)
        sums[k] = v
        s.put(tot, col[k], f"=SUBTOTAL(109,{L[k]}{first}:{L[k]}{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=v)
    dev = round(sums["forecast"] - sums["budget"], 2) if rep.sign == "forecast-budget" else round(sums["budget"] - sums["forecast"], 2)
    dev_formula = f"={L['forecast']}{tot}-{L['budget']}{tot}" if rep.sign == "forecast-budget" else f"={L['budget']}{tot}-{L['forecast']}{tot}"
    s.put(tot, col["deviation"], dev_formula, MONEY, bold=True, fill=TOTAL_FILL, expect=dev)
    s.put(tot, col["pct"], f'=IF({L["budget"]}{tot}=0,0,{L["deviation"]}{tot}/{L["budget"]}{tot})', PCT, bold=True, fill=TOTAL_FILL,
          expect=(dev / sums["budget"] if sums["budget"] else 0))
    return tot


def _overview(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    ws = wb.active
    ws.title = t["overview"]
    s = Sheet(ws, expected)
    d = date_text(rep.as_of, rep.lang)
    s.put(1, 1, t["title"].format(year=rep.year)).font = Font(bold=True, size=14)
    # three rows of sentences above the as-of line: what follows the second shares the third row
    lines = rep.sentences[:2] + ([" ".join(rep.sentences[2:])] if len(rep.sentences) > 2 else [])
    for i, sentence in enumerate(lines):
        ws.merge_cells(start_row=2 + i, start_column=1, end_row=2 + i, end_column=7)
        c = s.put(2 + i, 1, sentence)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[2 + i].height = 32 if len(sentence) < 200 else 48
    s.put(5, 1, t["asof"].format(d=d, s=rep.snapshot) + " · " + t[f"sign_{rep.sign}"]).font = Font(italic=True)
    rows = [((r["account"], r["name"]), r["budget"], r["actual_to_date"], r["forecast"]) for r in rep.accounts.iter_rows(named=True)]
    tot = _table(s, rep, t, 7, rows, [t["account"], t["area"]])
    top = tot + 2
    prow = [((r["paragraph"], ""), r["budget"], r["actual_to_date"], r["forecast"]) for r in rep.paragraphs.iter_rows(named=True)]
    tot2 = _table(s, rep, t, top, prow, [t["paragraph"], ""]) if prow else top
    top = tot2 + 2
    s.header(top, [t["components"], "", t["amount"]], wrap=False)
    for i, (k, v) in enumerate(rep.components, start=1):
        s.put(top + i, 1, t.get(k, k))
        s.put(top + i, 3, dkk(v), MONEY)
    last = top + len(rep.components)
    s.put(last + 1, 1, t["total"], bold=True, fill=TOTAL_FILL)
    s.put(last + 1, 3, f"=SUBTOTAL(109,C{top + 1}:C{last})", MONEY, bold=True, fill=TOTAL_FILL,
          expect=round(sum(dkk(v) for _, v in rep.components), 2))
    s.finish(rep, t, "7:7", "A8", {1: 14, 2: 52}, pages_high=1)


def _months(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["months"]), expected)
    s.header(1, [t["month"], t["booked"], t["expected"], t["month_total"], t["budget_profile"], t["cum_booked"],
                 t["cum_forecast"], t["cum_budget"]])
    m = rep.months.sort("month")
    closed = rep.as_of.replace(day=1)
    cum = {"b": 0.0, "f": 0.0, "p": 0.0}
    for i, r in enumerate(m.iter_rows(named=True)):
        row = 2 + i
        a, e, p = dkk(r["actual"]), dkk(r["expected"]), dkk(r["budget"])
        s.put(row, 1, r["month"], MONTH)
        s.put(row, 2, a, MONEY)
        s.put(row, 3, e, MONEY)
        s.put(row, 4, f"=B{row}+C{row}", MONEY, expect=round(a + e, 2))
        s.put(row, 5, p, MONEY)
        cum["b"] += a
        cum["f"] += a + e
        cum["p"] += p
        if r["month"] <= closed:
            s.put(row, 6, f"=SUM(B$2:B{row})", MONEY, expect=round(cum["b"], 2))
        s.put(row, 7, f"=SUM(D$2:D{row})", MONEY, expect=round(cum["f"], 2))
        s.put(row, 8, f"=SUM(E$2:E{row})", MONEY, expect=round(cum["p"], 2))
    last = 1 + m.height
    tot = last + 1
    s.put(tot, 1, t["total"], bold=True, fill=TOTAL_FILL)
    for col, key in ((2, "actual"), (3, "expected"), (5, "budget")):
        L = get_column_letter(col)
        s.put(tot, col, f"=SUBTOTAL(109,{L}2:{L}{last})", MONEY, bold=True, fill=TOTAL_FILL,
              expect=round(sum(dkk(v) for v in m.get_column(key).to_list()), 2))
    s.put(tot, 4, f"=SUBTOTAL(109,D2:D{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=round(cum["f"], 2))
    s.put(tot + 2, 1, t["months_note"]).font = Font(italic=True)
    chart = LineChart()
    chart.title = t["chart_months"]
    chart.height, chart.width = 9, 22
    chart.y_axis.number_format = '#,##0'
    chart.add_data(Reference(s.ws, min_col=6, max_col=8, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=2, max_row=last))
    _axes(chart)
    s.ws.add_chart(chart, f"A{tot + 4}")
    s.finish(rep, t, "1:1", "A2", {1: 10})


def _trend(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["trend"]), expected)
    with_band = rep.history.get_column("p10").null_count() < rep.history.height
    s.header(1, [t["as_of"], t["budget"], t["forecast"], t["deviation"]] + ([t["p10"], t["p90"]] if with_band else []))
    for i, r in enumerate(rep.history.sort("as_of").iter_rows(named=True)):
        row = 2 + i
        s.put(row, 1, r["as_of"], DATE)
        s.put(row, 2, dkk(r["budget"]), MONEY)
        s.put(row, 3, dkk(r["forecast"]), MONEY)
        formula = f"=C{row}-B{row}" if rep.sign == "forecast-budget" else f"=B{row}-C{row}"
        s.put(row, 4, formula, MONEY, expect=dkk(_shown(r["forecast"] - r["budget"], rep.sign)))
        if with_band:
            s.put(row, 5, dkk(r["p10"]), MONEY)
            s.put(row, 6, dkk(r["p90"]), MONEY)
    last = 1 + rep.history.height
    chart = LineChart()
    chart.title = t["chart_trend"]
    chart.height, chart.width = 9, 22
    chart.y_axis.number_format = '#,##0'
    chart.add_data(Reference(s.ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
    if with_band:
        chart.add_data(Reference(s.ws, min_col=5, max_col=6, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=2, max_row=last))
    _axes(chart)
    s.ws.add_chart(chart, f"A{last + 3}")
    s.finish(rep, t, "1:1", "A2", {1: 12})


def _changes(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["changes"]), expected)
    if rep.bridge is None:
        s.put(1, 1, t["no_previous"])
        s.finish(rep, t, None, None, {1: 60})
        return
    tot = rep.bridge_totals
    s.put(1, 1, t["changes_title"].format(a=date_text(dt.date.fromisoformat(tot["from"]), rep.lang), b=date_text(rep.as_of, rep.lang)), bold=True)
    s.header(3, [t["cause"], t["detail"], t["amount"]])
    s.put(4, 1, t["before"], bold=True)
    s.put(4, 3, dkk(tot["forecast_from"]), MONEY, bold=True)
    rows = rep.bridge.to_dicts()
    for i, r in enumerate(rows):
        cause, detail = cause_label(r["cause"], rep.lang), detail_label(r["detail"], rep.lang)
        s.put(5 + i, 1, cause)
        s.put(5 + i, 2, detail)
        s.put(5 + i, 3, dkk(r["amount"]), MONEY)
    last = 4 + len(rows)
    change = round(sum(dkk(r["amount"]) for r in rows), 2)
    s.put(last + 1, 1, t["change"], bold=True, fill=TOTAL_FILL)
    s.put(last + 1, 2, None, fill=TOTAL_FILL)
    s.put(last + 1, 3, f"=SUBTOTAL(109,C5:C{last})" if rows else "=0", MONEY, bold=True, fill=TOTAL_FILL, expect=change)
    s.put(last + 2, 1, t["after"], bold=True)
    s.put(last + 2, 3, f"=C4+C{last + 1}", MONEY, bold=True, expect=round(dkk(tot["forecast_from"]) + change, 2))
    s.put(last + 4, 1, t["budget_change"])
    s.put(last + 4, 3, dkk(tot["budget_change"]), MONEY)
    # per cause, for the chart
    top = last + 6
    s.header(top, [t["by_cause"], "", t["amount"]], wrap=False)
    per = {}
    for r in rows:
        label = cause_label(r["cause"], rep.lang)
        per[label] = per.get(label, 0) + r["amount"]
    ordered = sorted(per.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    for i, (label, amount) in enumerate(ordered, start=1):
        s.put(top + i, 1, label)
        s.put(top + i, 3, dkk(amount), MONEY)
    if ordered:
        chart = BarChart()
        chart.type = "bar"
        chart.title = t["chart_changes"]
        chart.height, chart.width = 9, 22
        chart.legend = None
        chart.x_axis.number_format = '#,##0'
        chart.add_data(Reference(s.ws, min_col=3, min_row=top, max_row=top + len(ordered)), titles_from_data=True)
        chart.set_categories(Reference(s.ws, min_col=1, min_row=top + 1, max_row=top + len(ordered)))
        _axes(chart)
        chart.x_axis.tickLblPos = "low"
        s.ws.add_chart(chart, f"A{top + len(ordered) + 2}")
    s.finish(rep, t, "3:3", "A4", {1: 34, 2: 60})


def _axes(chart) -> None:
    """Both axes shown (openpyxl marks them deleted by default), straight lines, no markers."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for series in chart.series:
        if isinstance(chart, LineChart):
            series.smooth = False
            series.marker.symbol = "none"


def _buffers(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["buffers"]), expected)
    s.header(1, [t["buffer"], t["contribution"], t["explanation"], t["parameters"]])
    for i, b in enumerate(rep.buffers):
        row = 2 + i
        s.put(row, 1, label(rep.lang, b["buffer"]))
        s.put(row, 2, b["total"], MONEY)
        c = s.put(row, 3, b["explanation"].get(rep.lang, ""))
        c.alignment = Alignment(wrap_text=True, vertical="top")
        params = "; ".join(f"{p['name']} = {_value(p['value'])} ({t.get(p['source'], p['source'])}"
                           + (f", n={p['observations']}" if p.get("observations") is not None else "") + ")" for p in b["parameters"])
        c = s.put(row, 4, params)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        s.ws.row_dimensions[row].height = 60
    last = 1 + len(rep.buffers)
    s.put(last + 1, 1, t["total"], bold=True, fill=TOTAL_FILL)
    s.put(last + 1, 2, f"=SUBTOTAL(109,B2:B{last})", MONEY, bold=True, fill=TOTAL_FILL,
          expect=round(sum(b["total"] for b in rep.buffers), 2))
    s.finish(rep, t, "1:1", "A2", {1: 22, 2: 16, 3: 70, 4: 60})


def _value(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_value(x)}" for k, x in v.items())
    return str(v)


def _assumptions(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["assumptions"]), expected)
    s.header(1, [t["key"], t["value"], ""])
    facts = [(t["as_of"], rep.as_of), (t["year"], rep.year), (t["snapshot"], rep.snapshot), (t["engine"], rep.engine_version),
             (t["sign"], t[f"sign_{rep.sign}"])]
    row = 2
    for k, v in facts:
        s.put(row, 1, k)
        s.put(row, 2, v, DATE if isinstance(v, dt.date) else None)
        row += 1
    row += 1
    s.header(row, [t["freshness"], t["latest"], t["rows"]])
    for r in rep.freshness.iter_rows(named=True):
        row += 1
        s.put(row, 1, r["source"])
        s.put(row, 2, r["latest"], DATE)
        s.put(row, 3, r["rows"], '#,##0')
    row += 2
    s.header(row, [t["files"], t["file"], t["sha256"]])
    for f in rep.inputs:
        row += 1
        s.put(row, 1, f.get("name", ""))
        s.put(row, 2, str(f.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1])
        s.put(row, 3, f.get("sha256", ""))
    row += 2
    s.header(row, [t["read_as"], "", ""])
    for text in rep.warnings or [t["no_warnings"]]:
        row += 1
        s.put(row, 1, text)
    row += 2
    s.header(row, [t["setting"], t["value"], t["origin"]])
    for k, v, origin in rep.settings:
        row += 1
        s.put(row, 1, k)
        s.put(row, 2, str(v))
        s.put(row, 3, origin)
    s.finish(rep, t, None, "A2", {1: 30, 2: 40, 3: 68})


def _citizens(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["citizens"]), expected)
    s.header(1, [t["pseudonym"], t["amount"], t["reason"]])
    for i, c in enumerate(rep.citizens):
        s.put(2 + i, 1, c["citizen"])
        s.put(2 + i, 2, dkk(c["amount"]), MONEY)
        s.put(2 + i, 3, c["reason"])
    s.finish(rep, t, "1:1", "A2", {1: 18, 2: 14, 3: 90})


def render(rep: Report) -> tuple[Workbook, dict]:
    """The workbook and {(sheet, cell): expected value} for every formula in it."""
    t = T[rep.lang]
    wb = Workbook()
    expected: dict = {}
    _overview(wb, rep, t, expected)
    _months(wb, rep, t, expected)
    _trend(wb, rep, t, expected)
    _changes(wb, rep, t, expected)
    _buffers(wb, rep, t, expected)
    if rep.refusion:
        refusion_sheet(wb, rep, t, expected)
    if rep.activity is not None:
        activity_sheet(wb, rep, t, expected)
    _assumptions(wb, rep, t, expected)
    if rep.citizens:
        _citizens(wb, rep, t, expected)
    stamp = dt.datetime(rep.as_of.year, rep.as_of.month, rep.as_of.day)
    wb.properties.creator = "prognose"
    wb.properties.lastModifiedBy = "prognose"
    wb.properties.title = t["header"].format(year=rep.year, d=rep.as_of.isoformat())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb, expected
