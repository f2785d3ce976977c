"""`prognose whatif`: a proposed grant's cost this year and each year ahead, and its citizen's refund
of expensive single cases — as data (document) and as a table or JSON (CSV: the years)."""

from __future__ import annotations

import polars as pl

from prognose.words.locale import kroner
from prognose.report import terminal
from prognose.report.csv_out import CsvTable
from prognose.report.json_out import dkk
from prognose.whatif import Outcome

UNIT_DA = {"year": "år", "month": "måned", "week": "uge", "day": "dag", "hour": "time"}
WORDS = {
    "da": {"title": "Forslag: {paragraph}, {rate} kr. pr. {unit} × {quantity}, fra {start}", "year": "År",
           "cost": "Udgift som bevilget", "expected": "Forventet udgift", "refund": "Refusion for særligt dyre enkeltsager {year}, {citizen}",
           "before": "Før", "after": "Med forslaget", "citizen_cost": "Borgerens udgift i året", "citizen_refund": "Refusion",
           "change": "Refusionen ændres med {change} kr.; udgiften netto med {net} kr. i {year}.",
           "unknown": "Borgeren {citizen} har ingen bevillinger i udtrækket: refusionen er regnet fra 0 kr.",
           "expected_note": "Forventet: som bevilget, men med den sandsynlighed for ophør, paragraffens bevillinger har haft."},
    "en": {"title": "Proposal: {paragraph}, DKK {rate} per {unit} × {quantity}, from {start}", "year": "Year",
           "cost": "Cost as decided", "expected": "Expected cost", "refund": "Refund of expensive single cases {year}, {citizen}",
           "before": "Before", "after": "With the proposal", "citizen_cost": "The citizen's cost in the year",
           "citizen_refund": "Refund", "change": "The refund changes by DKK {change}; the net cost by DKK {net} in {year}.",
           "unknown": "Citizen {citizen} has no grants in the extract: the refund is computed from DKK 0.",
           "expected_note": "Expected: as decided, but with the chance of ending the paragraph's grants have shown."},
}


def document(rec, style) -> dict:
    return outcome_document(rec.outcome)


def outcome_document(o: Outcome) -> dict:
    p = o.proposal
    return {"proposal": {"paragraph": p.paragraph, "account": o.account, "unit": p.unit, "rate": p.rate, "quantity": p.quantity,
                         "start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None, "citizen": p.citizen},
            "years": [{"year": r["year"], "cost": dkk(r["cost"]), "expected": dkk(r["expected"])} for r in o.years.iter_rows(named=True)],
            "refund": None if o.refund is None else {k: (dkk(v) if k.startswith(("cost", "refund")) else v) for k, v in o.refund.items()},
            "known_citizen": o.known_citizen}


def csv(rec, style) -> CsvTable:
    o = rec.outcome
    return CsvTable(o.years.select("year", (pl.col("cost") / 100).round(2), (pl.col("expected") / 100).round(2)))


def text(rec, style) -> terminal.Doc:
    """The proposal's cost per year and what is expected of it, and its citizen's refund before and after."""
    o, lang = rec.outcome, style.lang
    w, p = WORDS[lang], o.proposal
    con = terminal.Doc()
    start = p.start.strftime("%d.%m.%Y") if lang == "da" else p.start.isoformat()
    unit = UNIT_DA.get(p.unit, p.unit) if lang == "da" else p.unit
    con.print(w["title"].format(paragraph=p.paragraph, rate=kroner(int(round(p.rate * 100)), lang), unit=unit,
                                quantity=f"{p.quantity:g}", start=start))
    t = terminal.new_table()
    for h, j in ((w["year"], "left"), (w["cost"], "right"), (w["expected"], "right")):
        t.add_column(h, justify=j)
    for r in o.years.iter_rows(named=True):
        t.add_row(str(r["year"]), kroner(r["cost"], lang), kroner(r["expected"], lang))
    con.print(t)
    con.print(w["expected_note"])
    if o.refund is not None:
        r = o.refund
        con.print("")
        con.print(w["refund"].format(year=r["year"], citizen=p.citizen))
        rt = terminal.new_table()
        for h in ("", w["before"], w["after"]):
            rt.add_column(h, justify="right" if h else "left")
        rt.add_row(w["citizen_cost"], kroner(r["cost_before"], lang), kroner(r["cost_after"], lang))
        rt.add_row(w["citizen_refund"], kroner(r["refund_before"], lang), kroner(r["refund_after"], lang))
        con.print(rt)
        change = r["refund_after"] - r["refund_before"]
        con.print(w["change"].format(change=kroner(change, lang), net=kroner(r["cost_after"] - r["cost_before"] - change, lang),
                                     year=r["year"]))
    if o.known_citizen is False:
        con.print(w["unknown"].format(citizen=p.citizen))
    return con
