"""Machine-readable output: JSON exactly as SPEC §4 (plus more keys), and CSV tables.

Deviation here is always forecast − budget (positive is overspend), whatever the display
convention; amounts are DKK rounded to 2 decimals, computed from integer øre.
"""

from __future__ import annotations

import polars as pl

from prognose import __version__
from prognose.forecast import Forecast
from prognose.hindcast import scale
from prognose.report import refusion_report
from prognose.report.csv_out import CsvTable
from prognose.views import FIGURES, by, components, months, total
from prognose.report.json_out import dkk
from prognose.report.words import both


def _interval(fc: Forecast, account: str | None) -> dict:
    b = fc.interval.of(account) if fc.interval is not None else None
    return {"interval": {q: dkk(v) for q, v in b.items()}} if b else {}


def with_interval(table: pl.DataFrame, fc: Forecast, key: str) -> pl.DataFrame:
    """A per-account view with p10, p50, p90 columns (øre) where the forecast has an interval."""
    if key != "account" or fc.interval is None:
        return table
    return table.join(fc.interval.table.filter(pl.col("account").is_not_null()), on="account", how="left")


def forecast_document(fc: Forecast, extra: dict | None = None) -> dict:
    accounts = by(fc, "account")
    comp = components(fc)
    doc = {
        "year": fc.year,
        "as_of": fc.as_of.isoformat(),
        "total": {**{f: dkk(v) for f, v in total(accounts).items()}, **_interval(fc, None)},
        "accounts": [{"account": r["account"], **{f: dkk(r[f]) for f in FIGURES}, **_interval(fc, r["account"])}
                     for r in accounts.iter_rows(named=True)],
        "months": [{"month": r["month"].strftime("%Y-%m"), "actual": dkk(r["actual"]), "expected": dkk(r["expected"])}
                   for r in months(fc).iter_rows(named=True)],
        "components": {k: ({b: dkk(x) for b, x in v.items()} if isinstance(v, dict) else dkk(v)) for k, v in comp.items()},
        "paragraphs": [{"paragraph": r["paragraph"], **{f: dkk(r[f]) for f in FIGURES}}
                       for r in by(fc, "paragraph").iter_rows(named=True)],
        "deviation_sign": "forecast - budget (positive = overspend)",
        **({"uncertainty": _uncertainty(fc)} if fc.interval is not None else {}),
        "refusion": refusion_report.refund_document(fc.refusion, fc.as_of) if fc.refusion is not None else None,
        "engine_version": __version__,
        "notes": [both(n) for n in fc.notes],
    }
    if extra:
        doc.update(extra)
    return doc


def _uncertainty(fc: Forecast) -> dict:
    """How the interval was drawn, the spread of each source, and the engine's own forecasts of
    earlier years that scaled it (hindcast.py)."""
    doc = {"draws": fc.interval.draws, "seed": fc.interval.seed, "quantiles": [0.1, 0.5, 0.9],
           "spread_by_source": {k: dkk(v) for k, v in fc.interval.spread.items()}}
    if fc.past:
        doc["own_backtest"] = {"scale": round(scale(fc.past), 4),
                               "forecasts": [{"as_of": p.as_of.isoformat(), "year": p.year, "forecast": dkk(p.forecast),
                                              "final": dkk(p.final), "z": round(p.z, 3)} for p in fc.past]}
    return doc


def table_csv(table: pl.DataFrame) -> CsvTable:
    """A view as CSV: øre columns become DKK with 2 decimals; dates become YYYY-MM."""
    out = []
    for col, dtype in table.schema.items():
        if dtype == pl.Int64 and col not in ("year",):
            out.append((pl.col(col) / 100).round(2).alias(col))
        elif dtype == pl.Date:
            out.append(pl.col(col).dt.strftime("%Y-%m").alias(col))
        else:
            out.append(pl.col(col))
    return CsvTable(table.select(out))
