"""How `prognose diff` looks: the bridge between two snapshots, its causes per account or paragraph,
and the citizens behind the largest changes."""

from __future__ import annotations

import polars as pl

from prognose.report.csv_out import CsvTable

from prognose.diff import Bridge
from prognose.words.locale import date_text, kroner, number, shares, whole_kroner
from prognose.report import figures
from prognose.report.words import cause_label, detail_label, label
from prognose.views import UNALLOCATED
from prognose.report import terminal
from prognose.paragraphs import natural_order
from prognose.report.json_out import dkk

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


def diff_document(br: Bridge, top: list[dict], by_account: pl.DataFrame, by_paragraph: pl.DataFrame) -> dict:
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


def as_of_text(iso: str, lang: str) -> str:
    """An as-of date (ISO, as the snapshot names it) as run writes dates: 30.09.2025 in Danish."""
    import datetime as dt

    return date_text(dt.date.fromisoformat(iso), lang)


def budget_change(br: Bridge) -> int:
    """The change of the budget in whole kroner: the budget shown now less the budget shown before."""
    return whole_kroner(int(br.budget.get_column("budget_to").sum())) - whole_kroner(int(br.budget.get_column("budget_from").sum()))


def by(br: Bridge, key: str) -> pl.DataFrame:
    return (br.rows.group_by(pl.col(key).fill_null(UNALLOCATED), "cause").agg(pl.col("amount").sum())
            .filter(pl.col("amount") != 0).sort([*natural_order(key), "cause"], nulls_last=True))


def document(rec, style) -> dict:
    """`diff --format json`: the bridge, both groupings and the citizens behind the largest changes."""
    br = rec.bridge
    return diff_document(br, _top(rec, style.lang), by(br, "account"), by(br, "paragraph"))


def _top(rec, lang: str) -> list[dict]:
    return top_citizens(rec.bridge, rec.grants, rec.top, lang) if rec.top else []


def csv(rec, style) -> CsvTable:
    """The causes (with --by, per account or paragraph), DKK with two decimals."""
    br = rec.bridge
    if rec.by is not None:
        from prognose.report.machine import table_csv

        return table_csv(by(br, rec.by))
    return CsvTable(br.causes().with_columns((pl.col("amount") / 100).round(2)),
                    values={"year_from": br.year_from, "year_to": br.year_to})


def tables(rec, style) -> list:
    """For a workbook or a page: the bridge from the forecast before to the forecast now, to the øre
    in whole kroner (each row rounded on the running total), and the citizens behind it."""
    from prognose.report.tables import Table

    br, lang = rec.bridge, style.lang
    causes = br.causes()
    before, lines, after = figures.bridge(br.forecast_from, br.forecast_to, causes.get_column("amount").to_list())
    rows = [(label(lang, "diff.before"), "", before)]
    rows += [(cause_label(c, lang), detail_label(d, lang, br.year_from, br.year_to) or "", k)
             for (c, d, _), k in zip(causes.iter_rows(), lines)]
    rows.append((label(lang, "diff.now"), "", after))
    heads = [label(lang, "diff.cause"), label(lang, "diff.detail"), label(lang, "currency")]
    budget = label(lang, "diff.budget").format(amount=number(budget_change(br), lang))
    title = label(lang, "diff.title").format(year=br.year_to, a=as_of_text(br.from_as_of, lang), b=as_of_text(br.to_as_of, lang))
    out = [Table(title, pl.DataFrame(rows, schema=[(heads[0], pl.String), (heads[1], pl.String), (heads[2], pl.Int64)],
                                     orient="row"), (budget,), total=True)]
    people = _top(rec, lang)
    if people:
        frame = pl.DataFrame({label(lang, "diff.citizen"): [p["citizen"] for p in people],
                              label(lang, "currency"): [round(p["amount"] / 100) for p in people],
                              label(lang, "diff.what"): [p["what"] for p in people]})
        out.append(Table(label(lang, "diff.top"), frame))
    return out


def text(rec, style) -> terminal.Doc:
    """The bridge as a table whose rows add up to the change (with --by, per account or paragraph)."""
    return _text_by(rec.bridge, rec.by, style.lang) if rec.by is not None else _text(rec.bridge, style.lang, _top(rec, style.lang))


def _text_by(br: Bridge, key: str, lang: str) -> terminal.Doc:
    """The causes per account or paragraph: a table whose rows add up to the change."""
    table = by(br, key)
    con = terminal.Doc()
    t = terminal.new_table(title=label(lang, "diff.by_title").format(a=as_of_text(br.from_as_of, lang), b=as_of_text(br.to_as_of, lang)), show_footer=True)
    t.add_column(label(lang, key), footer=label(lang, "diff.total"))
    t.add_column(label(lang, "diff.cause"), no_wrap=False)
    change = whole_kroner(br.forecast_to) - whole_kroner(br.forecast_from)    # as the bridge shows it
    t.add_column(label(lang, "currency"), justify="right", footer=number(change, lang))
    for (k, cause, _), kr in zip(table.iter_rows(), shares(table.get_column("amount").to_list(), to=change)):
        t.add_row(label(lang, "unallocated") if k == UNALLOCATED else k, cause_label(cause, lang), number(kr, lang))
    con.print(t)
    return con


def _text(br: Bridge, lang: str, top: list[dict]) -> terminal.Doc:
    causes = br.causes()
    con = terminal.Doc()
    title = label(lang, "diff.title").format(year=br.year_to, a=as_of_text(br.from_as_of, lang), b=as_of_text(br.to_as_of, lang))
    t = terminal.new_table(title=title, show_footer=True)
    t.add_column(label(lang, "diff.cause"), footer=label(lang, "diff.total"))
    t.add_column(label(lang, "diff.detail"), no_wrap=False)
    before, lines, after = figures.bridge(br.forecast_from, br.forecast_to, causes.get_column("amount").to_list())
    t.add_column(label(lang, "currency"), justify="right", footer=number(after - before, lang))
    t.add_row(label(lang, "diff.before"), "", number(before, lang))
    for (c, det, _), kr in zip(causes.iter_rows(), lines):
        t.add_row(cause_label(c, lang), detail_label(det, lang, br.year_from, br.year_to), number(kr, lang))
    t.add_row(label(lang, "diff.now"), "", number(after, lang))
    con.print(t)
    con.print(label(lang, "diff.budget").format(amount=number(budget_change(br), lang)))
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
