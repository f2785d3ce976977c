"""The director's workbook sheet on activity: per paragraph and year, citizens at the year's end,
inflow and outflow, full-year persons, cost and price per full-year person (the budget year as the
forecast expects it), and a chart of full-year persons and price per full-year person over the years."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment

from prognose.activity import REASONS
from prognose.report.json_out import dkk
from prognose.report.xlsx import HEAD_FILL, MONEY, Sheet
from prognose.paragraphs import natural_order

T = {
    "da": {"sheet": "Aktivitet", "key": "Paragraf", "year": "År", "end": "Borgere ultimo", "inflow": "Tilgang",
           "outflow": "Afgang", "fyp": "Helårspersoner", "cost": "Udgift, kr.", "per": "Pr. helårsperson, kr.",
           "note": "Udgiften er bevillingernes udgift efter handleplanen (ikke det bogførte). {year} er forventet: kendte "
                   "bevillinger og buffernes forventede borgere.",
           "chart": "Alle paragraffer", "total": "I alt"},
    "en": {"sheet": "Activity", "key": "Paragraph", "year": "Year", "end": "Citizens at year end", "inflow": "Inflow",
           "outflow": "Outflow", "fyp": "Full-year persons", "cost": "Cost, DKK", "per": "Per full-year person, DKK",
           "note": "Cost is what the grants cost by their action plans (not what was booked). {year} is expected: known "
                   "grants and the citizens the buffers expect.",
           "chart": "All paragraphs", "total": "Total"},
}
COUNT = "#,##0"
PERSONS = "#,##0.0"


def activity_sheet(wb: Workbook, rep, t: dict, expected: dict) -> None:
    """rep.activity: an activity.Activity by paragraph."""
    act, r = rep.activity, T[rep.lang]
    s = Sheet(wb.create_sheet(r["sheet"]), expected)
    s.header(1, [r["key"], r["year"], r["end"], r["inflow"], r["outflow"], r["fyp"], r["cost"], r["per"]])
    row, written = 2, {}
    for y in act.years.sort([*natural_order("key"), "year"], nulls_last=True).iter_rows(named=True):
        out = sum(y[f"outflow_{reason}"] for reason in REASONS)
        values = [(y["key"] or "", None), (y["year"], "0"), (round(y["citizens_end"], 1), COUNT), (round(y["inflow"], 1), COUNT),
                  (round(out, 1), COUNT), (y["full_year_persons"], PERSONS), (dkk(y["cost"]), MONEY)]
        for col, (value, fmt) in enumerate(values, start=1):
            s.put(row, col, value, fmt)
        fyp, cost = values[5][0], values[6][0]
        n, c = written.get(y["year"], (0.0, 0.0))
        written[y["year"]] = (n + fyp, c + cost)
        # divided by the full-year persons themselves (shown to a tenth), as `activity` divides
        s.put(row, 8, f"=IF(F{row}>0,G{row}/F{row},\"\")", MONEY, expect=round(cost / fyp, 2) if fyp > 0 else "")
        row += 1
    last = row - 1
    # the totals per year, to the right, above the chart that draws them
    top, c0 = 1, 10
    for i, text in enumerate([r["year"], r["fyp"], r["per"]]):
        s.put(top, c0 + i, text, bold=True, fill=HEAD_FILL).alignment = Alignment(wrap_text=True, vertical="top")
    for i, (year, (fyp, cost)) in enumerate(sorted(written.items()), start=1):
        at = top + i
        s.put(at, c0, year, "0")
        s.put(at, c0 + 1, f"=SUMIFS(F2:F{last},B2:B{last},J{at})", PERSONS, expect=fyp)
        s.put(at, c0 + 2, f"=IF(K{at}>0,SUMIFS(G2:G{last},B2:B{last},J{at})/K{at},0)", MONEY,
              expect=round(cost / fyp, 2) if fyp > 0 else 0)
    end = top + len(written)
    bar = BarChart()
    bar.title = r["chart"]
    bar.height, bar.width = 8, 16
    bar.add_data(Reference(s.ws, min_col=c0 + 1, min_row=top, max_row=end), titles_from_data=True)
    bar.set_categories(Reference(s.ws, min_col=c0, min_row=top + 1, max_row=end))
    bar.x_axis.delete = bar.y_axis.delete = False
    line = LineChart()
    line.add_data(Reference(s.ws, min_col=c0 + 2, min_row=top, max_row=end), titles_from_data=True)
    line.series[0].smooth = False
    line.y_axis.axId = 200
    line.y_axis.crosses = "max"
    line.y_axis.delete = False
    line.y_axis.number_format = '#,##0'
    # both axes from zero: a truncated axis makes a 1 % change in the price look like a collapse
    bar.y_axis.scaling.min = line.y_axis.scaling.min = 0
    bar += line
    s.ws.row_dimensions[1].height = 45   # the wrapped headers, up to three lines
    s.ws.add_chart(bar, f"J{end + 2}")
    s.put(last + 2, 1, r["note"].format(year=act.year))
    s.finish(rep, t, "1:1", "A2", {1: 12, 2: 7, 3: 10, 8: 16, 9: 3, 10: 7, 11: 16, 12: 16}, pages_high=1)
