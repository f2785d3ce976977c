"""`prognose refusion`: the refund of expensive single cases, its thresholds and the citizens at or
near them (pseudonyms only) — as data (document), and as a table, CSV or JSON."""

from __future__ import annotations


import polars as pl

from prognose.report.csv_out import CsvTable
from rich.table import Table

from prognose.words.locale import kroner
from prognose.report.words import label
from prognose.report import terminal
from prognose.refusion import Refusion, next_threshold
from prognose.report.json_out import dkk

NEAR = 0.9   # citizens from 90 % of the first threshold up are shown: those a decision may move across it
SETTLEMENT = {"quarterly": ("aconto i løbet af året, efterregulering efter året", "on account during the year, settled after it"),
              "after_year": ("én afregning efter året (supplementsperioden)", "one settlement after the year (supplementary period)")}
SOURCE = {"configured": ("prognose.toml", "prognose.toml"), "learned": ("lært af den bogførte refusion", "learned from the refunds booked"),
          "default": ("standard (ingen bogført refusion at lære af)", "default (no booked refund to learn from)")}


def shown(rf: Refusion) -> pl.DataFrame:
    """The citizens at or near a threshold, largest cost first, with how far each is from the next."""
    return next_threshold(rf.citizens.filter(pl.col("cost") >= NEAR * rf.thresholds[0]), rf.thresholds)


def document(rec, style) -> dict:
    return refund_document(rec.refusion, rec.as_of) if rec.refusion is not None else {"refusion": None}


def csv(rec, style) -> CsvTable:
    return table_csv(rec.refusion) if rec.refusion is not None else CsvTable(pl.DataFrame())


def refund_document(rf: Refusion, as_of) -> dict:
    """The report as data; refunds as positive amounts (DKK, 2 decimals)."""
    learned = rf.learned
    return {
        "year": rf.year, "as_of": as_of.isoformat(),
        "thresholds": {"first": dkk(rf.thresholds[0]), "second": dkk(rf.thresholds[1]), "source": rf.source,
                       "shares": list(rf.shares)},
        "settlement": learned.settlement,
        "learned": {"years": {str(y): {"factor": round(f, 4), "booked": dkk(learned.booked.get(y, 0))}
                              for y, f in sorted(learned.years.items())},
                    "profile": {str(m): round(s, 4) for m, s in sorted(learned.profile.items())}, "cv": round(learned.cv, 4)},
        "total": {"refund": dkk(rf.refund), "booked": dkk(rf.booked_total), "ahead": dkk(rf.ahead)},
        "citizens": [{"citizen": r["citizen_id"], "account": r["account"], "cost": dkk(r["cost"]), "refund": dkk(r["refund"]),
                      "band": r["band"], "to_next": dkk(r["to_next"])} for r in shown(rf).iter_rows(named=True)],
    }


# the sentences of the report, filled in by sentences()
TEXT = {
    "da": ("Tærskler {year}: {t1} kr. ({s1}) og {t2} kr. ({s2}) — {origin}.", "Afregning: {settlement}.",
           "Refusion for året beregnet til {refund} kr. mod bogført {booked} kr. (forskel {diff} kr.).",
           "Refusion for året: {refund} kr., heraf bogført {booked} kr.; endnu ikke bogført {ahead} kr."),
    "en": ("Thresholds {year}: DKK {t1} ({s1}) and DKK {t2} ({s2}) — {origin}.", "Settlement: {settlement}.",
           "Refund for the year computed at DKK {refund} against DKK {booked} booked (difference DKK {diff}).",
           "Refund for the year: DKK {refund}, of which booked DKK {booked}; still to come DKK {ahead}."),
}


def share(value: float, lang: str) -> str:
    text = f"{value * 100:g} %"
    return text.replace(".", ",") if lang == "da" else text


def sentences(rf: Refusion, lang: str, as_of=None) -> list[str]:
    """The thresholds and where they came from, the settlement, and the year's refund — against what
    was booked once the year's supplementary period is over, else what is still to come."""
    i = 0 if lang == "da" else 1
    origin = SOURCE[rf.source][i] + (f" for {max(rf.learned.years)}" if rf.source == "learned" else "")
    closed = as_of is not None and as_of.year > rf.year + (as_of.month <= 2)
    head, settled, then, now = TEXT[lang]
    values = {"year": rf.year, "t1": kroner(rf.thresholds[0], lang), "t2": kroner(rf.thresholds[1], lang),
              "s1": share(rf.shares[0], lang), "s2": share(rf.shares[1], lang), "origin": origin,
              "settlement": SETTLEMENT[rf.learned.settlement][i], "refund": kroner(rf.refund, lang),
              "booked": kroner(rf.booked_total, lang), "ahead": kroner(rf.ahead, lang), "diff": kroner(-rf.ahead, lang)}
    return [head.format(**values), settled.format(**values), (then if closed else now).format(**values)]


HEADERS = {"citizen_id": ("Borger (pseudonym)", "Citizen (pseudonym)"), "account": ("Konto", "Account"),
           "cost": ("Udgift i året", "Cost in the year"), "refund": ("Refusion", "Refund"),
           "to_next": ("Til næste tærskel", "To the next threshold")}


def table(rf: Refusion, lang: str) -> Table:
    i = 0 if lang == "da" else 1
    t = terminal.new_table()
    for key, names in HEADERS.items():
        t.add_column(names[i], justify="left" if key in ("citizen_id", "account") else "right")
    for r in shown(rf).iter_rows(named=True):
        t.add_row(r["citizen_id"], r["account"], kroner(r["cost"], lang), kroner(r["refund"], lang),
                  "" if r["to_next"] is None else kroner(r["to_next"], lang))
    return t


def table_csv(rf: Refusion) -> CsvTable:
    out = shown(rf).select("citizen_id", "account", *[(pl.col(c) / 100).round(2).alias(c) for c in ("cost", "refund", "to_next")],
                           "band")
    return CsvTable(out)


def text(rec, style) -> str | terminal.Doc:
    """The year's refund in sentences, and the citizens near a threshold."""
    rf, as_of, lang = rec.refusion, rec.as_of, style.lang
    if rf is None:
        return label(lang, "refusion.none") + "\n"
    con = terminal.Doc()
    con.print(f"[bold]{label(lang, 'refusion')} {rf.year}[/]")
    for line in sentences(rf, lang, as_of):
        con.print(line)
    con.print(table(rf, lang))
    return con
