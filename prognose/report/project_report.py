"""`prognose project`: the years ahead per account and paragraph, beside the budget, with their
P10–P90 and citizens, and each initiative's effect per year — as data (document), and as a table,
CSV or JSON. Amounts in the document are DKK (2 decimals); in the table whole kroner and, for the
initiatives, million kroner as an action plan shows them."""

from __future__ import annotations

import polars as pl

from prognose.words.locale import kroner, millions, number, shares
from prognose.paragraphs import natural_order
from prognose.report.words import account_name, both, text as text_of
from prognose.projection import Projection
from prognose.report import terminal
from prognose.report.csv_out import CsvTable
from prognose.report.json_out import dkk

WORDS = {
    "da": {"title": "Flerårsoverslag pr. {as_of}", "account": "Konto", "total": "I alt", "budget": "Budget",
           "band": "P10–P90, mio. kr.", "citizens": "Borgere ved årets udgang", "initiatives": "Initiativer, mio. kr.",
           "initiative": "Initiativ", "with": "Med alle initiativer", "baseline": "Uden initiativer",
           "basis": "Året {base} er månedsprognosen; de følgende år er den flyttet med det, bevillingerne siger ændrer sig."},
    "en": {"title": "Years ahead as of {as_of}", "account": "Account", "total": "Total", "budget": "Budget",
           "band": "P10–P90, DKK m", "citizens": "Citizens at the year's end", "initiatives": "Initiatives, DKK m",
           "initiative": "Initiative", "with": "With every initiative", "baseline": "Without initiatives",
           "basis": "The year {base} is the monthly forecast; the years after move it by what the grants say changes."},
}


def _sums(cells: pl.DataFrame, key: str) -> pl.DataFrame:
    return cells.group_by(pl.col(key), "year").agg(pl.col("ore").sum())


def document(rec, style) -> dict:
    return projection_document(rec.projection)


def csv(rec, style) -> CsvTable:
    return projection_csv(rec.projection)


def projection_document(p: Projection) -> dict:
    citizens = {(r["paragraph"], r["year"]): r["citizens"] for r in p.citizens.iter_rows(named=True)}
    years = []
    for y in p.years:
        cells = p.cells.filter(pl.col("year") == y)
        budget = p.budget.filter(pl.col("year") == y)
        low, high = p.band(y) if p.has_band(y) else (None, None)
        accounts = _sums(cells, "account").join(budget.select("account", pl.col("ore").alias("b")), on="account", how="full",
                                                coalesce=True).sort("account")
        paragraphs = _sums(cells.filter(pl.col("paragraph").is_not_null()), "paragraph").sort(natural_order("paragraph"))
        entry = {"year": y, "total": {"projection": dkk(p.total(y)), "budget": dkk(int(budget.get_column("ore").sum())) if budget.height
                                      else None, "p10": dkk(low), "p90": dkk(high),
                                      "citizens": round(citizens.get((None, y), 0.0))},
                 "accounts": [{"account": r["account"], "projection": dkk(r["ore"] or 0), "budget": dkk(r["b"])}
                              for r in accounts.iter_rows(named=True)],
                 "paragraphs": [{"paragraph": r["paragraph"], "projection": dkk(r["ore"]),
                                 "citizens": round(citizens.get((r["paragraph"], y), 0.0))} for r in paragraphs.iter_rows(named=True)]}
        if p.with_initiatives is not None:
            entry["total"]["with_initiatives"] = dkk(p.total(y, p.with_initiatives))
        years.append(entry)
    return {"as_of": p.as_of.isoformat(), "base_year": p.base_year, "years": years,
            "initiatives": [{"name": name, "effects": {str(y): dkk(v) for y, v in effects.items()}} for name, effects in p.effects],
            "notes": [both(n) for n in p.notes]}


