"""`prognose explain`: what is behind a figure, as a table, CSV or JSON (explain.Explanation)."""

from __future__ import annotations

import polars as pl

from prognose.explain import Explanation
from prognose.words.locale import date_text, kroner, number, percent, shares, value_text, whole_kroner
from prognose.report import figures
from prognose.report.words import component, label, month_name, text as text_of
from prognose.report.words import account_name, paragraph_name
from prognose.report import terminal
from prognose.report.csv_out import CsvTable
from prognose.report.json_out import dkk

WORDS = {  # (Danish, English)
    "title": ("Forventet regnskab {year} pr. {d}: {what}", "Forecast {year} as of {d}: {what}"),
    "account": ("konto", "account"), "paragraph": ("paragraf", "paragraph"), "citizen": ("borger", "citizen"),
    "grant": ("bevilling", "grant"), "provider": ("leverandør", "provider"), "month": ("i {m}", "in {m}"),
    "booked": ("Bogført", "Booked"), "invoices_outstanding": ("Fakturaer for udgift til og med opgørelsen, endnu ikke bogført",
                                                              "Invoices for cost up to the as-of date, not yet booked"),
    "grants_ahead": ("Kendte bevillinger, resten af året", "Known grants, rest of the year"),
    "origin": ("Oprindelse", "Origin"), "contributors": ("Største bidrag", "Largest contributors"),
    "citizen_col": ("Borger", "Citizen"), "grant_col": ("Bevilling", "Grant"), "ahead": ("Resten af året", "Rest of the year"),
    "plan": ("Efter handleplanen", "By the action plan"), "expected": ("Forventet endnu", "Still expected"),
    "lag": ("Faktureringsforsinkelse: {now} måneders udgift udestående ved udgangen af {m}, {end} efter årets "
            "supplementsperiode ({source}); udestående ved opgørelsen {owed} kr.",
            "Billing lag: {now} months of cost outstanding at the end of {m}, {end} after the year's supplementary "
            "period ({source}); outstanding at the as-of date DKK {owed}"),
    "own": ("Egen drift: afregnes ikke som fakturaer (ingen faktureringsforsinkelse).",
            "Own provision: not settled by invoices (no billing lag)."),
    "steps": ("Planændring", "Plan step"), "quantity": ("omfang", "quantity"), "rate": ("takst", "rate"), "postings": ("Posteringer bag det bogførte", "Postings behind what is booked"),
}
UNITS = {"year": ("år", "year"), "month": ("måned", "month"), "week": ("uge", "week"), "day": ("døgn", "day"),
         "hour": ("time", "hour")}
SOURCE = {  # lag.LEVELS and the configured default, as a reader understands them
    "provider": ("lært af leverandørens egne fakturaer pr. måned i året", "learned from the provider's own invoices per month of the year"),
    "provider_monthly": ("lært af leverandørens egne fakturaer", "learned from the provider's own invoices"),
    "billing_class+provider_type": ("lært af leverandører med samme faktureringsrytme og type", "learned from providers of the same billing cycle and type"),
    "provider_type+account": ("lært af leverandørtypen på kontoen", "learned from the provider type on the account"),
    "provider_type": ("lært af leverandørtypen", "learned from the provider type"),
    "default": ("standard fra billing.outstanding_months i prognose.toml", "default from billing.outstanding_months in prognose.toml"),
}


def w(key: str, lang: str) -> str:
    return WORDS[key][0 if lang == "da" else 1]


def origin_name(origin: str, lang: str) -> str:
    if origin in ("booked", "invoices_outstanding"):
        return w(origin, lang)
    if origin == "grants":
        return w("grants_ahead", lang)
    return component(lang, origin)





def document(rec, style) -> dict:
    return explain_document(rec.explanation, rec.snapshot)


