"""`prognose activity`: citizens, inflow and outflow, full-year persons and price per full-year
person per group, and the change of cost split into volume, price and mix — as data (document),
and as a table, CSV or JSON. Counts are of citizens (no identifiers); expected figures are marked."""

from __future__ import annotations

import calendar

import polars as pl

from prognose.report.csv_out import CsvTable
from rich.table import Table

from prognose.activity import REASONS, Activity
from prognose.words.locale import date_text, kroner, number
from prognose.report import terminal
from prognose.report.json_out import dkk
from prognose.report.words import label

HEAD = {"da": ("År/måned", "Primo", "Tilgang", "Afgang", "Ultimo", "Helårsp.", "Udgift, kr.", "Pr. helårsp."),
        "en": ("Year/month", "Start", "Inflow", "Outflow", "End", "FYP", "Cost, DKK", "Per FYP")}
MIX_HEAD = {"da": ("Udgift {y0}", "Udgift {y1}", "Ændring", "Volumen", "Pris", "Mix", "Afrunding"),
            "en": ("Cost {y0}", "Cost {y1}", "Change", "Volume", "Price", "Mix", "Rounding")}
UNKNOWN = {"da": "endnu ukendt", "en": "not yet known"}
EXPECTED_MARK = {"da": "forventet", "en": "expected"}
MIX_TITLE = {"da": "Ændring i udgift: volumen, pris og mix", "en": "Change of cost: volume, price and mix"}
PLURAL = {"paragraph": "paragraphs", "account": "accounts", "provider_type": "provider_types", "provider": "providers"}





def _year_share(r: dict) -> float:
    """A period's share of its year: a month's price per full-year person is its annual rate."""
    if "month" not in r:
        return 1.0
    m = r["month"]
    return calendar.monthrange(m.year, m.month)[1] / (366 if calendar.isleap(m.year) else 365)


def per_person(r: dict) -> float | None:
    """Cost per full-year person (øre a year), or None without full-year persons."""
    fyp = r["full_year_persons"] * _year_share(r)
    return r["cost"] / fyp if fyp > 0 else None


def _figures(r: dict) -> dict:
    fyp = r["full_year_persons"]
    return {"citizens_start": round(r["citizens_start"], 2), "inflow": round(r["inflow"], 2),
            "outflow": {reason: round(r[f"outflow_{reason}"], 2) for reason in REASONS},
            "citizens_end": round(r["citizens_end"], 2), "full_year_persons": round(fyp, 2), "cost": dkk(r["cost"]),
            "cost_per_full_year_person": dkk(per_person(r)), "expected": bool(r["expected"])}


def mix_rows(act: Activity) -> list[dict]:
    """The split per group in øre: each effect rounded to the øre; what rounding leaves is shown."""
    rows = []
    for r in act.mix.iter_rows(named=True):
        parts = {k: int(round(r[k])) for k in ("volume", "price", "mix")}
        cost0, cost1 = int(round(r["cost0"])), int(round(r["cost1"]))
        rows.append({act.by: r["key"], "year0": r["year0"], "year1": r["year1"], "cost0": cost0, "cost1": cost1,
                     "change": cost1 - cost0, **parts, "rounding": cost1 - cost0 - sum(parts.values())})
    return rows


MONEY = ("cost0", "cost1", "change", "volume", "price", "mix", "rounding")


def document(rec, style) -> dict:
    return activity_document(rec.activity)


def csv(rec, style) -> CsvTable:
    return activity_csv(rec.activity)


def tables(rec, style) -> list:
    """For a workbook or a page: a table per group with its years (or months), and the split."""
    from prognose.report.tables import Table

    act, lang = rec.activity, style.lang
    head = HEAD[lang]
    out = []
    for key in act.years.get_column("key").unique(maintain_order=True).to_list():
        frame = (act.months.filter(pl.col("key").eq_missing(key) & (pl.col("month").dt.year() == act.year)) if rec.monthly
                 else act.years.filter(pl.col("key").eq_missing(key)))
        rows = [_row(f"{r['month']:%Y-%m}" if "month" in r else str(r["year"]), r, lang) + (["*"] if r["expected"] else [""])
                for r in frame.iter_rows(named=True)]
        shown = pl.DataFrame(rows, schema=[*head, EXPECTED_MARK[lang]], orient="row")
        title = f"{'Aktivitet' if lang == 'da' else 'Activity'} {act.year} · {key if key is not None else UNKNOWN[lang]}"
        out.append(Table(title, shown, right=tuple(head[1:])))
    mix = [{k: (kroner(v, lang) if k in MONEY else v) for k, v in r.items()} for r in mix_rows(act)]
    if mix:
        out.append(Table(MIX_TITLE[lang], pl.DataFrame(mix).rename({act.by: label(lang, act.by) if act.by in ("paragraph", "account", "provider_type") else act.by})))
    return out