def projection_csv(p: Projection) -> CsvTable:
    """One row per year and account: the projection, and the budget where the file has one (the
    revised budget of the as-of year, the adopted one of a year ahead)."""
    accounts = _sums(p.cells, "account").join(p.budget.rename({"ore": "budget"}), on=["account", "year"], how="full",
                                              coalesce=True).sort("year", "account")
    return CsvTable(accounts.select("year", "account", (pl.col("ore").fill_null(0) / 100).round(2).alias("projection"),
                                    (pl.col("budget") / 100).round(2).alias("budget_file")))


def table(p: Projection, lang: str, names: bool = True, stacked: bool = False):
    """Accounts × years; with the accounts' names where the terminal has room for them; stacked:
    the labels may wrap and each range goes on two lines (a large municipality at 80 columns)."""
    w = WORDS[lang]
    t = terminal.new_table(title=w["title"].format(as_of=p.as_of.strftime("%d.%m.%Y") if lang == "da" else p.as_of.isoformat()))
    t.add_column(w["account"], no_wrap=not stacked)
    dash = "–\n" if stacked else "–"
    for y in p.years:
        t.add_column(str(y), justify="right")
    sums = _sums(p.cells, "account")
    accounts = sorted(sums.get_column("account").unique().drop_nulls().to_list())
    ore = {y: dict(sums.filter(pl.col("year") == y).select("account", "ore").iter_rows()) for y in p.years}
    # each year's accounts as every output shows them: the shares of the year's total (report/figures.py)
    kr = {y: dict(zip(accounts, shares(ore[y].get(a, 0) for a in accounts))) for y in p.years}
    for account in accounts:
        shown = f"{account} {account_name(account, lang)}"[:40] if names else account
        t.add_row(shown, *[number(kr[y][account], lang) for y in p.years])
    t.add_section()
    t.add_row(f"[bold]{w['total']}[/]", *[f"[bold]{kroner(p.total(y), lang)}[/]" for y in p.years])
    t.add_row(w["budget"], *[kroner(int(p.budget.filter(pl.col("year") == y).get_column("ore").sum()), lang)
                             if p.budget.filter(pl.col("year") == y).height else "–" for y in p.years])
    t.add_row(w["band"], *[(lambda b: f"{millions(b[0], lang)}{dash}{millions(b[1], lang)}")(p.band(y)) if p.has_band(y) else "–"
                           for y in p.years])
    people = dict((r["year"], r["citizens"]) for r in p.citizens.filter(pl.col("paragraph").is_null()).iter_rows(named=True))
    t.add_row(w["citizens"], *[number(people.get(y, 0.0), lang) for y in p.years])
    return t


def initiatives_table(p: Projection, lang: str):
    """Initiative × year in million kroner, with their total and the projection with all of them."""
    w = WORDS[lang]
    t = terminal.new_table(title=w["initiatives"])
    t.add_column(w["initiative"], no_wrap=False)
    for y in p.years:
        t.add_column(str(y), justify="right")
    t.add_row(w["baseline"], *[millions(p.total(y), lang) for y in p.years])
    for name, effects in p.effects:
        t.add_row(name, *[millions(effects[y], lang) for y in p.years])
    t.add_section()
    t.add_row(f"[bold]{w['total']}[/]", *[f"[bold]{millions(sum(e[y] for _, e in p.effects), lang)}[/]" for y in p.years])
    t.add_row(w["with"], *[millions(p.total(y, p.with_initiatives), lang) for y in p.years])
    return t


def text(rec, style) -> terminal.Doc:
    """The years per account and paragraph beside the budget, the initiatives, and the notes."""
    p, lang = rec.projection, style.lang
    con = terminal.Doc()
    con.print(terminal.Fitting((table(p, lang),), (table(p, lang, names=False),), (table(p, lang, names=False, stacked=True),)))
    con.print(WORDS[lang]["basis"].format(base=p.base_year))
    if p.effects:
        con.print("")
        con.print(initiatives_table(p, lang))
    for note in p.notes:
        con.print(text_of(note, lang))
    return con