def explain_document(exp: Explanation, snapshot: str) -> dict:
    doc = {"snapshot": snapshot, "year": exp.year, "as_of": exp.as_of.isoformat(), "by": {exp.key: exp.value},
           "month": exp.month.strftime("%Y-%m") if exp.month else None, "forecast": dkk(exp.forecast),
           "by_origin": {o: dkk(v) for o, v in exp.by_origin.items()},
           **({"budget": dkk(exp.figures["budget"]), "deviation": dkk(exp.figures["deviation"])} if exp.figures else {}),
           "contributors": [{"grant": r["grant_id"], "citizen": r["citizen_id"], "paragraph": r["paragraph"], "account": r["account"],
                             "booked": dkk(r["booked"]), "ahead": dkk(r["ahead"]), "amount": dkk(r["amount"])}
                            for r in exp.contributors.iter_rows(named=True)],
           "notes": [text_of(n, "en") for n in exp.notes]}
    if exp.grant is not None:
        g = exp.grant
        doc["grant"] = {**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in g["grant"].items()},
                        "steps": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in s.items()} for s in g["steps"]],
                        "months": [{"month": r["month"].strftime("%Y-%m"), "plan": dkk(r["plan"]), "booked": dkk(r["booked"]),
                                    "expected": dkk(r["expected"])} for r in g["months"].iter_rows(named=True)],
                        "lag": {k: {"months": r["k"], "source": r["k_source"], "billing_class": r["billing_class"]}
                                for k, r in g["lag"].items()},
                        "outstanding": dkk(g["outstanding"])}
    if exp.postings is not None:
        doc["postings"] = [{**r, "posting_date": r["posting_date"].isoformat(), "period": r["period"].strftime("%Y-%m"),
                            "amount": dkk(r["amount"])} for r in exp.postings.to_dicts()]
    return doc