def activity_document(act: Activity) -> dict:
    groups = []
    for key in act.years.get_column("key").unique(maintain_order=True).to_list():
        months = act.months.filter(pl.col("key").eq_missing(key) & (pl.col("month").dt.year() == act.year))
        years = act.years.filter(pl.col("key").eq_missing(key))
        groups.append({act.by: key,
                       "months": [{"month": f"{r['month']:%Y-%m}", **_figures(r)} for r in months.iter_rows(named=True)],
                       "years": [{"year": r["year"], **_figures(r)} for r in years.iter_rows(named=True)]})
    doc = {"year": act.year, "as_of": act.as_of.isoformat(), "by": act.by, PLURAL[act.by]: groups, "mix": [{k: dkk(v) if k in MONEY else v for k, v in r.items()} for r in mix_rows(act)]}
    if act.base is not None:
        doc["mix_base"] = [{act.by: r["key"], "base_year": r["base_year"], "cost": dkk(round(r["cost"])),
                            "at_base_mix": None if r["at_base_mix"] is None else dkk(round(r["at_base_mix"])),
                            "difference": None if r["difference"] is None else dkk(round(r["difference"]))}
                           for r in act.base.iter_rows(named=True)]
    return doc


def movement_sentence(act: Activity, lang: str) -> str:
    """The largest volume or price movement between the two years of the split, in one sentence."""
    rows = [(r[act.by], kind, r[kind], r["year0"], r["year1"]) for r in mix_rows(act) for kind in ("volume", "price")
            if r[act.by] is not None]
    if not rows:
        return ""
    key, kind, ore, y0, y1 = max(rows, key=lambda x: (abs(x[2]), x[0], x[1]))
    mio = f"{abs(ore) / 100_000_000:.1f}".replace(".", ",") if lang == "da" else f"{abs(ore) / 100_000_000:.1f}"
    if lang == "da":
        what = ("flere helårspersoner" if ore > 0 else "færre helårspersoner") if kind == "volume" else \
            ("højere pris pr. helårsperson" if ore > 0 else "lavere pris pr. helårsperson")
        return f"Største bevægelse i aktiviteten fra {y0} til {y1}: {key}, hvor {what} {'øger' if ore > 0 else 'mindsker'} udgiften med {mio} mio. kr."
    what = ("more full-year persons" if ore > 0 else "fewer full-year persons") if kind == "volume" else \
        ("a higher price per full-year person" if ore > 0 else "a lower price per full-year person")
    return f"Largest movement in activity from {y0} to {y1}: {key}, where {what} {'adds' if ore > 0 else 'takes'} DKK {mio} million {'to' if ore > 0 else 'from'} the cost."


def _row(period: str, r: dict, lang: str) -> list[str]:
    def count(x: float) -> str:
        return number(x, lang, 0 if float(x).is_integer() else 1)
    out = sum(r[f"outflow_{reason}"] for reason in REASONS)
    per = kroner(round(per_person(r)), lang) if per_person(r) is not None else ""
    return [period, count(r["citizens_start"]), count(r["inflow"]), count(out), count(r["citizens_end"]),
            number(r["full_year_persons"], lang, 1), kroner(r["cost"], lang), per]


def table(act: Activity, lang: str, monthly: bool) -> Table:
    t = terminal.new_table()
    for i, name in enumerate(HEAD[lang]):
        t.add_column(name, justify="left" if i == 0 else "right", no_wrap=True)
    for key in act.years.get_column("key").unique(maintain_order=True).to_list():
        t.add_row(f"[bold]{terminal.group_name(lang, act.by, key) if key is not None else UNKNOWN[lang]}[/]", *[""] * 7)
        rows = (act.months.filter(pl.col("key").eq_missing(key) & (pl.col("month").dt.year() == act.year)) if monthly
                else act.years.filter(pl.col("key").eq_missing(key)))
        for r in rows.iter_rows(named=True):
            period = f"{r['month']:%Y-%m}" if monthly else str(r["year"])
            t.add_row(*_row(period + (" *" if r["expected"] else ""), r, lang))
    return t


