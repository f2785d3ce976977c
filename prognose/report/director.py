"""The social director's report as data (pure): everything the Excel workbook shows, from snapshots.

Built from a snapshot, the one before it and the year's history, so the report shows exactly what
`run`, `diff` and `history` showed. Amounts are integer øre; the renderer (excel.py) turns them
into DKK cells. No citizen identifier is in it unless `citizens` is asked for (pseudonyms only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from prognose.diff import Bridge
from prognose.labels import month_name
from prognose.paragraphs import account_name, paragraph_name

# a bridge cause as the overview's sentence names it ("…, primært nye bevillinger" / "…, mainly new grants")
CAUSE_SENTENCE = {
    "new grants": ("nye bevillinger", "new grants"), "ended grants": ("ophørte bevillinger", "ended grants"),
    "end date moved": ("ændrede slutdatoer", "changed end dates"),
    "changed grants": ("ændrede takster og planer", "changed rates and plans"),
    "closed months": ("bogføringen i den lukkede måned", "the bookings of the month that closed"),
    "unexplained part": ("udgifter uden bevilling", "costs no grant explains"), "another budget year": ("et nyt budgetår", "a new budget year"),
    "buffer youth_transfers": ("ungeovergange", "youth transfers"), "buffer stu": ("STU", "STU"),
    "buffer other_inflow": ("forventet øvrig tilgang", "expected other inflow"), "buffer deaths": ("forventede dødsfald", "expected deaths"),
    "buffer bpa_sickness": ("BPA-sygdom", "BPA sickness"), "buffer other_outflow": ("forventet øvrig afgang", "expected other outflow"),
    "other changes": ("øvrige ændringer", "other changes"),
    "refusion": ("refusionen for særligt dyre enkeltsager", "the refund of expensive single cases"),
    "adjustments": ("controllerens skøn", "the controller's adjustments"),
}


def ore(x: float) -> int:
    return int(round(x * 100))


def mio(amount_ore: int, lang: str) -> str:
    """An amount in words: million kroner with one decimal, or whole kroner below 100.000 kr.
    (where "0,0 mio. kr." would say nothing)."""
    if abs(amount_ore) < 10_000_000:
        text = f"{abs(amount_ore) // 100:,}"
        return text.replace(",", ".") + " kr." if lang == "da" else f"DKK {text}"
    v = abs(amount_ore) / 100 / 1_000_000
    if lang == "da":
        return f"{v:.1f}".replace(".", ",") + " mio. kr."
    return f"DKK {v:.1f}m"


@dataclass
class Report:
    lang: str
    sign: str                     # display convention: "forecast-budget" or "budget-forecast"
    year: int
    as_of: dt.date
    snapshot: str
    previous: str | None
    accounts: pl.DataFrame        # account, name, budget, actual_to_date, forecast, deviation (øre, forecast − budget)
    paragraphs: pl.DataFrame      # paragraph, name, budget, actual_to_date, forecast, deviation
    components: list[tuple[str, int]]
    months: pl.DataFrame          # month, actual, expected, budget (profile)
    history: pl.DataFrame         # as_of, budget, forecast, deviation (+ p10, p90 where known)
    bridge: pl.DataFrame | None   # cause, detail, amount
    bridge_totals: dict | None    # forecast_from, forecast_to, change, budget_change
    buffers: list[dict]
    freshness: pl.DataFrame       # source, latest posting date, rows
    inputs: list[dict]
    settings: list[list]
    engine_version: str
    sentences: list[str]
    citizens: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # how the input was read where it was not as agreed
    refusion: dict | None = None  # refusion_report.document of the snapshot, where the engine forecast a refund
    activity: object | None = None  # activity.Activity per paragraph, from the snapshot's grants and buffer lines
    interval: dict | None = None  # p10, p90 of the year's total (øre), where the run drew them
    adjustments: list[dict] = field(default_factory=list)
    largest: pl.DataFrame | None = None   # with citizens: each paragraph's largest grants (explain.largest_grants)   # the controller's adjustments the snapshot read, with their notes
    highlight: float = 3.0        # percent of a row's budget an overspend must pass to be marked (display.highlight_percent)

    @property
    def total(self) -> dict[str, int]:
        return {c: int(self.accounts.get_column(c).sum()) for c in ("budget", "actual_to_date", "forecast", "deviation")}

    def marked(self, budget: int, deviation: int) -> bool:
        """An overspend worth the director's eye: at least `highlight` percent of its budget."""
        return budget > 0 and deviation > 0 and 100 * deviation >= self.highlight * budget

    def drivers(self, n: int = 3) -> list[dict]:
        """The paragraphs that drive the year's deviation: the n largest in its direction, with
        their share of it."""
        dev = self.total["deviation"]
        rows = self.paragraphs.filter(pl.col("deviation").sign() == (1 if dev >= 0 else -1))
        rows = rows.sort(pl.col("deviation").abs(), "paragraph", descending=[True, False]).head(n)
        return [{**r, "share": (r["deviation"] / dev if dev else 0.0)} for r in rows.iter_rows(named=True)]

    def timing(self) -> tuple[int, int]:
        """The deviation split in what is booked against the budget profile up to the as-of month
        and what is still expected against the rest of it; the two add up to the deviation."""
        closed = self.months.filter(pl.col("month") <= self.as_of.replace(day=1))
        to_date = int((closed.get_column("actual") - closed.get_column("budget")).sum())
        return to_date, self.total["deviation"] - to_date