def _money(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    return frame.with_columns((pl.col(c) / 100).round(2) for c in columns if c in frame.columns)


def table_of(exp: Explanation) -> CsvTable:
    """CSV: the postings (with --postings), a grant's months (--grant), else the contributors."""
    if exp.postings is not None:
        return CsvTable(_money(exp.postings, ("amount",)))
    if exp.grant is not None:
        return CsvTable(_money(exp.grant["months"].with_columns(pl.col("month").dt.strftime("%Y-%m")), ("plan", "booked", "expected")))
    return CsvTable(_money(exp.contributors, ("booked", "ahead", "amount")))


def title(exp: Explanation, lang: str) -> str:
    name = {"account": account_name, "paragraph": paragraph_name}.get(exp.key)
    what = f"{w(exp.key, lang)} {exp.value}" + (f" {name(exp.value, lang)}" if name and name(exp.value, lang) else "")
    if exp.month:
        what += " " + w("month", lang).format(m=exp.month.strftime("%Y-%m"))
    return w("title", lang).format(year=exp.year, d=date_text(exp.as_of, lang), what=what)


def csv(rec, style) -> CsvTable:
    return table_of(rec.explanation)


def text(rec, style) -> terminal.Doc:
    """The figure by origin (the rows add up to it), then a grant's months or the contributors."""
    exp, lang = rec.explanation, style.lang
    con = terminal.Doc()
    con.print(f"[bold]{title(exp, lang)}[/]")
    total = shown_figures(exp)
    if total is not None:
        con.print(figures_line(total, exp.figures, lang, style.sign))
        con.print(f"[dim]{label(lang, f'sign_{style.sign}')}[/]")
    t = terminal.new_table(show_footer=True)
    t.add_column(w("origin", lang), footer=label(lang, "forecast"), no_wrap=False)
    shown = [(o, v) for o, v in exp.by_origin.items() if v]
    # the rows add up to the figure printed under them, and that is the krone run shows for it
    kr = shares((v for _, v in shown), to=total["forecast"] if total is not None else None)
    t.add_column(label(lang, "currency"), justify="right", footer=number(sum(kr), lang))
    for (origin, _), value in zip(shown, kr):
        t.add_row(origin_name(origin, lang), number(value, lang))
    con.print(t)
    if exp.grant is not None:
        _grant(con, exp.grant, exp.as_of, lang)
    elif exp.contributors.height:
        con.print(_contributors(exp.contributors, lang))
    if exp.postings is not None:
        con.print(_postings(exp.postings, lang))
    for note in exp.notes:
        con.print(text_of(note, lang))
    return con


def shown_figures(exp: Explanation) -> dict[str, int] | None:
    """An account's or a paragraph's budget, booked, forecast and deviation in whole kroner as the
    table of every account or paragraph shows them (the sum of its rows there)."""
    if exp.figures is None:
        return None
    mine = figures.whole(exp.table).filter(pl.col(exp.key).is_in(exp.rows))
    return {c: int(mine.get_column(c).sum()) for c in ("budget", "actual_to_date", "forecast", "deviation")}


def figures_line(kr: dict[str, int], ore: dict[str, int], lang: str, sign: str) -> str:
    """Budget, forecast and deviation on one line: the first thing a controller asks of a figure."""
    flip = -1 if sign == "budget-forecast" else 1
    return (f"{label(lang, 'budget')} {number(kr['budget'], lang)} · {label(lang, 'forecast')} {number(kr['forecast'], lang)}"
            f" · {label(lang, 'deviation')} {number(flip * kr['deviation'], lang)} ({percent(flip * ore['deviation'], ore['budget'], lang)} %)")


def _contributors(frame: pl.DataFrame, lang: str):
    t = terminal.new_table(title=w("contributors", lang))
    for head, justify in ((w("grant_col", lang), "left"), (w("citizen_col", lang), "left"), (label(lang, "paragraph"), "left"),
                          (w("booked", lang), "right"), (w("ahead", lang), "right"), (label(lang, "total"), "right")):
        t.add_column(head, justify=justify)
    for r in frame.iter_rows(named=True):
        t.add_row(r["grant_id"] or "", r["citizen_id"] or "", r["paragraph"] or "",
                  *[kroner(r[c], lang) for c in ("booked", "ahead", "amount")])
    return t


def _grant(con, g: dict, as_of, lang: str) -> None:
    info = g["grant"]
    period = f"{date_text(info['start_date'], lang)}–{date_text(info['end_date'], lang) if info['end_date'] else ''}"
    con.print(f"{info['citizen_id']} · {info['paragraph']} {paragraph_name(info['paragraph'], lang)} · {info['account']} · "
              f"{info['provider'] or ''} ({label(lang, 'provider.' + info['provider_type']) if info['provider_type'] else ''}) · "
              f"{period} · {number(info['rate'], lang, 2)} kr. pr. {UNITS.get(info['unit'], (info['unit'],) * 2)[0 if lang == 'da' else 1]}"
              f" × {value_text(info['quantity'], lang)}")
    for s in g["steps"]:
        con.print(f"  {w('steps', lang)}: {date_text(s['effective_date'], lang)}: "
                  + ", ".join(f"{w(k, lang)} {value_text(s[k], lang)}" for k in ("quantity", "rate") if s[k] is not None))
    t = terminal.new_table(show_footer=True)
    months = g["months"]
    t.add_column(label(lang, "month"), footer=label(lang, "total"))
    for c, head in (("plan", w("plan", lang)), ("booked", w("booked", lang)), ("expected", w("expected", lang))):
        t.add_column(head, justify="right", footer=kroner(int(months.get_column(c).sum()), lang))
    for r in months.iter_rows(named=True):
        t.add_row(r["month"].strftime("%Y-%m"), *[kroner(r[c], lang) for c in ("plan", "booked", "expected")])
    con.print(t)
    lag = g["lag"]
    if "now" in lag and lag["now"]["k"] is not None:
        source = SOURCE.get(lag["now"]["k_source"], (lag["now"]["k_source"],) * 2)[0 if lang == "da" else 1]
        con.print(w("lag", lang).format(now=number(lag["now"]["k"], lang, 2), end=number(lag.get("year_end", {}).get("k") or 0.0, lang, 2),
                                         m=month_name(as_of.month, lang), source=source, owed=kroner(g["outstanding"] or 0, lang)))
    elif not g["invoiced"]:
        con.print(w("own", lang))


def _postings(frame: pl.DataFrame, lang: str):
    t = terminal.new_table(title=w("postings", lang), show_footer=True)
    t.add_column("Bogført dato" if lang == "da" else "Posting date", footer=label(lang, "total"))
    t.add_column("Periode" if lang == "da" else "Period")
    t.add_column(label(lang, "currency"), justify="right", footer=kroner(int(frame.get_column("amount").sum()), lang))
    t.add_column("Art" if lang == "da" else "Kind")
    t.add_column(w("grant_col", lang))
    t.add_column(w("citizen_col", lang))
    t.add_column("Tekst" if lang == "da" else "Text", no_wrap=False)
    for r in frame.iter_rows(named=True):
        t.add_row(date_text(r["posting_date"], lang), r["period"].strftime("%Y-%m"), kroner(r["amount"], lang), r.get("art") or "",
                  r.get("grant_id") or "", r.get("citizen_id") or "", r.get("text") or "")
    return t
