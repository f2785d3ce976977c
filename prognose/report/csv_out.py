"""CSV, the one renderer for every command's `--format csv`.

A command's CSV is a table (CsvTable: a frame in DKK, plain column names) until it is written;
the dialect decides how it is written:
- danish (the default where the language is Danish): semicolon, decimal comma, headers in words,
  UTF-8 with a byte-order mark, so that a double-click opens it right in a Danish Excel;
- international (the default in English, or `--csv-dialect international`): comma, decimal
  point, the column names as the data contract spells them, for scripts and other programs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import polars as pl

from prognose.report.words import cause_label, component, detail_label, label

BOM = "\ufeff"

# column → (Danish, English) header in the danish dialect
HEADERS = {
    "account": ("Konto", "Account"), "paragraph": ("Paragraf", "Paragraph"), "provider_type": ("Leverandørtype", "Provider type"),
    "month": ("Måned", "Month"), "period": ("Periode", "Period"), "year": ("År", "Year"), "as_of": ("Opgjort pr.", "As of"),
    "budget": ("Korr. budget", "Revised budget"), "actual_to_date": ("Bogført", "Booked"), "actual": ("Bogført", "Booked"),
    "expected": ("Forventet", "Expected"), "forecast": ("Forventet regnskab", "Forecast"), "deviation": ("Afvigelse", "Deviation"),
    "change": ("Ændring", "Change"), "p10": ("P10", "P10"), "p50": ("P50", "P50"), "p90": ("P90", "P90"),
    "buffer": ("Buffer", "Buffer"), "amount": ("Beløb", "Amount"), "cause": ("Årsag", "Cause"), "detail": ("Detalje", "Detail"),
    "citizen_id": ("Borger (pseudonym)", "Citizen (pseudonym)"), "cost": ("Udgift", "Cost"), "refund": ("Refusion", "Refund"),
    "to_next": ("Til næste tærskel", "To next threshold"), "band": ("Tærskel", "Threshold band"),
    "citizens_start": ("Borgere primo", "Citizens at start"), "inflow": ("Tilgang", "Inflow"),
    "outflow_death": ("Afgang, dødsfald", "Outflow, death"), "outflow_moved": ("Afgang, fraflytning", "Outflow, moved"),
    "outflow_transition": ("Afgang, overgang", "Outflow, transition"), "outflow_other": ("Afgang, andet", "Outflow, other"),
    "citizens_end": ("Borgere ultimo", "Citizens at end"), "full_year_persons": ("Helårspersoner", "Full-year persons"),
    "cost_per_full_year_person": ("Udgift pr. helårsperson", "Cost per full-year person"),
    "method": ("Metode", "Method"), "final": ("Regnskab", "Final accounts"), "error": ("Fejl", "Error"),
    "error_pct": ("Fejl %", "Error %"), "inside": ("Inden for P10–P90", "Inside P10–P90"), "name": ("Navn", "Name"),
    "grant_id": ("Bevilling", "Grant"), "booked": ("Bogført", "Booked"), "ahead": ("Resten af året", "Rest of the year"),
    "plan": ("Efter handleplanen", "By the action plan"), "posting_date": ("Bogføringsdato", "Posting date"),
    "art": ("Art", "Kind"), "source": ("Kilde", "Source"), "text": ("Tekst", "Text"),
    "projection": ("Overslag", "Projection"), "budget_file": ("Budget", "Budget"),
}


@dataclass(frozen=True)
class CsvTable:
    """A command's CSV before a dialect writes it: amounts in DKK, decimals the number of digits
    after the decimal sign (None: as the numbers are)."""
    frame: pl.DataFrame
    decimals: int | None = 2
    values: Mapping[str, object] = field(default_factory=dict)   # what fills the places of its keys (a detail's years)


@dataclass(frozen=True)
class Dialect:
    danish: bool
    lang: str

    @classmethod
    def of(cls, name: str, lang: str) -> "Dialect":
        return cls(name == "danish", lang)


# columns whose values are keys a person reads as words (in the danish dialect)
NAMED = {"buffer": lambda v, lang, _: component(lang, v), "cause": lambda v, lang, _: cause_label(v, lang),
         "detail": lambda v, lang, values: detail_label(v, lang, **values),
         "provider_type": lambda v, lang, _: label(lang, f"provider.{v}")}


def words(frame: pl.DataFrame, lang: str, values: Mapping[str, object], only=(*NAMED, "bool")) -> pl.DataFrame:
    """Values a person reads as words: yes/no, the parts of the forecast, the causes of a change
    and the provider types by name (each distinct value named once)."""
    out = []
    for col, dtype in frame.schema.items():
        c = pl.col(col)
        if dtype == pl.Boolean and "bool" in only:
            yes, no = label(lang, "yes"), label(lang, "no")
            out.append(pl.when(c).then(pl.lit(yes)).when(~c).then(pl.lit(no)).otherwise(None).alias(col))
        elif col in NAMED and col in only:
            keys = frame.get_column(col).drop_nulls().unique().to_list()
            out.append(c.replace_strict(keys, [NAMED[col](k, lang, values) for k in keys], default=None, return_dtype=pl.String))
        else:
            out.append(c)
    return frame.select(out)


# A cell a spreadsheet would take for a formula (OWASP's list: = + - @, a tab or a carriage return
# first): a provider named "=HYPERLINK(…)" in an export must not run when the CSV is opened.
FORMULA_START = r"^[=+\-@\t\r]"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell that starts as a formula would, behind an apostrophe: shown as it was, never run."""
    texts = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c))
                              .otherwise(pl.col(c)).alias(c) for c in texts)


def render(table: CsvTable, dialect: Dialect) -> str:
    frame = table.frame
    if not dialect.danish:   # the contract's keys as they are; a detail's places filled in English
        return neutralised(words(frame, "en", table.values, only=("detail",))).write_csv(float_precision=table.decimals)
    i = 0 if dialect.lang == "da" else 1
    frame = neutralised(words(frame, dialect.lang, table.values, only=(*NAMED, "bool")))
    frame = frame.rename({c: HEADERS[c][i] for c in frame.columns if c in HEADERS})
    return BOM + frame.write_csv(separator=";", decimal_comma=True, float_precision=table.decimals)
