"""The workbook's first sheet: where the year lands, how sure, and why.

Top to bottom: the year in sentences; the key figures with the P10–P90 range; what drives the
deviation (the largest paragraphs, and booked so far against expected still to come) beside a bar
chart of the deviation per paragraph; then the tables per paragraph and per account, and the parts
of what is not yet booked. Only an overspend past display.highlight_percent is coloured.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from prognose.words.locale import date_text, number, shares, whole_kroner
from prognose.report import figures
from prognose.report.words import component, month_name
from prognose.report.director import Report
from prognose.report.terminal import group_name
from prognose.report.xlsx import MONEY, OVER_FILL, PCT, TOTAL_FILL, Sheet

RED = "9C0006"


def shown(dev: int, sign: str) -> int:
    """A deviation (forecast − budget) as the display convention shows it."""
    return dev if sign == "forecast-budget" else -dev


def figures_table(s: Sheet, rep: Report, t: dict, top: int, rows: list[tuple], key_labels: list[str]) -> int:
    """Budget/booked/forecast/deviation from row `top` (the header); returns the total row. The
    amounts are whole kroner as every output shows them (report/figures.py), so the rows a reader
    sees add up to the total under them, as in the terminal."""
    n_keys = len(key_labels)
    s.header(top, key_labels + [t["budget"], t["booked"], t["forecast"], t["deviation"], t["pct"]])
    col = {k: n_keys + i for i, k in enumerate(("budget", "booked", "forecast", "deviation", "pct"), start=1)}
    L = {k: get_column_letter(v) for k, v in col.items()}
    kr = {k: shares(r[1 + i] for r in rows) for i, k in enumerate(("budget", "booked", "forecast"))}
    minus = (L["forecast"], L["budget"]) if rep.sign == "forecast-budget" else (L["budget"], L["forecast"])
    first = top + 1
    for i, (keys, budget, _booked, forecast) in enumerate(rows):
        r = first + i
        mark = rep.marked(budget, forecast - budget)
        for j, k in enumerate(keys, start=1):
            s.put(r, j, k, fill=OVER_FILL if mark else None)
        for k in ("budget", "booked", "forecast"):
            s.put(r, col[k], kr[k][i], MONEY)
        dev = shown(kr["forecast"][i] - kr["budget"][i], rep.sign)
        c = s.put(r, col["deviation"], f"={minus[0]}{r}-{minus[1]}{r}", MONEY, fill=OVER_FILL if mark else None, expect=dev)
        c.font = Font(bold=mark, color=RED if mark else None)
        s.put(r, col["pct"], f'=IF({L["budget"]}{r}=0,"",{L["deviation"]}{r}/{L["budget"]}{r})', PCT,
              expect=(dev / kr["budget"][i] if kr["budget"][i] else ""))
    last = first + len(rows) - 1
    tot = last + 1
    s.put(tot, 1, t["total"], bold=True, fill=TOTAL_FILL)
    for j in range(2, n_keys + 1):
        s.put(tot, j, None, fill=TOTAL_FILL)
    sums = {k: sum(kr[k]) for k in kr}
    for k in kr:
        s.put(tot, col[k], f"=SUBTOTAL(109,{L[k]}{first}:{L[k]}{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=sums[k])
    dev = shown(sums["forecast"] - sums["budget"], rep.sign)
    s.put(tot, col["deviation"], f"={minus[0]}{tot}-{minus[1]}{tot}", MONEY, bold=True, fill=TOTAL_FILL, expect=dev)
    s.put(tot, col["pct"], f'=IF({L["budget"]}{tot}=0,"",{L["deviation"]}{tot}/{L["budget"]}{tot})', PCT, bold=True,
          fill=TOTAL_FILL, expect=(dev / sums["budget"] if sums["budget"] else ""))
    return tot


def _key_figures(s: Sheet, rep: Report, t: dict, top: int) -> int:
    """The year in five figures; returns the next free row."""
    tot = rep.total
    s.header(top, [t["key_figures"], "", t["amount"]], wrap=False)
    rows = [(t["budget"], whole_kroner(tot["budget"]), MONEY), (t["forecast"], whole_kroner(tot["forecast"]), MONEY)]
    for i, (name, value, fmt) in enumerate(rows, start=1):
        s.put(top + i, 1, name)
        s.put(top + i, 3, value, fmt)
    r = top + len(rows) + 1
    dev = shown(whole_kroner(tot["forecast"]) - whole_kroner(tot["budget"]), rep.sign)
    s.put(r, 1, t["deviation"], bold=True)
    minus = (f"C{top + 2}", f"C{top + 1}") if rep.sign == "forecast-budget" else (f"C{top + 1}", f"C{top + 2}")
    c = s.put(r, 3, f"={minus[0]}-{minus[1]}", MONEY, bold=True, expect=dev)
    mark = rep.marked(tot["budget"], tot["deviation"])
    c.font = Font(bold=True, color=RED if mark else None)
    s.put(r, 4, f"=IF(C{top + 1}=0,\"\",C{r}/C{top + 1})", PCT, expect=dev / whole_kroner(tot["budget"]) if tot["budget"] else "")
    r += 1
    if rep.interval is not None:
        s.put(r, 1, t["range"])
        s.put(r, 3, whole_kroner(rep.interval["p10"]), MONEY)
        s.put(r, 4, whole_kroner(rep.interval["p90"]), MONEY)
        r += 1
    s.put(r, 1, t["booked_share"])
    s.put(r, 3, whole_kroner(tot["actual_to_date"]), MONEY)
    s.put(r, 4, f"=IF(C{top + 2}=0,\"\",C{r}/C{top + 2})", PCT,
          expect=whole_kroner(tot["actual_to_date"]) / whole_kroner(tot["forecast"]) if tot["forecast"] else "")
    return r + 2


def _drivers(s: Sheet, rep: Report, t: dict, top: int) -> int:
    """The paragraphs behind the deviation, and how much of it is booked and how much still to
    come; returns the next free row."""
    s.header(top, [t["drivers"], "", t["deviation"], t["share_of_dev"]], wrap=False)
    r = top + 1
    s.put(r, 1, t["by_paragraph"]).font = Font(italic=True)
    as_table = dict(figures.whole(rep.paragraphs).select("paragraph", "deviation").iter_rows())
    for d in rep.drivers():
        r += 1
        s.put(r, 1, group_name(rep.lang, "paragraph", d["paragraph"]))
        s.put(r, 2, d["name"])
        s.put(r, 3, shown(as_table[d["paragraph"]], rep.sign), MONEY)     # as the paragraph's row shows it
        s.put(r, 4, d["share"], PCT)
    r += 1
    s.put(r, 1, t["by_time"]).font = Font(italic=True)
    to_date, ahead = rep.timing()
    month, lang = rep.as_of.month, rep.lang
    parts = [(span(t, "to_date", 1, month, lang), to_date)]
    if month < 12:
        parts.append((span(t, "ahead", month + 1, 12, lang), ahead))
    dev = rep.total["deviation"]
    for (text, amount), kr in zip(parts, shares((a for _, a in parts), to=figures.totals(rep.accounts)["deviation"])):
        r += 1
        s.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        s.put(r, 1, text)
        s.put(r, 3, shown(kr, rep.sign), MONEY)
        s.put(r, 4, amount / dev if dev else 0.0, PCT)
    return r + 2


def _deviation_chart(s: Sheet, t: dict, header: int, total: int, anchor: str) -> None:
    """Bars of the deviation per paragraph (the rows of the paragraph table above `total`)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = t["chart_paragraphs"]
    chart.height, chart.width = 8.5, 13
    chart.legend = None
    chart.add_data(Reference(s.ws, min_col=6, min_row=header, max_row=total - 1), titles_from_data=True)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=header + 1, max_row=total - 1))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.number_format = '#,##0'
    chart.x_axis.scaling.orientation = "maxMin"     # the law's order from the top, as in the table
    chart.x_axis.tickLblPos = "low"
    s.ws.add_chart(chart, anchor)


