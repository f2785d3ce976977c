"""How `prognose followup` looks: per caseworker (or team, provider, paragraph) a summary and the
items, each in one sentence — as JSON, CSV, a table of 80 columns, and a workbook with a front sheet
of every summary and a sheet for each group, ready to send to each."""

from __future__ import annotations

import textwrap

import polars as pl
from rich.markup import escape

from prognose.report import terminal
from prognose.report.csv_out import CsvTable
from prognose.report.json_out import dkk
from prognose.report.tables import Table
from prognose.report.words import label, locale, text as text_of
from prognose.words.locale import kroner
from prognose.words.message import Message

SUMMARY = ("citizens", "grants", "forecast", "change", "open_items", "open_amount")
MONEY = ("forecast", "change", "open_amount")
ITEM_COLUMNS = ("kind", "grant_id", "citizen_id", "account", "since", "amount", "alternative", "status")


def sentence(item: dict) -> Message:
    """What was found, as the catalogue says it for the item's kind and status."""
    facts = {k: item.get(k) for k in ("grant_id", "account", "since", "amount", "alternative", "fact", "seen", "change")}
    facts["ratio"] = round(100 * item["ratio"]) if item.get("ratio") is not None else None
    facts["detail"] = (item.get("detail") or "").partition(":")[2] if item["kind"] == "data" else item.get("detail") or ""
    facts["above"] = (item.get("fact") or 0) > 0
    if item["kind"] == "billed_off":
        facts["fact"] = abs(item["fact"])     # the sentence says above or below
    facts["moves"] = (item.get("alternative") or 0) - (item.get("amount") or 0)
    why = (item.get("detail") or "").split(":")[0].split(",")[0] if item["kind"] == "data" else ""
    return Message(f"followup.text.{item['kind']}{'.' + why if why else ''}", **facts)


def status_words(item: dict, lang: str) -> str:
    loc = locale(lang)
    if item["status"] == "open":
        return loc.text("followup.status.open_since", seen=item["seen"])
    if item["status"] == "solved":
        return loc.text("followup.status.solved_change", change=item.get("change") or 0)
    return loc.word("followup.status.new")


def document(rec, style) -> dict:
    """SPEC-like JSON: groups with their summary and items; amounts in DKK, 2 decimals."""
    groups = []
    for g in rec.groups.iter_rows(named=True):
        items = rec.items.filter(pl.col("group").eq_missing(g["group"]))
        groups.append({rec.by: g["group"], **({"team": g["team"]} if rec.by != "team" else {}),
                       "summary": {k: dkk(g[k]) if k in MONEY else g[k] for k in SUMMARY},
                       "items": [_item(i, style.lang) for i in items.iter_rows(named=True)]})
    return {"as_of": rec.as_of.isoformat(), "year": rec.year, "by": rec.by,
            "before": rec.before.isoformat() if rec.before else None, "groups": groups,
            "notes": [text_of(n, style.lang) for n in rec.notes]}


def _item(i: dict, lang: str) -> dict:
    return {"grant_id": i["grant_id"], "citizen": i["citizen_id"], "account": i["account"], "kind": i["kind"],
            "since": i["since"].isoformat() if i["since"] else None, "amount": dkk(i["amount"]),
            "alternative": dkk(i["alternative"]), "status": i["status"],
            "seen": i["seen"].isoformat() if i["seen"] else None,
            **({"change": dkk(i["change"])} if i["status"] == "solved" else {}),
            "text": text_of(sentence(i), lang)}


def _items_frame(rec, items: pl.DataFrame, lang: str, whole: bool) -> pl.DataFrame:
    """The items as rows a person reads: the kind in words, the sentence, amounts in DKK."""
    rows = items.to_dicts()
    money = (lambda v: None if v is None else round(v / 100)) if whole else (lambda v: None if v is None else v / 100)
    return pl.DataFrame({
        "group": [r["group"] for r in rows], "team": [r["team"] for r in rows],
        "kind": [label(lang, f"followup.kind.{r['kind']}") for r in rows],
        "grant_id": [r["grant_id"] for r in rows], "citizen_id": [r["citizen_id"] for r in rows],
        "account": [r["account"] for r in rows], "since": [r["since"] for r in rows],
        "amount": [money(r["amount"]) for r in rows], "alternative": [money(r["alternative"]) for r in rows],
        "status": [status_words(r, lang) for r in rows], "text": [text_of(sentence(r), lang) for r in rows],
    }, schema={"group": pl.String, "team": pl.String, "kind": pl.String, "grant_id": pl.String, "citizen_id": pl.String,
               "account": pl.String, "since": pl.Date, "amount": pl.Int64 if whole else pl.Float64,
               "alternative": pl.Int64 if whole else pl.Float64, "status": pl.String, "text": pl.String})


