"""Rendering `prognose backtest`: per as-of date the forecast's and the baselines' year-end errors."""

from __future__ import annotations

import polars as pl

from prognose.report.csv_out import CsvTable

from prognose.backtest import coverage_share
from prognose.words.locale import kroner, millions, number
from prognose.report.words import label
from prognose.report import terminal
from prognose.report.json_out import dkk

NAMES = {"da": {"prognose": "prognose", "run_rate": "forbrug × 12/m", "seasonal_share": "sæsonandel", "budget": "budget"},
         "en": {"prognose": "prognose", "run_rate": "run-rate", "seasonal_share": "seasonal share", "budget": "budget"}}
# what a coverage against the 70–90 % goal means (da, en)
COVERAGE = {"within": ("inden for målet", "within the target"),
            "above": ("over målet: spændet er bredere, end det behøver at være", "above the target: the range is wider than it needs to be"),
            "below": ("under målet: spændet er for smalt", "below the target: the range is too narrow")}
# the error columns' headers, short enough for the table to fit 80 columns
ERROR_HEAD = {"da": {"prognose": "Fejl %", "run_rate": "×12/m %", "seasonal_share": "Sæson %", "budget": "Budget %"},
              "en": {"prognose": "Error %", "run_rate": "×12/m %", "seasonal_share": "Season %", "budget": "Budget %"}}


def backtest_document(t: pl.DataFrame, summary: pl.DataFrame, final: int, ablate: list[str],
             cov: pl.DataFrame | None = None) -> dict:

    cov = cov if cov is not None else pl.DataFrame()
    share = coverage_share(cov) if cov.height else None
    return {
        "interval": [{"as_of": r["as_of"].isoformat(), "p10": dkk(r["p10"]), "p90": dkk(r["p90"]), "inside": r["inside"]}
                     for r in cov.iter_rows(named=True)],
        "coverage": None if share is None else round(share, 3),
        "final": dkk(final), "ablate": ablate,
        "rows": [{"as_of": r["as_of"].isoformat(), "method": r["method"], "forecast": dkk(r["forecast"]), "error": dkk(r["error"]),
                  "error_pct": None if r["error_pct"] is None else round(r["error_pct"], 3)} for r in t.iter_rows(named=True)],
        "summary": [{"method": r["method"], "mae": dkk(r["mae"]), "mae_pct": round(r["mae_pct"], 3),
                     "mae_pct_months_3_6_9_11": None if r["mae_pct_key_months"] is None else round(r["mae_pct_key_months"], 3)}
                    for r in summary.iter_rows(named=True)],
    }


def document(rec, style) -> dict:
    return backtest_document(rec.table, rec.summary, rec.final, rec.ablate, rec.coverage)


def csv(rec, style) -> CsvTable:
    """One row per as-of date and method, DKK with two decimals."""
    t, cov = rec.table, rec.coverage
    out = t
    if cov is not None and cov.height:
        out = out.join(cov.with_columns(pl.lit("prognose").alias("method")), on=["as_of", "method"], how="left")
    return CsvTable(out.with_columns(pl.col("as_of").cast(pl.String),
                            (pl.col([c for c in ("forecast", "final", "error", "p10", "p90") if c in out.columns]) / 100).round(2),
                            pl.col("error_pct").round(3)), decimals=None)


def text(rec, style) -> terminal.Doc:
    """Per month: the forecast, its error and the baselines'; then the mean absolute errors and coverage."""
    t, summary, final, ablate, cov, lang = rec.table, rec.summary, rec.final, rec.ablate, rec.coverage, style.lang
    bands = {} if cov is None else {r["as_of"]: r for r in cov.iter_rows(named=True)}
    wide = t.pivot(on="method", index="as_of", values="error_pct").sort("as_of")
    fc = t.filter(pl.col("method") == "prognose").sort("as_of")
    con = terminal.Doc()
    da = lang == "da"    # Danish dates are day.month
    title = label(lang, "backtest.title").format(amount=kroner(final, lang))
    if ablate:
        title += label(lang, "backtest.without").format(what=", ".join(ablate))
    tab = terminal.new_table(title=title, caption=label(lang, "backtest.caption"), caption_justify="left")
    tab.add_column(label(lang, "backtest.as_of").format(year=f"{fc.get_column('as_of').min():%Y}" if fc.height else ""))
    tab.add_column(label(lang, "backtest.forecast"), justify="right")
    tab.add_column(label(lang, "backtest.error"), justify="right")
    for m in ("prognose", "run_rate", "seasonal_share", "budget"):
        tab.add_column(ERROR_HEAD[lang][m], justify="right")
    if bands:
        tab.add_column(label(lang, "backtest.band"), justify="right")
        tab.add_column(label(lang, "backtest.inside"), justify="center")
    for (as_of, forecast, error), row in zip(fc.select("as_of", "forecast", "error").iter_rows(), wide.iter_rows(named=True)):
        pct = [("–" if row.get(m) is None else number(row[m], lang, 2, signed=True))
               for m in ("prognose", "run_rate", "seasonal_share", "budget")]
        band = bands.get(as_of)
        extra = [f"{millions(band['p10'], lang)}–{millions(band['p90'], lang)}", label(lang, "yes" if band["inside"] else "no")
                 ] if band else (["", ""] if bands else [])
        tab.add_row(f"{as_of:%d.%m}" if da else f"{as_of:%m-%d}", millions(forecast, lang), kroner(error, lang), *pct, *extra)
    con.print(tab)
    con.print(label(lang, "backtest.mae"))
    for r in summary.iter_rows(named=True):
        key = "–" if r["mae_pct_key_months"] is None else number(r["mae_pct_key_months"], lang, 2)
        con.print(f"  {NAMES[lang][r['method']]:<16} {number(r['mae_pct'], lang, 2)} · {key}")
    if bands:
        inside = sum(1 for b in bands.values() if b["inside"])
        share = 100 * inside / len(bands)
        verdict = COVERAGE["within" if 70 <= share <= 90 else "above" if share > 90 else "below"][0 if da else 1]
        con.print(label(lang, "backtest.coverage").format(inside=inside, months=len(bands), share=number(share, lang, 0),
                                                          verdict=verdict))
    return con