def span(t: dict, key: str, first: int, last: int, lang: str) -> str:
    """'januar–oktober', or one month alone ('i december', never 'december–december')."""
    if first == last:
        return t[f"{key}_one"].format(a=month_name(first, lang))
    return t[key].format(a=month_name(first, lang), b=month_name(last, lang))


def overview(wb: Workbook, rep: Report, t: dict, expected: dict) -> None:
    ws = wb.active
    ws.title = t["overview"]
    s = Sheet(ws, expected)
    s.put(1, 1, t["title"].format(year=rep.year)).font = Font(bold=True, size=14)
    lines = rep.sentences[:2] + ([" ".join(rep.sentences[2:])] if len(rep.sentences) > 2 else [])
    for i, sentence in enumerate(lines):
        ws.merge_cells(start_row=2 + i, start_column=1, end_row=2 + i, end_column=7)
        c = s.put(2 + i, 1, sentence)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[2 + i].height = 15 * (1 + len(sentence) // 150)
    s.put(5, 1, t["asof"].format(d=date_text(rep.as_of, rep.lang), s=rep.snapshot) + " · " + t[f"sign_{rep.sign}"]).font = Font(italic=True)
    top = _key_figures(s, rep, t, 7)
    top = _drivers(s, rep, t, top)
    prow = [((group_name(rep.lang, "paragraph", r["paragraph"]), r["name"]), r["budget"], r["actual_to_date"], r["forecast"]) for r in rep.paragraphs.iter_rows(named=True)]
    if prow:
        ptot = figures_table(s, rep, t, top, prow, [t["paragraph"], t["name"]])
        _deviation_chart(s, t, top, ptot, "E7")
        top = ptot + 1
    s.put(top, 1, t["marked"].format(p=number(rep.highlight, rep.lang, 1 if rep.highlight % 1 else 0))).font = Font(italic=True)
    top += 2
    ws.row_breaks.append(Break(id=top - 1))     # the accounts and the parts start the second page
    rows = [((group_name(rep.lang, "account", r["account"]), r["name"]), r["budget"], r["actual_to_date"], r["forecast"]) for r in rep.accounts.iter_rows(named=True)]
    top = figures_table(s, rep, t, top, rows, [t["account"], t["area"]]) + 2
    s.header(top, [t["components"], "", t["amount"]], wrap=False)
    kr = [v for _, v in rep.shown_components()]
    for i, ((k, _), v) in enumerate(zip(rep.components, kr), start=1):
        s.put(top + i, 1, component(rep.lang, k))
        s.put(top + i, 3, v, MONEY)
    last = top + len(rep.components)
    s.put(last + 1, 1, t["total"], bold=True, fill=TOTAL_FILL)
    s.put(last + 1, 3, f"=SUBTOTAL(109,C{top + 1}:C{last})", MONEY, bold=True, fill=TOTAL_FILL, expect=sum(kr))
    s.finish(rep, t, None, None, {1: 16, 2: 46, 3: 15, 4: 15, 5: 15, 6: 14, 7: 11})
