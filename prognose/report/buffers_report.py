"""`prognose buffers`: each buffer's sentence, parameters, months ahead and (lists) its people."""

from __future__ import annotations

import polars as pl

from prognose.report.csv_out import CsvTable
from rich.table import Table

from prognose.words.locale import amount_text, kroner, value_text
from prognose.report.words import both, label, param_name, source_name, text as text_of
from prognose.report import terminal
from prognose.report.json_out import dkk

STATUS_DA = {"pending": "afventer", "overdue": "forsinket", "arrived": "har fået bevilling", "dropped": "udeladt",
             "has STU grant": "har STU-bevilling", "follow-on granted": "efterfølgende tilbud bevilget",
             "start": "start", "end": "slut"}
PEOPLE_HEADERS = {  # column → (da, en) for the lists' people
    "citizen_id": ("Borger (pseudonym)", "Citizen (pseudonym)"), "expected_start": ("Forventet start", "Expected start"),
    "event": ("Hændelse", "Event"), "date": ("Dato", "Date"), "paragraph": ("Paragraf", "Paragraph"),
    "listed_probability": ("Sandsynlighed på listen", "Listed probability"),
    "probability": ("Sandsynlighed nu", "Probability now"), "status": ("Status", "Status"),
    "contribution": ("Bidrag, kr.", "Contribution, DKK"),
}
NUMBERS = ("listed_probability", "probability", "contribution")


def _text(value, lang: str) -> str:
    """A parameter or list value as text; decimals with a comma in Danish; nothing for no value."""
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if lang == "da" and isinstance(value, float) else text


def buffers_document(fc) -> dict:
    out = []
    for r in fc.buffers:
        monthly = r.lines.group_by("month").agg(pl.col("ore").sum()).sort("month")
        out.append({
            "buffer": r.name, "total": dkk(r.total), "explanation": both(r.explanation) or {},
            "parameters": [{"name": p.name, "value": p.value, "source": p.source, "observations": p.observations,
                            "unit": p.unit} for p in r.params],
            "months": [{"month": m.strftime("%Y-%m"), "amount": dkk(v)} for m, v in monthly.iter_rows()],
            "people": [] if r.people is None else [
                {k: (v.isoformat() if hasattr(v, "isoformat") else (dkk(v) if k == "contribution" else v))
                 for k, v in row.items()} for row in r.people.iter_rows(named=True)],
            "flags": [both(f) for f in r.flags],
        })
    return {"year": fc.year, "as_of": fc.as_of.isoformat(), "buffers": out}


def buffers_csv(fc) -> CsvTable:
    """One row per buffer and month ahead: buffer, month, amount (DKK); the month column empty on
    each buffer's total row, so a filter on it gives the months and the totals add up."""
    rows = []
    for r in fc.buffers:
        monthly = r.lines.group_by("month").agg(pl.col("ore").sum()).sort("month")
        rows.append({"buffer": r.name, "month": None, "amount": r.total})
        rows += [{"buffer": r.name, "month": f"{m:%Y-%m}", "amount": v} for m, v in monthly.iter_rows()]
    frame = pl.DataFrame(rows, schema={"buffer": pl.String, "month": pl.String, "amount": pl.Int64}, orient="row")
    return CsvTable(frame.with_columns((pl.col("amount") / 100).round(2)))


def document(rec, style) -> dict:
    return buffers_document(rec.forecast)


def csv(rec, style) -> CsvTable:
    return buffers_csv(rec.forecast)


def text(rec, style) -> terminal.Doc:
    """Each component: its total, its sentence, its parameters, its months, the people on its list."""
    fc, lang = rec.forecast, style.lang
    con = terminal.Doc()
    for r in fc.buffers:
        con.print(f"[bold]{label(lang, r.name)}[/]  ({r.name}): {amount_text(r.total, lang)}")
        con.print(text_of(r.explanation, lang))
        t = Table(show_header=True, header_style="bold", box=None)
        for h in label(lang, "buffers.head").split("|"):
            t.add_column(h)
        for p in r.params:
            t.add_row(param_name(lang, p.name), f"{value_text(p.value, lang)}{' ' + p.unit if p.unit else ''}", source_name(lang, p.source),
                      "" if p.observations is None else str(p.observations))
        con.print(t)
        monthly = r.lines.group_by("month").agg(pl.col("ore").sum()).sort("month")
        if monthly.height:
            con.print(label(lang, "buffers.months")
                      + ", ".join(f"{m:%Y-%m} {kroner(v, lang)}" for m, v in monthly.iter_rows()))
        if r.people is not None and r.people.height:
            # a pseudonym or a figure is never cut; the status may go on two lines
            pt = terminal.new_table()
            cells = [[kroner(v, lang) if c == "contribution" else
                      STATUS_DA.get(v, v) if (c in ("status", "event") and lang == "da") else _text(v, lang)
                      for c, v in zip(r.people.columns, row)] for row in r.people.iter_rows()]
            status = r.people.columns.index("status") if "status" in r.people.columns else None
            widest_word = max((len(w) for row in cells for w in row[status].split()), default=1) if status is not None else 1
            for c in r.people.columns:
                header = terminal.two_lines(PEOPLE_HEADERS.get(c, (c, c))[0 if lang == "da" else 1])
                if c == "status":
                    pt.add_column(header, no_wrap=False, min_width=widest_word)
                else:
                    pt.add_column(header, justify="right" if c in NUMBERS else "left")
            for row in cells:
                pt.add_row(*row)
            con.print(pt)
        for f in r.flags:
            con.print(f"[yellow]! {text_of(f, lang)}[/]")
        con.print("")
    return con