def mix_table(act: Activity, lang: str) -> Table:
    """The split in thousands of kroner (so that it fits 80 columns), each row adding up as printed:
    what rounding each figure leaves is a column of its own, shown only where it is not zero."""
    rows = [_in_thousands(r) for r in mix_rows(act)]
    if not rows:
        return terminal.new_table()
    y0, y1 = rows[0]["year0"], rows[0]["year1"]
    t = terminal.new_table(title=(f"Ændring i udgift {y0}–{y1}: volumen, pris og mix, 1.000 kr." if lang == "da"
                                  else f"Change of cost {y0}–{y1}: volume, price and mix, DKK 1,000"))
    shown = [k for k in MONEY if k != "rounding" or any(r["rounding"] for r in rows)]
    t.add_column("", no_wrap=True)
    for k in shown:
        t.add_column(MIX_HEAD[lang][MONEY.index(k)].format(y0=y0, y1=y1), justify="right")
    for r in rows:
        key = terminal.group_name(lang, act.by, r[act.by]) if r[act.by] is not None else UNKNOWN[lang]
        t.add_row(key, *[number(r[k], lang) for k in shown])
    return t


def _in_thousands(r: dict) -> dict:
    th = {k: int(round(r[k] / 100_000)) for k in ("cost0", "cost1", "volume", "price", "mix")}
    change = th["cost1"] - th["cost0"]
    return {**r, **th, "change": change, "rounding": change - th["volume"] - th["price"] - th["mix"]}


def activity_csv(act: Activity) -> CsvTable:
    """One row per group and period (year, or month of the budget year), DKK with two decimals."""
    diy = pl.date(pl.col("month").dt.year(), 12, 31).dt.ordinal_day()
    years = act.years.with_columns(pl.col("year").cast(pl.String).alias("period"), pl.col("full_year_persons").alias("per_year"))
    months = (act.months.filter(pl.col("month").dt.year() == act.year)
              .with_columns(pl.col("month").dt.strftime("%Y-%m").alias("period"),
                            (pl.col("full_year_persons") * pl.col("month").dt.days_in_month() / diy).alias("per_year")))
    cols = ["key", "period", "citizens_start", "inflow", *[f"outflow_{r}" for r in REASONS], "citizens_end", "full_year_persons"]
    frame = pl.concat([f.select(*cols, "cost", "expected", "per_year") for f in (years, months)])
    return CsvTable(frame.with_columns(pl.col(c).round(2) for c in cols[2:])
            .with_columns(pl.when(pl.col("per_year") > 0).then(pl.col("cost") / pl.col("per_year") / 100).round(2)
                          .alias("cost_per_full_year_person"), (pl.col("cost") / 100).round(2))
            .drop("per_year").rename({"key": act.by}))


def text(rec, style) -> terminal.Doc:
    """The years (or months) per group, the split of the change of cost, and what the mix would cost."""
    act, lang, monthly = rec.activity, style.lang, rec.monthly
    con = terminal.Doc()
    con.print(f"[bold]{'Aktivitet' if lang == 'da' else 'Activity'} {act.year}[/] "
              f"({'pr. ' if lang == 'da' else 'as of '}{date_text(act.as_of, lang)}; * = {EXPECTED_MARK[lang]})")
    con.print(table(act, lang, monthly))
    con.print(mix_table(act, lang))
    if act.base is not None:
        for r in act.base.iter_rows(named=True):
            if r["difference"] is None:
                continue
            key = r["key"] if r["key"] is not None else UNKNOWN[lang]
            diff = round(r["difference"])
            more = ("mere" if diff > 0 else "mindre") if lang == "da" else ("more" if diff > 0 else "less")
            con.print(f"{key}: med fordelingen fra {r['base_year']} ville årets borgere koste {kroner(abs(diff), lang)} kr. "
                      f"{more} end nu" if lang == "da" else
                      f"{key}: spread over the bands as in {r['base_year']}, this year's citizens would cost DKK "
                      f"{kroner(abs(diff), lang)} {more} than now")
    return con
