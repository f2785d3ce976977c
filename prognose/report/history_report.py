"""How `prognose history` looks: every snapshot's budget, forecast and deviation, and how the
forecast moved from the one before it in the same budget year."""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose import views
from prognose.report import terminal
from prognose.report.csv_out import CsvTable
from prognose.report.json_out import dkk
from prognose.report.words import label
from prognose.words.locale import date_text, kroner


MONEY = ("budget", "forecast", "deviation", "change")


def history_rows(snaps: list, sign: str = "forecast-budget") -> list[dict]:
    """One row per snapshot (øre): budget, forecast, deviation (signed as the workspace shows it)
    and the change of the forecast from the snapshot before it in the same budget year."""
    flip = -1 if sign == "budget-forecast" else 1
    rows, prev = [], None
    for s in snaps:
        ore = views.total(views.by(s, "account"))
        same_year = prev is not None and prev[0] == s.year
        rows.append({"as_of": s.as_of, "year": s.year, "budget": ore["budget"], "forecast": ore["forecast"],
                     "deviation": flip * ore["deviation"], "change": ore["forecast"] - prev[1] if same_year else None})
        prev = (s.year, ore["forecast"])
    return rows


def document(rec, style) -> list[dict]:
    rows = history_rows(rec.snapshots, style.sign)
    return [{k: (dkk(v) if k in MONEY and v is not None else v) for k, v in r.items()} for r in rows]


def csv(rec, style) -> CsvTable:
    schema = {"as_of": pl.String, "year": pl.Int64, **{k: pl.Int64 for k in MONEY}}
    frame = pl.DataFrame(history_rows(rec.snapshots, style.sign), schema=schema, orient="row")
    return CsvTable(frame.with_columns([(pl.col(k) / 100).round(2) for k in MONEY]))


def text(rec, style) -> terminal.Doc:
    """One row per snapshot: budget, forecast, deviation, and the change from the one before."""
    lang, sign = style.lang, style.sign
    rows = history_rows(rec.snapshots, sign)
    con = terminal.Doc()
    t = terminal.new_table(title=label(lang, "history.title"))
    for h, j in ((label(lang, "history.as_of"), "left"), (label(lang, "history.year"), "left"),
                 (label(lang, "budget"), "right"), (label(lang, "forecast"), "right"),
                 (label(lang, "deviation"), "right"), (label(lang, "history.change"), "right")):
        t.add_column(h, justify=j)
    money = lambda v: "" if v is None else kroner(v, lang)  # noqa: E731
    for r in rows:
        t.add_row(date_text(dt.date.fromisoformat(r["as_of"]), lang), str(r["year"]), *[money(r[k]) for k in ("budget", "forecast", "deviation", "change")])
    con.print(t)
    con.print(label(lang, f"sign_{sign}"))
    con.print(label(lang, "history.note"))
    return con