def _budget_profile(postings: pl.DataFrame | None, year: int, budget: int) -> pl.DataFrame:
    """The budget spread over the months as last year's bookings were (evenly without them)."""
    months = pl.DataFrame({"month": pl.date_range(dt.date(year, 1, 1), dt.date(year, 12, 1), "1mo", eager=True)})
    share = None
    if postings is not None and postings.height:
        last = (postings.filter(pl.col("period").dt.year() == year - 1)
                .group_by(pl.col("period").dt.month().alias("m")).agg(pl.col("amount").sum()))
        if last.height == 12 and int(last.get_column("amount").sum()) > 0:
            share = last.with_columns((pl.col("amount") / pl.col("amount").sum()).alias("share")).select("m", "share")
    if share is None:
        share = pl.DataFrame({"m": list(range(1, 13)), "share": [1 / 12] * 12})
    prof = months.with_columns(pl.col("month").dt.month().cast(share.schema["m"]).alias("m")).join(share, on="m").sort("month")
    # whole øre that add up to the budget exactly
    cum = (prof.get_column("share").cum_sum() * budget).round(0).cast(pl.Int64)
    return prof.select("month").with_columns(cum.diff().fill_null(cum.first()).alias("budget"))


def _range(budget: int, band: dict | None, lang: str) -> str:
    """The P10–P90 of the year's result in words, as a deviation from the budget."""
    if band is None:
        return ""
    text = _range_words(band["p10"] - budget, band["p90"] - budget, lang)
    return text if text.endswith(".") else text + "."


def _range_words(low: int, high: int, lang: str) -> str:
    if lang == "da":
        def what(x): return f"{'et merforbrug' if x > 0 else 'et mindreforbrug'} på {mio(x, lang)}"
        if low > 0 or high < 0:
            word = "merforbrug" if low > 0 else "mindreforbrug"
            a, b = sorted((abs(low), abs(high)))
            return f" Med 80 % sandsynlighed bliver {word}et mellem {mio(a, lang).replace(' mio. kr.', '')} og {mio(b, lang)}"
        return f" Med 80 % sandsynlighed lander regnskabet mellem {what(low)} og {what(high)}"
    def what_en(x): return f"{'an overspend' if x > 0 else 'an underspend'} of {mio(x, lang)}"
    if low > 0 or high < 0:
        word = "overspend" if low > 0 else "underspend"
        a, b = sorted((abs(low), abs(high)))
        return f" With 80 % probability the {word} lies between {mio(a, lang)} and {mio(b, lang)}"
    return f" With 80 % probability the result lies between {what_en(low)} and {what_en(high)}"


