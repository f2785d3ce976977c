"""The social director's report as data (pure): everything the Excel workbook shows, from snapshots.

Built from a snapshot, the one before it and the year's history, so the report shows exactly what
`run`, `diff` and `history` showed. Amounts are integer øre; the renderer (excel.py) turns them
into DKK cells. No citizen identifier is in it unless `citizens` is asked for (pseudonyms only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from prognose import components, views
from prognose.diff import Bridge
from prognose.words.locale import in_sentence
from prognose.report import figures
from prognose.report.activity_report import movement_sentence
from prognose.report.words import account_name, label, month_name, paragraph_name

# a bridge cause as the overview's sentence names it ("…, primært nye bevillinger" / "…, mainly new grants")
CAUSE_SENTENCE = {
    "new grants": ("nye bevillinger", "new grants"), "ended grants": ("ophørte bevillinger", "ended grants"),
    "end date moved": ("ændrede slutdatoer", "changed end dates"),
    "changed grants": ("ændrede takster og planer", "changed rates and plans"),
    "closed months": ("bogføringen i den lukkede måned", "the bookings of the month that closed"),
    "unexplained part": ("udgifter uden bevilling", "costs no grant explains"), "another budget year": ("et nyt budgetår", "a new budget year"),
    "other changes": ("øvrige ændringer", "other changes"),
    "refusion": ("refusionen for særligt dyre enkeltsager", "the refund of expensive single cases"),
    "adjustments": ("controllerens skøn", "the controller's adjustments"),
}


def cause_words(cause: str, lang: str) -> str:
    """A bridge cause as the overview's sentence names it; a component's as its registry record does."""
    if cause in CAUSE_SENTENCE:
        return CAUSE_SENTENCE[cause][0 if lang == "da" else 1]
    found = components.by_name().get(cause.removeprefix("buffer "))
    return label(lang, f"{found.name}.cause") if found is not None else cause


def _named(table: pl.DataFrame, key: str, name) -> pl.DataFrame:
    """A view (views.by) with each row's name beside its key."""
    names = pl.Series("name", [name(k) for k in table.get_column(key)], dtype=pl.String)
    return table.select(key).with_columns(names).hstack(table.select(views.FIGURES))


def _band(snap) -> dict | None:
    """P10 and P90 of the year's total (øre), where the run drew them."""
    band = snap.total_band
    return None if band is None else {"p10": band[0], "p90": band[1]}


def _totals(snap) -> dict:
    """A snapshot's year in total (øre): budget, forecast, deviation, and P10/P90 where drawn."""
    t = views.total(views.by(snap, "account"))
    band = _band(snap) or {"p10": None, "p90": None}
    return {"budget": t["budget"], "forecast": t["forecast"], "deviation": t["deviation"], **band}


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
    bridge_totals: dict | None    # forecast_from, forecast_to, change, budget_change, budget_from, budget_to
    buffers: list[dict]
    freshness: pl.DataFrame       # source, latest posting date, rows
    inputs: list[dict]
    settings: list[list]
    engine_version: str
    sentences: list[str]
    citizens: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # how the input was read where it was not as agreed
    refusion: dict | None = None  # refusion_report.refund_document of the snapshot, where the engine forecast a refund
    activity: object | None = None  # activity.Activity per paragraph, from the snapshot's grants and buffer lines
    interval: dict | None = None  # p10, p90 of the year's total (øre), where the run drew them
    adjustments: list[dict] = field(default_factory=list)
    largest: pl.DataFrame | None = None   # with citizens: each paragraph's largest grants (explain.largest_grants)
    projection: object | None = None      # projection.Projection: the years ahead, with the initiatives
    followup: pl.DataFrame | None = None  # commands.followup.per_team: the month's follow-up per team (no citizens)
    notes: list[str] = field(default_factory=list)   # what the forecast read one way where another was possible
    highlight: float = 3.0        # percent of a row's budget an overspend must pass to be marked (display.highlight_percent)

    @property
    def total(self) -> dict[str, int]:
        return {c: int(self.accounts.get_column(c).sum()) for c in ("budget", "actual_to_date", "forecast", "deviation")}

    def shown_components(self) -> list[tuple[str, int]]:
        """The parts not yet booked in whole kroner, as page 2 and the buffers' sheet show them
        (report/figures.py): adding up to the forecast shown less what is booked shown."""
        tot = self.total
        kr = figures.parts([v for _, v in self.components], tot["forecast"], tot["actual_to_date"])
        return [(k, v) for (k, _), v in zip(self.components, kr)]

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


