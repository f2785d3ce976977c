"""`prognose run -o FILE.xlsx`: the run's table as a workbook with a SUM row, for the controller who
goes on in Excel (the director's report is `prognose report`). Figures in whole kroner as every
output shows them (report/figures.py), so the rows add up to the total under them and each is the
krone the terminal and the director's workbook show."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment

from prognose.words.locale import date_text
from prognose.report.words import account_name, label, paragraph_name
from prognose.report import figures
from prognose.report.xlsx import BOLD, HEAD_FILL, MONEY, MONTH, TOTAL_FILL
from prognose.report.terminal import group_name
from prognose.views import by as by_view

NAMED = {"paragraph": paragraph_name, "account": account_name}


def workbook(result, key: str = "account", monthly: bool = False, lang: str = "da") -> Workbook:
    fc = result.forecast
    wb = Workbook()
    ws = wb.active
    ws.title = ("Måneder" if lang == "da" else "Months") if monthly else ("Forventet regnskab" if lang == "da" else "Forecast")
    ws.append([label(lang, "title").format(year=fc.year, as_of=date_text(fc.as_of, lang))])
    ws["A1"].font = BOLD
    if monthly:
        table = figures.monthly(fc, None)
        head = [label(lang, "month"), label(lang, "actual"), label(lang, "expected"), label(lang, "forecast")]
        keys = 1
        rows = [[r["month"], r["actual"], r["expected"], r["forecast"]] for r in table.iter_rows(named=True)]
    else:
        table = figures.whole(by_view(fc, key))
        # per provider type there is no budget to hold the forecast against (as in the terminal table)
        money = ("actual_to_date", "forecast") if key == "provider_type" else ("budget", "actual_to_date", "forecast", "deviation")
        names = NAMED.get(key)
        keys = 2 if names else 1
        head = [label(lang, key), *([""] if names else []), *[label(lang, c) for c in money]]
        rows = [[group_name(lang, key, r[key]), *([names(r[key], lang)] if names else []), *[r[c] for c in money]]
                for r in table.iter_rows(named=True)]
    ws.append([])
    ws.append(head)
    for cell in ws[3]:
        cell.font, cell.fill, cell.alignment = BOLD, HEAD_FILL, Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    first, last = 4, 3 + len(rows)
    total = ws.max_row + 1
    ws.cell(total, 1, label(lang, "total")).font = BOLD
    money_cols = range(keys + 1, len(head) + 1)
    for col in money_cols:
        letter = ws.cell(3, col).column_letter
        ws.cell(total, col, f"=SUM({letter}{first}:{letter}{last})")
    for r in range(first, total + 1):
        for col in money_cols:
            ws.cell(r, col).number_format = MONEY
        if monthly and r < total:
            ws.cell(r, 1).number_format = MONTH
    for col in range(1, len(head) + 1):
        ws.cell(total, col).fill = TOTAL_FILL
        ws.column_dimensions[ws.cell(3, col).column_letter].width = 16 if col in money_cols else (22 if col == 1 else 44)
    ws.freeze_panes = "A4"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    return wb
