"""Rendering the bridge of `prognose diff` and the list of `prognose history`."""

from __future__ import annotations

import polars as pl

from prognose.report.csv_out import CsvTable

from prognose.diff import Bridge
from prognose.words.locale import date_text, kroner, number
from prognose.report.words import cause_label, detail_label, label
from prognose import views
from prognose.views import UNALLOCATED
from prognose.report import terminal
from prognose.paragraphs import natural_order
from prognose.report.json_out import dkk, json_text

def top_citizens(br: Bridge, grants: pl.DataFrame, n: int, lang: str) -> list[dict]:
    """The citizens (pseudonyms) behind the largest changes, with a one-line reason each."""
    rows = br.rows.filter(pl.col("citizen_id").is_not_null())
    per = (rows.group_by("citizen_id").agg(pl.col("amount").sum(), pl.col("amount").abs().max().alias("_m"))
           .sort(pl.col("amount").abs(), "citizen_id", descending=[True, False]).head(n))
    main = (rows.join(per.select("citizen_id"), on="citizen_id").sort(pl.col("amount").abs(), descending=True)
            .unique("citizen_id", keep="first"))
    g = grants.select("grant_id", "start_date", "end_date", "unit", "rate", "quantity")
    main = main.join(g, on="grant_id", how="left")
    out = []
    for r in per.join(main.drop("amount"), on="citizen_id").sort(pl.col("amount").abs(), descending=True).iter_rows(named=True):
        para = (r["paragraph"] or "").replace("SEL ", "§")
        what = f"{cause_label(r['cause'], lang).lower()}" + (f" ({detail_label(r['detail'], lang, br.year_from, br.year_to)})" if r["detail"] else "")
        since = ""
        if r["cause"] == "new grants" and r["start_date"] is not None:
            since = label(lang, "diff.from").format(date=date_text(r["start_date"], lang))
        if r["cause"] == "ended grants" and r["end_date"] is not None:
            since = label(lang, "diff.as_of").format(date=date_text(r["end_date"], lang))
        rate = ""
        if r["rate"] is not None and r["cause"] in ("new grants", "changed grants"):
            per_unit = {"da": {"year": "år", "month": "md.", "week": "uge", "day": "dag", "hour": "time"},
                        "en": {"year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour"}}[lang]
            rate = f", {number(r['rate'], lang)} kr./{per_unit.get(r['unit'], r['unit'])}"
        sign = "+" if r["amount"] > 0 else ""
        what = f"{para}, {what}{since}{rate}"
        out.append({"citizen": r["citizen_id"], "amount": r["amount"], "what": what,
                    "reason": f"{what}: {sign}{kroner(r['amount'], lang)}"})
    return out


def document(br: Bridge, top: list[dict], by_account: pl.DataFrame, by_paragraph: pl.DataFrame) -> dict:
    return {
        "from": br.from_as_of, "to": br.to_as_of, "year_from": br.year_from, "year_to": br.year_to,
        "forecast_from": dkk(br.forecast_from), "forecast_to": dkk(br.forecast_to), "change": dkk(br.change),
        "causes": [{"cause": c, "detail": detail_label(det, "en", br.year_from, br.year_to), "amount": dkk(a)}
                   for c, det, a in br.causes().iter_rows()],
        "by_account": [{"account": k, "cause": c, "amount": dkk(a)} for k, c, a in by_account.iter_rows()],
        "by_paragraph": [{"paragraph": k, "cause": c, "amount": dkk(a)} for k, c, a in by_paragraph.iter_rows()],
        "budget": [{"account": a, "budget_from": dkk(f), "budget_to": dkk(t), "change": dkk(c)} for a, f, t, c in br.budget.iter_rows()],
        "budget_change": dkk(int(br.budget.get_column("change").sum())),
        "top": [{"citizen": t["citizen"], "amount": dkk(t["amount"]), "reason": t["reason"]} for t in top],
    }


def by(br: Bridge, key: str) -> pl.DataFrame:
    return (br.rows.group_by(pl.col(key).fill_null(UNALLOCATED), "cause").agg(pl.col("amount").sum())
            .filter(pl.col("amount") != 0).sort([*natural_order(key), "cause"], nulls_last=True))