def since_words(before: dt.date, as_of: dt.date, lang: str) -> str:
    """'sidste måned' where the forecast before is the month before's, else its date: a snapshot two
    months old is not last month's."""
    if (as_of.year * 12 + as_of.month) - (before.year * 12 + before.month) == 1:
        return "sidste måned" if lang == "da" else "last month"
    if lang == "da":
        return f"pr. {before.day}. {month_name(before.month)} {before.year}"
    return f"as of {before.isoformat()}"


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
        since = since_words(dt.date.fromisoformat(previous["from"]), as_of, lang)
        if lang == "da":
            direction = "mere" if change >= 0 else "mindre"
            s2 = f"Prognosen er {mio(change, lang)} {direction} end {since}"
            s2 += f", primært {cause_words(cause, 'da')}." if cause else "."
        else:
            direction = "higher" if change >= 0 else "lower"
            s2 = f"The forecast is {mio(change, lang)} {direction} than {since}"
            s2 += f", mainly {cause_words(cause, 'en')}." if cause else "."
    booked = rep_total["actual_to_date"]
    share = 100 * booked / rep_total["forecast"] if rep_total["forecast"] else 0.0
    parts = dict(comps)
    buffers = sum(parts.get(b, 0) for b in components.buffers())
    adjusted = parts.get("adjustments", 0)
    refund = parts.get("refusion", 0)
    def signed(x: int) -> str:
        return f"{'−' if x < 0 else '+'}{mio(x, lang)}"
    others = [f"{in_sentence(label(lang, k))} ({signed(parts[k])})" for k in components.groups() if parts.get(k)]
    if lang == "da":
        tail = others + ([f"refusion for særligt dyre enkeltsager ({signed(refund)})"] if refund else []) + \
               ([f"controllerens skøn ({signed(adjusted)})"] if adjusted else [])
        s3 = (f"Der er bogført {mio(booked, 'da')} ({share:.0f} % af det forventede regnskab); resten er kendte bevillinger "
              f"({mio(parts.get('grants', 0), 'da')}), udgifter uden bevilling ({mio(parts.get('unexplained', 0), 'da')}), "
              f"de seks buffere ({signed(buffers)})" + "".join(f", {t}" for t in tail[:-1]) + (f" og {tail[-1]}" if tail else "") + ".")
    else:
        tail = others + ([f"the refund of expensive single cases ({signed(refund)})"] if refund else []) + \
               ([f"the controller's adjustments ({signed(adjusted)})"] if adjusted else [])
        s3 = (f"{mio(booked, 'en')} has been booked ({share:.0f} % of the forecast); the rest is known grants "
              f"({mio(parts.get('grants', 0), 'en')}), costs no grant explains ({mio(parts.get('unexplained', 0), 'en')}), "
              f"the six buffers ({signed(buffers)})" + "".join(f", {t}" for t in tail[:-1]) + (f" and {tail[-1]}" if tail else "") + ".")
    return [s for s in (s1, s2, s3) if s]




# what the report reads of its snapshot's inputs besides the postings (given to build() on their own,
# so the largest input is let go as soon as the budget profile and the freshness are made): the
# adjustments, the budget file and the initiatives
POSTINGS = ["posting_date", "period", "amount", "source"]   # the postings' columns the profile and freshness need
DIRECTOR_INPUTS = {"list_adjustments": None,
                   "budget": None, "list_initiatives": None}


