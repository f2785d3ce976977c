"""The director's workbook sheet on the refund of expensive single cases: the thresholds and how
they were found, the year's refund, what is booked and still to come, and how many citizens are
between and above the thresholds. Citizens (pseudonyms) only with `report --with-citizens`."""

from __future__ import annotations

from openpyxl import Workbook

from prognose.report.refusion_report import SETTLEMENT, SOURCE, share
from prognose.report.xlsx import MONEY, TOTAL_FILL, Sheet

T = {
    "da": {"sheet": "Refusion", "what": "Refusion af særligt dyre enkeltsager", "amount": "Beløb, kr.", "first": "Første tærskel ({})",
           "second": "Anden tærskel ({})", "source": "Tærsklerne er", "settlement": "Afregning", "refund": "Refusion for året",
           "booked": "Heraf bogført", "ahead": "Endnu ikke bogført", "between": "Borgere mellem tærsklerne",
           "above": "Borgere over anden tærskel", "citizen": "Borger (pseudonym)", "account": "Konto", "cost": "Udgift i året",
           "to_next": "Til næste tærskel", "learned_from": "lært af refusionen bogført for", "refund_short": "Refusion"},
    "en": {"sheet": "Refund", "what": "Refund of expensive single cases", "amount": "Amount, DKK", "first": "First threshold ({})",
           "second": "Second threshold ({})", "source": "The thresholds are", "settlement": "Settlement", "refund": "Refund for the year",
           "booked": "Of which booked", "ahead": "Still to come", "between": "Citizens between the thresholds",
           "above": "Citizens above the second threshold", "citizen": "Citizen (pseudonym)", "account": "Account",
           "cost": "Cost in the year", "to_next": "To the next threshold", "learned_from": "learned from the refund booked for",
           "refund_short": "Refund"},
}


def refusion_sheet(wb: Workbook, rep, t: dict, expected: dict) -> None:
    """rep.refusion: refusion_report.refund_document as kept in the snapshot."""
    doc, r = rep.refusion, T[rep.lang]
    i = 0 if rep.lang == "da" else 1
    s = Sheet(wb.create_sheet(r["sheet"]), expected)
    s.header(1, [r["what"], r["amount"]])
    source = SOURCE[doc["thresholds"]["source"]][i]
    if doc["thresholds"]["source"] == "learned" and doc["learned"]["years"]:
        source = f"{r['learned_from']} {max(doc['learned']['years'])}"
    bands = [c["band"] for c in doc["citizens"]]
    shares = doc["thresholds"].get("shares", [0.25, 0.5])
    rows = [(r["first"].format(share(shares[0], rep.lang)), doc["thresholds"]["first"], MONEY),
            (r["second"].format(share(shares[1], rep.lang)), doc["thresholds"]["second"], MONEY),
            (r["source"], source, None), (r["settlement"], SETTLEMENT[doc["settlement"]][i], None),
            (r["booked"], doc["total"]["booked"], MONEY), (r["ahead"], doc["total"]["ahead"], MONEY)]
    for n, (key, value, fmt) in enumerate(rows, start=2):
        s.put(n, 1, key)
        s.put(n, 2, value, fmt)
    s.put(8, 1, r["refund"], bold=True, fill=TOTAL_FILL)
    s.put(8, 2, "=B6+B7", MONEY, bold=True, fill=TOTAL_FILL, expect=round(doc["total"]["booked"] + doc["total"]["ahead"], 2))
    s.put(10, 1, r["between"])
    s.put(10, 2, bands.count(1), "#,##0")
    s.put(11, 1, r["above"])
    s.put(11, 2, bands.count(2), "#,##0")
    if rep.citizens:   # --with-citizens
        s.header(13, [r["citizen"], r["account"], r["cost"], r["refund_short"], r["to_next"]])
        for n, c in enumerate(doc["citizens"], start=14):
            for col, key in enumerate(("citizen", "account", "cost", "refund", "to_next"), start=1):
                s.put(n, col, c[key], MONEY if key in ("cost", "refund", "to_next") else None)
    # the citizens' list runs over pages: its header row on each of them
    s.finish(rep, t, "13:13" if rep.citizens else None, "A2", {1: 36, 2: 44, 3: 16, 4: 14, 5: 18})