def _headed(frame: pl.DataFrame, by: str, lang: str) -> pl.DataFrame:
    names = {c: label(lang, f"followup.col.{by if c == 'group' else c}") for c in frame.columns}
    return frame.rename(names)


def csv(rec, style) -> CsvTable:
    """Every item, one row each, with its group (Danish headers and words in the Danish dialect)."""
    lang = style.lang if style.dialect == "danish" else "en"
    frame = _items_frame(rec, rec.items, lang, whole=False)
    if style.dialect != "danish":
        return CsvTable(frame.rename({"group": rec.by}))
    return CsvTable(_headed(frame, rec.by, lang))


def summary_frame(rec, lang: str) -> pl.DataFrame:
    g = rec.groups
    frame = g.select(pl.col("group"), *([pl.col("team")] if rec.by != "team" else []),
                     "citizens", "grants", *[(pl.col(c) / 100).round(0).cast(pl.Int64).alias(c) for c in MONEY if c != "open_amount"],
                     "open_items", (pl.col("open_amount") / 100).round(0).cast(pl.Int64).alias("open_amount"))
    return _headed(frame, rec.by, lang)


def tables(rec, style) -> list[Table]:
    """The front sheet (every group's summary), then a sheet per group with its items."""
    lang = style.lang
    notes = tuple(text_of(n, lang) for n in rec.notes)
    front = Table(locale(lang).text("followup.title", as_of=rec.as_of), summary_frame(rec, lang), notes)
    out = [front]
    for g in rec.groups.iter_rows(named=True):
        items = _items_frame(rec, rec.items.filter(pl.col("group").eq_missing(g["group"])), lang, whole=True)
        out.append(Table(str(g["group"] if g["group"] is not None else label(lang, "unallocated")),
                         _headed(items.drop("group", "team"), rec.by, lang), (summary_text(rec, g, lang),)))
    return out


def summary_text(rec, g: dict, lang: str) -> str:
    facts = {k: g[k] for k in SUMMARY}
    facts["change"] = facts["change"] if facts["change"] is not None else 0
    key = "followup.summary" if g["change"] is not None else "followup.summary.no_change"
    name = str(g["group"]) if g["group"] is not None else label(lang, "unallocated")
    return locale(lang).text(key, group=f"{name} ({g['team']})" if g.get("team") else name, **facts)


def text(rec, style) -> terminal.Doc:
    """Per group: its summary in a sentence, then each item on a line of 80 columns — kind, grant,
    since, the forecast's amount and the other answer's — with its status and sentence under it."""
    lang = style.lang
    loc = locale(lang)
    con = terminal.Doc()
    con.print(f"[bold]{escape(loc.text('followup.title', as_of=rec.as_of))}[/]")
    for n in rec.notes:
        con.print(escape(text_of(n, lang)))
    head = _line(*(label(lang, f"followup.col.{c}") for c in ("kind", "grant_id", "since", "amount", "alternative")))
    for g in rec.groups.iter_rows(named=True):
        con.print("")
        con.print(f"[bold]{escape(textwrap.fill(summary_text(rec, g, lang), WIDTH))}[/]")
        items = rec.items.filter(pl.col("group").eq_missing(g["group"]))
        if items.is_empty():
            continue
        con.print(f"[bold]{escape(head)}[/]")
        for r in items.iter_rows(named=True):
            con.print(escape(_line(label(lang, f"followup.kind.{r['kind']}"), r["grant_id"] or r["citizen_id"] or "",
                                   loc.date(r["since"]) if r["since"] else "", kroner(r["amount"] or 0, lang),
                                   kroner(r["alternative"] or 0, lang))))
            said = f"{status_words(r, lang)}: {text_of(sentence(r), lang)}"
            con.print(escape(textwrap.fill(said, WIDTH, initial_indent="    ", subsequent_indent="    ")))
    return con


WIDTH = 80


def _line(kind: str, grant: str, since: str, amount: str, other: str) -> str:
    """One item's line: 22 + 14 + 11 + 2 × 13 = 73 columns, inside 80 with the spaces between."""
    return f"{kind[:22]:<22} {grant[:14]:<14} {since[:11]:<11} {amount:>13} {other:>13}"