def build(snap, previous, history: list, bridge: Bridge | None, lang: str, sign: str,
          citizens: list[dict] | None = None, highlight: float = 3.0, postings: pl.DataFrame | None = None) -> Report:
    """snap, previous: snapshots (previous may be None), snap loaded with DIRECTOR_INPUTS; history:
    snapshots of the year up to snap; postings: the snapshot's postings (POSTINGS columns)."""
    accounts = _named(views.by(snap, "account"), "account", lambda a: account_name(a, lang))
    paragraphs = _named(views.by(snap, "paragraph"), "paragraph", lambda p: paragraph_name(p, lang))
    comp = views.components(snap)
    comps = [("grants", comp["grants"]), ("unexplained", comp["unexplained"]), *comp["buffers"].items(),
             *[(g, comp[g]) for g in components.groups()], ("refusion", comp["refusion"])]
    comps += [("adjustments", comp["adjustments"])] if comp["adjustments"] else []
    months = views.months(snap)
    budget_total = int(accounts.get_column("budget").sum())
    # the largest input: read once, and only what the profile and the freshness need
    profile = _budget_profile(postings, snap.meta["year"], budget_total)
    months = profile.join(months, on="month", how="left").with_columns(pl.col("actual", "expected").fill_null(0)).select(
        "month", "actual", "expected", "budget")
    hist = pl.DataFrame([{"as_of": dt.date.fromisoformat(s.as_of), **_totals(s)} for s in history],
                        schema={"as_of": pl.Date, "budget": pl.Int64, "forecast": pl.Int64, "deviation": pl.Int64,
                                "p10": pl.Int64, "p90": pl.Int64})
    bridge_rows, totals = None, None
    if bridge is not None:
        bridge_rows = bridge.causes().select("cause", "detail", "amount")
        totals = {"forecast_from": bridge.forecast_from, "forecast_to": bridge.forecast_to, "change": bridge.change,
                  "budget_change": int(bridge.budget.get_column("change").sum()), "from": bridge.from_as_of,
                  "budget_from": int(bridge.budget.get_column("budget_from").sum()),
                  "budget_to": int(bridge.budget.get_column("budget_to").sum()),
                  "year_from": bridge.year_from, "year_to": bridge.year_to}
    if postings is not None and postings.height:
        src = pl.coalesce(pl.col("source"), pl.lit("?")) if "source" in postings.columns else pl.lit("?")
        fresh = postings.group_by(src.alias("source")).agg(pl.col("posting_date").max().alias("latest"), pl.len().alias("rows")).sort("source")
    else:
        fresh = pl.DataFrame(schema={"source": pl.String, "latest": pl.Date, "rows": pl.UInt32})
    total = {c: int(accounts.get_column(c).sum()) for c in views.FIGURES}
    band = _band(snap)
    sentences = _sentences(total, lang, snap.as_of_date, totals, bridge_rows, comps, band)
    return Report(lang, sign, snap.year, snap.as_of_date, snap.path.name,
                  previous.path.name if previous is not None else None, accounts, paragraphs, comps, months, hist,
                  bridge_rows, totals, snap.buffers.get("buffers", []), fresh, snap.meta.get("inputs", []),
                  snap.meta.get("settings", []), snap.meta.get("engine_version", ""), sentences, citizens or [],
                  [w["text"][lang] for w in snap.meta.get("warnings", [])], snap.result.get("refusion"), interval=band,
                  highlight=highlight,
                  adjustments=_adjustments(snap.input("list_adjustments"), snap.meta["year"]),
                  notes=[n[lang] for n in snap.result.get("notes", []) if lang in n])


def _adjustments(frame: pl.DataFrame | None, year: int) -> list[dict]:
    """The adjustments that count in the budget year, as the report lists them (amounts in øre)."""
    if frame is None:
        return []
    month = pl.coalesce(pl.col("period"), pl.date(pl.col("year"), 12, 1))
    return frame.filter(month.dt.year() == year).sort("account", month).to_dicts()



def with_movement(rep: Report) -> Report:
    """The report with a sentence on page 1 on the largest volume or price movement of the activity."""
    if rep.activity is not None and (line := movement_sentence(rep.activity, rep.lang)):
        rep.sentences.append(line)
    return rep
