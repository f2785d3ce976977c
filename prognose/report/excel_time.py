"""The year's path in the workbook: month by month against the budget profile (Måneder), and the
forecast at each as-of date with its P10–P90 range (Udvikling). Both chart the deviation, not
levels: cumulative spending and budget lie on top of each other on a 0–400 million axis, while a
deviation of a few million is what the director must see."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from prognose.words.locale import shares, whole_kroner
from prognose.report import figures
from prognose.report.director import Report
from prognose.report.excel_overview import shown
from prognose.report.xlsx import MONEY, MONTH, TOTAL_FILL, Sheet, date_format


def _lines(chart: LineChart) -> LineChart:
    """Both axes shown (openpyxl marks them deleted by default), straight lines, no markers."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.number_format = '#,##0'
    chart.x_axis.tickLblPos = "low"
    for series in chart.series:
        series.smooth = False
        series.marker.symbol = "none"
    return chart


def months(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["months"]), expected)
    s.header(1, [t["month"], t["booked"], t["expected"], t["month_total"], t["budget_profile"], t["cum_booked"],
                 t["cum_forecast"], t["cum_budget"], t["cum_deviation"]])
    m = rep.months.sort("month")
    kr = dict(zip(("actual", "expected"), figures.months(m.get_column("actual").to_list(), m.get_column("expected").to_list())))
    kr["budget"] = shares(m.get_column("budget").to_list())
    closed = rep.as_of.replace(day=1)
    cum = {"b": 0, "f": 0, "p": 0}
    for i, month in enumerate(m.get_column("month").to_list()):
        row = 2 + i
        a, e, p = kr["actual"][i], kr["expected"][i], kr["budget"][i]
        s.put(row, 1, month, MONTH)
        s.put(row, 2, a, MONEY)
        s.put(row, 3, e, MONEY)
        s.put(row, 4, f"=B{row}+C{row}", MONEY, expect=a + e)
        s.put(row, 5, p, MONEY)
        cum["b"], cum["f"], cum["p"] = cum["b"] + a, cum["f"] + a + e, cum["p"] + p
        if month <= closed:
            s.put(row, 6, f"=SUM(B$2:B{row})", MONEY, expect=cum["b"])
        s.put(row, 7, f"=SUM(D$2:D{row})", MONEY, expect=cum["f"])
        s.put(row, 8, f"=SUM(E$2:E{row})", MONEY, expect=cum["p"])
        formula = f"=G{row}-H{row}" if rep.sign == "forecast-budget" else f"=H{row}-G{row}"
        s.put(row, 9, formula, MONEY, expect=shown(cum["f"] - cum["p"], rep.sign))
    last = 1 + m.height
    tot = last + 1
    s.put(tot, 1, t["total"], bold=True, fill=TOTAL_FILL)
    for col, key in ((2, "actual"), (3, "expected"), (5, "budget")):
        letter = "BCE"[(2, 3, 5).index(col)]
        s.put(tot, col, f"=SUBTOTAL(109,{letter}2:{letter}{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=sum(kr[key]))
    s.put(tot, 4, f"=SUBTOTAL(109,D2:D{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=cum["f"])
    s.put(tot + 2, 1, t["months_note"]).font = Font(italic=True)
    bars = BarChart()
    bars.title = t["chart_month_bars"]
    bars.height, bars.width = 8, 16
    bars.add_data(Reference(s.ws, min_col=4, max_col=5, min_row=1, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(s.ws, min_col=1, min_row=2, max_row=last))
    bars.x_axis.delete = bars.y_axis.delete = False
    bars.y_axis.number_format = '#,##0'
    bars.legend.position = "b"
    s.ws.add_chart(bars, f"A{tot + 4}")
    line = LineChart()
    line.title = t["chart_cum_dev"]
    line.height, line.width = 8, 16
    line.add_data(Reference(s.ws, min_col=9, min_row=1, max_row=last), titles_from_data=True)
    line.set_categories(Reference(s.ws, min_col=1, min_row=2, max_row=last))
    line.legend = None
    s.ws.add_chart(_lines(line), f"F{tot + 4}")
    s.finish(rep, t, "1:1", "A2", {1: 10, 2: 14, 3: 14, 4: 14, 5: 14, 6: 14, 7: 14, 8: 14, 9: 14}, pages_high=1)


def trend(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    s = Sheet(wb.create_sheet(t["trend"]), expected)
    with_band = rep.history.get_column("p10").null_count() < rep.history.height
    s.header(1, [t["as_of"], t["budget"], t["forecast"], t["deviation"]]
             + ([t["p10"], t["p90"], t["dev_p10"], t["dev_p90"]] if with_band else []))
    minus = (lambda f, b: f"={f}-{b}") if rep.sign == "forecast-budget" else (lambda f, b: f"={b}-{f}")
    for i, r in enumerate(rep.history.sort("as_of").iter_rows(named=True)):
        row = 2 + i
        budget, forecast = whole_kroner(r["budget"]), whole_kroner(r["forecast"])
        s.put(row, 1, r["as_of"], date_format(rep.lang))
        s.put(row, 2, budget, MONEY)
        s.put(row, 3, forecast, MONEY)
        s.put(row, 4, minus(f"C{row}", f"B{row}"), MONEY, expect=shown(forecast - budget, rep.sign))
        if with_band and r["p10"] is not None:
            p10, p90 = whole_kroner(r["p10"]), whole_kroner(r["p90"])
            s.put(row, 5, p10, MONEY)
            s.put(row, 6, p90, MONEY)
            s.put(row, 7, minus(f"E{row}", f"B{row}"), MONEY, expect=shown(p10 - budget, rep.sign))
            s.put(row, 8, minus(f"F{row}", f"B{row}"), MONEY, expect=shown(p90 - budget, rep.sign))
    last = 1 + rep.history.height
    chart = LineChart()
    chart.title = t["chart_trend"]
    chart.height, chart.width = 9, 22
    chart.add_data(Reference(s.ws, min_col=4, min_row=1, max_row=last), titles_from_data=True)
    if with_band:
        chart.add_data(Reference(s.ws, min_col=7, max_col=8, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=2, max_row=last))
    chart.legend.position = "b"
    _lines(chart)
    for series in chart.series:     # one point per as-of date: early in the year a line has no length yet
        series.marker.symbol = "circle"
        series.marker.size = 5
    if with_band:       # the band in a lighter, dashed line than the deviation itself
        for series in chart.series[1:]:
            series.graphicalProperties.line.dashStyle = "dash"
            series.graphicalProperties.line.solidFill = "8EA9C8"
    s.ws.add_chart(chart, f"A{last + 3}")
    s.finish(rep, t, "1:1", "A2", {1: 12, 2: 14, 3: 16, 4: 14, 5: 14, 6: 14, 7: 14, 8: 14}, pages_high=1)