def _sentences(rep_total: dict, lang: str, as_of: dt.date, previous: dict | None, bridge: pl.DataFrame | None,
               comps: list[tuple[str, int]], band: dict | None = None) -> list[str]:
    dev = rep_total["deviation"]
    pct = 100 * dev / rep_total["budget"] if rep_total["budget"] else 0.0
    pct_text = f"{abs(pct):.1f}".replace(".", ",") if lang == "da" else f"{abs(pct):.1f}"
    date = f"{as_of.day}. {month_name(as_of.month)} {as_of.year}" if lang == "da" else as_of.isoformat()
    if lang == "da":
        what = "merforbrug" if dev > 0 else "mindreforbrug"
        s1 = f"Forventet {what} {mio(dev, lang)} ({pct_text} %) i forhold til det korrigerede budget pr. {date}."
        s1 += _range(rep_total["budget"], band, lang)
    else:
        what = "overspend" if dev > 0 else "underspend"
        s1 = f"Expected {what} of {mio(dev, lang)} ({pct_text} %) against the revised budget as of {date}."
        s1 += _range(rep_total["budget"], band, lang)
    s2 = ""
    if previous is not None and bridge is not None:
        change = previous["change"]
        main = (bridge.group_by("cause").agg(pl.col("amount").sum())
                .filter(pl.col("amount").sign() == (1 if change >= 0 else -1))
                .sort(pl.col("amount").abs(), "cause", descending=[True, False]).head(1))
        cause = main.get_column("cause").to_list()[0] if main.height else None
        if lang == "da":
            direction = "mere" if change >= 0 else "mindre"
            s2 = f"Prognosen er {mio(change, lang)} {direction} end sidste måned"
            s2 += f", primært {CAUSE_SENTENCE.get(cause, (cause, cause))[0]}." if cause else "."
        else:
            direction = "higher" if change >= 0 else "lower"
            s2 = f"The forecast is {mio(change, lang)} {direction} than last month"
            s2 += f", mainly {CAUSE_SENTENCE.get(cause, (cause, cause))[1]}." if cause else "."
    booked = rep_total["actual_to_date"]
    share = 100 * booked / rep_total["forecast"] if rep_total["forecast"] else 0.0
    parts = dict(comps)
    buffers = sum(v for k, v in comps if k not in ("grants", "unexplained", "refusion", "adjustments"))
    adjusted = parts.get("adjustments", 0)
    refund = parts.get("refusion", 0)
    def signed(x: int) -> str:
        return f"{'−' if x < 0 else '+'}{mio(x, lang)}"
    if lang == "da":
        tail = ([f"refusion for særligt dyre enkeltsager ({signed(refund)})"] if refund else []) + \
               ([f"controllerens skøn ({signed(adjusted)})"] if adjusted else [])
        s3 = (f"Der er bogført {mio(booked, 'da')} ({share:.0f} % af det forventede regnskab); resten er kendte bevillinger "
              f"({mio(parts.get('grants', 0), 'da')}), udgifter uden bevilling ({mio(parts.get('unexplained', 0), 'da')}), "
              f"de seks buffere ({signed(buffers)})" + "".join(f", {t}" for t in tail[:-1]) + (f" og {tail[-1]}" if tail else "") + ".")
    else:
        tail = ([f"the refund of expensive single cases ({signed(refund)})"] if refund else []) + \
               ([f"the controller's adjustments ({signed(adjusted)})"] if adjusted else [])
        s3 = (f"{mio(booked, 'en')} has been booked ({share:.0f} % of the forecast); the rest is known grants "
              f"({mio(parts.get('grants', 0), 'en')}), costs no grant explains ({mio(parts.get('unexplained', 0), 'en')}), "
              f"the six buffers ({signed(buffers)})" + "".join(f", {t}" for t in tail[:-1]) + (f" and {tail[-1]}" if tail else "") + ".")
    return [s for s in (s1, s2, s3) if s]




