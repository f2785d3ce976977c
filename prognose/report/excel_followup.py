"""The director's workbook sheet on the month's follow-up with the caseworkers: per team the
caseworkers, the grants, this year's forecast of their grants, the open items by kind and the
kroner the other answers would move — counts and kroner only, no citizens (`prognose followup`
has the items)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from prognose.followup import KINDS
from prognose.report.words import label, locale
from prognose.report.xlsx import MONEY, TOTAL_FILL, Sheet
from prognose.words.locale import shares


def followup_sheet(wb: Workbook, rep, t: dict, expected: dict) -> None:
    """rep.followup: commands.followup.per_team of the snapshot."""
    lang, frame = rep.lang, rep.followup
    s = Sheet(wb.create_sheet(label(lang, "followup.sheet")), expected)
    s.put(1, 1, locale(lang).text("followup.title", as_of=rep.as_of), bold=True)
    heads = ["team", "caseworkers", "grants", "forecast", "open_items", "open_amount"]
    s.header(2, [label(lang, f"followup.col.{h}") for h in heads] + [label(lang, f"followup.kind.{k}") for k in KINDS])
    columns = heads[1:] + list(KINDS)
    whole = {c: shares(frame.get_column(c).to_list()) for c in ("forecast", "open_amount")}
    rows = frame.to_dicts()
    for i, r in enumerate(rows):
        s.put(3 + i, 1, r["team"])
        for col, c in enumerate(columns, start=2):
            s.put(3 + i, col, whole[c][i] if c in whole else r[c], MONEY if c in whole else None)
    last, total = 2 + len(rows), 3 + len(rows)
    s.put(total, 1, label(lang, "total"), bold=True, fill=TOTAL_FILL)
    for col, c in enumerate(columns, start=2):
        if c == "caseworkers":
            continue          # a caseworker may work in two teams: the teams' counts do not add up
        letter = get_column_letter(col)
        value = sum(whole[c]) if c in whole else sum(r[c] for r in rows)
        s.put(total, col, f"=SUBTOTAL(109,{letter}3:{letter}{last})" if rows else "=0",
              MONEY if c in whole else None, bold=True, fill=TOTAL_FILL, expect=value)
    s.finish(rep, t, "2:2", "B3", {1: 14})