def render_by(br: Bridge, key: str, fmt: str, lang: str) -> str | CsvTable | terminal.Doc:
    """The causes per account or paragraph: CSV, or a table whose rows add up to the change."""
    table = by(br, key)
    if fmt == "csv":
        from prognose.report.machine import table_csv

        return table_csv(table)
    con = terminal.Doc()
    t = terminal.new_table(title=label(lang, "diff.by_title").format(a=br.from_as_of, b=br.to_as_of), show_footer=True)
    t.add_column(label(lang, key), footer=label(lang, "diff.total"))
    t.add_column(label(lang, "diff.cause"), no_wrap=False)
    t.add_column(label(lang, "currency"), justify="right", footer=kroner(br.change, lang))
    for k, cause, amount in table.iter_rows():
        t.add_row(label(lang, "unallocated") if k == UNALLOCATED else k, cause_label(cause, lang), kroner(amount, lang))
    con.print(t)
    return con


def render(br: Bridge, fmt: str, lang: str, top: list[dict]) -> str | CsvTable | terminal.Doc:
    if fmt == "json":
        return json_text(document(br, top, by(br, "account"), by(br, "paragraph")))
    causes = br.causes()
    if fmt == "csv":
        return CsvTable(causes.with_columns((pl.col("amount") / 100).round(2)),
                        values={"year_from": br.year_from, "year_to": br.year_to})
    con = terminal.Doc()
    title = label(lang, "diff.title").format(year=br.year_to, a=br.from_as_of, b=br.to_as_of)
    t = terminal.new_table(title=title, show_footer=True)
    t.add_column(label(lang, "diff.cause"), footer=label(lang, "diff.total"))
    t.add_column(label(lang, "diff.detail"), no_wrap=False)
    t.add_column(label(lang, "currency"), justify="right", footer=kroner(br.change, lang))
    t.add_row(label(lang, "diff.before"), "", kroner(br.forecast_from, lang))
    for c, det, a in causes.iter_rows():
        t.add_row(cause_label(c, lang), detail_label(det, lang, br.year_from, br.year_to), kroner(a, lang))
    t.add_row(label(lang, "diff.now"), "", kroner(br.forecast_to, lang))
    con.print(t)
    budget_change = int(br.budget.get_column("change").sum())
    con.print(label(lang, "diff.budget").format(amount=kroner(budget_change, lang)))
    if top:
        con.print("")
        t = terminal.new_table(title=label(lang, "diff.top"))
        t.add_column(label(lang, "diff.citizen"), no_wrap=True)
        t.add_column(label(lang, "currency"), justify="right")
        t.add_column(label(lang, "diff.what"), no_wrap=False)
        for x in top:
            t.add_row(x["citizen"], number(round(x["amount"] / 100), lang, signed=True), x["what"])
        con.print(t)
    return con


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


def history(snaps: list, lang: str, fmt: str, sign: str = "forecast-budget") -> str | CsvTable | terminal.Doc:
    rows = history_rows(snaps, sign)
    if fmt == "json":
        return json_text([{k: (dkk(v) if k in MONEY and v is not None else v) for k, v in r.items()} for r in rows])
    if fmt == "csv":
        schema = {"as_of": pl.String, "year": pl.Int64, **{k: pl.Int64 for k in MONEY}}
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        return CsvTable(frame.with_columns([(pl.col(k) / 100).round(2) for k in MONEY]))
    con = terminal.Doc()
    t = terminal.new_table(title=label(lang, "history.title"))
    for h, j in ((label(lang, "history.as_of"), "left"), (label(lang, "history.year"), "left"),
                 (label(lang, "budget"), "right"), (label(lang, "forecast"), "right"),
                 (label(lang, "deviation"), "right"), (label(lang, "history.change"), "right")):
        t.add_column(h, justify=j)
    money = lambda v: "" if v is None else kroner(v, lang)  # noqa: E731
    for r in rows:
        t.add_row(r["as_of"], str(r["year"]), *[money(r[k]) for k in ("budget", "forecast", "deviation", "change")])
    con.print(t)
    con.print(label(lang, f"sign_{sign}"))
    con.print(label(lang, "history.note"))
    return con