def build(snap, previous, history: list, bridge: Bridge | None, lang: str, sign: str,
          citizens: list[dict] | None = None, highlight: float = 3.0) -> Report:
    """snap, previous: loaded snapshots (previous may be None); history: snapshots of the year up to snap."""
    res = snap.result
    figures = ("budget", "actual_to_date", "forecast", "deviation")
    accounts = pl.DataFrame([{"account": a["account"], "name": account_name(a["account"], lang), **{f: ore(a[f]) for f in figures}}
                             for a in res["accounts"]],
                            schema={"account": pl.String, "name": pl.String, **{f: pl.Int64 for f in figures}})
    paragraphs = pl.DataFrame([{"paragraph": p["paragraph"] or "", "name": paragraph_name(p["paragraph"], lang),
                                **{f: ore(p[f]) for f in figures}} for p in res.get("paragraphs", [])],
                              schema={"paragraph": pl.String, "name": pl.String, **{f: pl.Int64 for f in figures}})
    comps = [("grants", ore(res["components"]["grants"])), ("unexplained", ore(res["components"].get("unexplained", 0.0)))]
    comps += [(k, ore(v)) for k, v in res["components"]["buffers"].items()]
    comps += [("refusion", ore(res["components"].get("refusion", 0.0)))]
    if res["components"].get("adjustments"):
        comps += [("adjustments", ore(res["components"]["adjustments"]))]
    months = pl.DataFrame([{"month": dt.date.fromisoformat(m["month"] + "-01"), "actual": ore(m["actual"]), "expected": ore(m["expected"])}
                           for m in res["months"]], schema={"month": pl.Date, "actual": pl.Int64, "expected": pl.Int64})
    budget_total = int(accounts.get_column("budget").sum())
    # the largest input: read once, and only what the profile and the freshness need
    postings = snap.input("postings", ["posting_date", "period", "amount", "source"])
    profile = _budget_profile(postings, snap.meta["year"], budget_total)
    months = profile.join(months, on="month", how="left").with_columns(pl.col("actual", "expected").fill_null(0)).select(
        "month", "actual", "expected", "budget")
    hist = pl.DataFrame([{"as_of": dt.date.fromisoformat(s.meta["as_of"]), "budget": ore(s.result["total"]["budget"]),
                          "forecast": ore(s.result["total"]["forecast"]), "deviation": ore(s.result["total"]["deviation"]),
                          "p10": ore(s.result["total"]["interval"]["p10"]) if "interval" in s.result["total"] else None,
                          "p90": ore(s.result["total"]["interval"]["p90"]) if "interval" in s.result["total"] else None}
                         for s in history],
                        schema={"as_of": pl.Date, "budget": pl.Int64, "forecast": pl.Int64, "deviation": pl.Int64,
                                "p10": pl.Int64, "p90": pl.Int64})
    bridge_rows, totals = None, None
    if bridge is not None:
        bridge_rows = bridge.causes().select("cause", "detail", "amount")
        totals = {"forecast_from": bridge.forecast_from, "forecast_to": bridge.forecast_to, "change": bridge.change,
                  "budget_change": int(bridge.budget.get_column("change").sum()), "from": bridge.from_as_of}
    if postings is not None and postings.height:
        src = pl.coalesce(pl.col("source"), pl.lit("?")) if "source" in postings.columns else pl.lit("?")
        fresh = postings.group_by(src.alias("source")).agg(pl.col("posting_date").max().alias("latest"), pl.len().alias("rows")).sort("source")
    else:
        fresh = pl.DataFrame(schema={"source": pl.String, "latest": pl.Date, "rows": pl.UInt32})
    total = {c: int(accounts.get_column(c).sum()) for c in figures}
    band = {q: ore(v) for q, v in res["total"]["interval"].items() if q in ("p10", "p90")} if "interval" in res["total"] else None
    sentences = _sentences(total, lang, dt.date.fromisoformat(snap.meta["as_of"]), totals, bridge_rows, comps, band)
    return Report(lang, sign, snap.meta["year"], dt.date.fromisoformat(snap.meta["as_of"]), snap.path.name,
                  previous.path.name if previous is not None else None, accounts, paragraphs, comps, months, hist,
                  bridge_rows, totals, snap.buffers.get("buffers", []), fresh, snap.meta.get("inputs", []),
                  snap.meta.get("settings", []), snap.meta.get("engine_version", ""), sentences, citizens or [],
                  [w["text"][lang] for w in snap.meta.get("warnings", [])], res.get("refusion"), interval=band, highlight=highlight,
                  adjustments=_adjustments(snap.input("list_adjustments"), snap.meta["year"]))


def _adjustments(frame: pl.DataFrame | None, year: int) -> list[dict]:
    """The adjustments that count in the budget year, as the report lists them (amounts in øre)."""
    if frame is None:
        return []
    month = pl.coalesce(pl.col("period"), pl.date(pl.col("year"), 12, 1))
    return frame.filter(month.dt.year() == year).sort("account", month).to_dicts()

