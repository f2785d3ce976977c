"""The director's workbook sheet "Flerårsoverslag": the budget year and the years after it per
account, beside the budget, with P10–P90 and the citizens expected, and the action plan's
initiatives as an action plan shows them — initiative × year in million kroner, their total, and
the projection with all of them (projection.py, initiatives.py)."""

from __future__ import annotations

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment

from prognose.words.locale import shares, whole_kroner
from prognose.report.words import account_name
from prognose.report.xlsx import MONEY, TOTAL_FILL, Sheet

MILLIONS = '#,##0.0;-#,##0.0'
T = {
    "da": {"sheet": "Flerårsoverslag", "account": "Konto", "name": "Funktion", "total": "I alt", "budget": "Budget",
           "deviation": "Afvigelse fra budget", "p10": "P10", "p90": "P90", "citizens": "Borgere ved årets udgang",
           "initiative": "Initiativ, mio. kr.", "baseline": "Uden initiativer", "effects": "Initiativerne i alt",
           "with": "Med alle initiativer", "note": "Året {base} er månedsprognosen; de følgende år er den flyttet med det, "
                                                   "bevillingerne siger ændrer sig (kendte bevillinger, afgang, tilgang, priser)."},
    "en": {"sheet": "Years ahead", "account": "Account", "name": "Function", "total": "Total", "budget": "Budget",
           "deviation": "Deviation from budget", "p10": "P10", "p90": "P90", "citizens": "Citizens at the year's end",
           "initiative": "Initiative, DKK m", "baseline": "Without initiatives", "effects": "The initiatives together",
           "with": "With every initiative", "note": "The year {base} is the monthly forecast; the years after move it by what "
                                                    "the grants say changes (known grants, outflow, inflow, prices)."},
}


def years_sheet(wb: Workbook, rep, t: dict, expected: dict) -> None:
    """rep.projection: projection.Projection of the snapshot."""
    p, w = rep.projection, T[rep.lang]
    s = Sheet(wb.create_sheet(w["sheet"]), expected)
    s.header(1, [w["account"], w["name"], *[str(y) for y in p.years]])
    _right(s, 1, len(p.years))
    sums = p.cells.group_by("account", "year").agg(pl.col("ore").sum())
    accounts = sorted(sums.get_column("account").drop_nulls().unique().to_list())
    values = {y: dict(sums.filter(pl.col("year") == y).select("account", "ore").iter_rows()) for y in p.years}
    shown = {y: shares(values[y].get(a, 0) for a in accounts) for y in p.years}
    for i, a in enumerate(accounts, start=2):
        s.put(i, 1, a)
        s.put(i, 2, account_name(a, rep.lang))
        for c, y in enumerate(p.years, start=3):
            s.put(i, c, shown[y][i - 2], MONEY)
    total = len(accounts) + 2
    s.put(total, 1, w["total"], bold=True, fill=TOTAL_FILL)
    s.put(total, 2, "", fill=TOTAL_FILL)
    for c, y in enumerate(p.years, start=3):
        col = chr(ord("A") + c - 1)
        s.put(total, c, f"=SUBTOTAL(109,{col}2:{col}{total - 1})", MONEY, bold=True, fill=TOTAL_FILL, expect=sum(shown[y]))
    _below(s, p, w, total, rep.lang)
    s.put(total + 6, 1, w["note"].format(base=p.base_year))
    if p.effects:
        _initiatives(s, p, w, total + 7)
    # the function's name whole: the longest of the chart of accounts' names is some 60 characters
    name_width = max([44, *[len(account_name(a, rep.lang)) + 2 for a in accounts]])
    s.finish(rep, t, "1:1", "C2", {1: 13, 2: name_width, **{c: 15 for c in range(3, 3 + len(p.years))}})


def _right(s: Sheet, row: int, years: int) -> None:
    """The years' headers over their figures, as a column of numbers is headed."""
    for c in range(3, 3 + years):
        s.ws.cell(row, c).alignment = Alignment(horizontal="right", vertical="top", wrap_text=True)


def _below(s: Sheet, p, w: dict, total: int, lang: str) -> None:
    """Budget, deviation, P10, P90 and citizens under the total."""
    people = dict((r["year"], r["citizens"]) for r in p.citizens.filter(pl.col("paragraph").is_null()).iter_rows(named=True))
    for n, key in enumerate(("budget", "deviation", "p10", "p90", "citizens"), start=total + 1):
        s.put(n, 1, w[key])
    for c, y in enumerate(p.years, start=3):
        col = chr(ord("A") + c - 1)
        budget = p.budget.filter(pl.col("year") == y)
        if budget.height:
            b = whole_kroner(int(budget.get_column("ore").sum()))
            s.put(total + 1, c, b, MONEY)
            s.put(total + 2, c, f"={col}{total}-{col}{total + 1}", MONEY, expect=whole_kroner(p.total(y)) - b)
        if p.has_band(y):
            low, high = p.band(y)
            s.put(total + 3, c, whole_kroner(low), MONEY)
            s.put(total + 4, c, whole_kroner(high), MONEY)
        s.put(total + 5, c, round(people.get(y, 0.0)), "#,##0")


def _initiatives(s: Sheet, p, w: dict, top: int) -> None:
    """Initiative × year in million kroner: the projection without them, each one's effect, their
    total (a formula) and the projection with all of them."""
    s.header(top, [w["initiative"], "", *[str(y) for y in p.years]])
    _right(s, top, len(p.years))
    s.put(top + 1, 1, w["baseline"])
    for c, y in enumerate(p.years, start=3):
        s.put(top + 1, c, round(p.total(y) / 100_000_000, 1), MILLIONS)
    for n, (name, effects) in enumerate(p.effects, start=top + 2):
        s.put(n, 1, name)
        for c, y in enumerate(p.years, start=3):
            s.put(n, c, round(effects[y] / 100_000_000, 1), MILLIONS)
    last = top + 1 + len(p.effects)
    s.put(last + 1, 1, w["effects"], bold=True, fill=TOTAL_FILL)
    s.put(last + 2, 1, w["with"], bold=True)
    for c, y in enumerate(p.years, start=3):
        col = chr(ord("A") + c - 1)
        parts = [round(e[y] / 100_000_000, 1) for _, e in p.effects]
        s.put(last + 1, c, f"=SUM({col}{top + 2}:{col}{last})", MILLIONS, bold=True, fill=TOTAL_FILL, expect=round(sum(parts), 1))
        s.put(last + 2, c, f"={col}{top + 1}+{col}{last + 1}", MILLIONS, bold=True,
              expect=round(round(p.total(y) / 100_000_000, 1) + sum(parts), 1))
