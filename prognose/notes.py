"""What the controller should know about a forecast, beside its figures: in Danish and English,
one sentence each, shown under the terminal's table, in the JSON's notes and in the report."""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.bankdays import Pending
from prognose.hindcast import scale
from prognose.labels import date_text, kroner, label, number


def forecast_notes(buffers, results: list, linked_by_citizen, spread: pl.DataFrame, weekend: Pending, lines: pl.DataFrame,
                   bud: pl.DataFrame, year: int, as_of: dt.date) -> list[dict]:
    """What the controller should know about this forecast, in Danish and English. spread: the
    invoices that named only their provider, as linking.spread_by_provider spread them; weekend: the
    invoices of a weekend as-of date still to come (bankdays.pending)."""
    notes = list(buffers.notes) if buffers is not None else []
    if linked_by_citizen.postings:
        n, ore = linked_by_citizen.postings, linked_by_citizen.ore
        notes.append({"da": f"{number(n)} posteringer ({kroner(ore)} kr.) uden bevillings-id er knyttet til borgerens "
                            "eneste løbende bevilling på kontoen",
                      "en": f"{number(n, 'en')} postings (DKK {kroner(ore, 'en')}) without a grant id were linked to the "
                            "citizen's only running grant on the account"})
    if spread.height:
        ore = round(float(spread.get_column("amount").sum()))
        notes.append({"da": f"fakturaer for {kroner(ore)} kr. uden bevilling og borger, hvis tekst nævner leverandøren, tæller "
                            "med i leverandørens faktureringsgrad og faktureringsforsinkelse (de bogførte tal er uændrede)",
                      "en": f"invoices of DKK {kroner(ore, 'en')} with neither grant nor citizen, whose text names the provider, "
                            "count in that provider's billing ratio and billing lag (the booked figures are unchanged)"})
    if weekend.ore:
        notes.append(weekend_note(weekend, as_of))
    notes += [{lang: f"{label(lang, r.name)}: {text}" for lang, text in flag.items()} for r in results for flag in r.flags]
    no_budget = lines.select("account").unique().join(bud, on="account", how="anti").get_column("account").sort().to_list()
    if no_budget:
        accounts = ", ".join(no_budget)
        notes.append({"da": f"intet budget for {year} på konto {accounts}: budgettet regnes som 0",
                      "en": f"no budget for {year} on account(s) {accounts}: their budget counts as 0"})
    return notes


def weekend_note(weekend: Pending, as_of: dt.date) -> dict[str, str]:
    """Why the weekend's invoices are counted (bankdays.py), in the controller's words."""
    days = {"da": "lørdagen" if weekend.days == 1 else "lørdag og søndag",
            "en": "the Saturday" if weekend.days == 1 else "Saturday and Sunday"}
    return {"da": f"opgørelsesdatoen {date_text(as_of)} falder i en weekend, og kommunens egne posteringer viser, at der "
                  f"ikke bogføres i weekender: fakturaer for {days['da']} bogføres først på næste hverdag; prognosen "
                  f"regner med {kroner(weekend.ore)} kr. herfor",
            "en": f"the as-of date {date_text(as_of, 'en')} falls on a weekend, and the municipality's own postings show no "
                  f"bookings at weekends: invoices for {days['en']} are booked on the next weekday; the forecast counts "
                  f"DKK {kroner(weekend.ore, 'en')} for them"}


def backtest_notes(past: list, band) -> list[dict[str, str]]:
    """How the engine's own forecasts of earlier years did, and what that did to the range
    (hindcast.py); past: hindcast.Past."""
    if not past or band is None:
        return []
    factor = scale(past)
    da = "; ".join(f"pr. {date_text(p.as_of)} for {p.year} ramte den regnskabet med {_percent(p, 'da')} "
                   f"({number(abs(p.z), 'da', 1)} gange sin egen spredning)" for p in past)
    en = "; ".join(f"as of {date_text(p.as_of, 'en')} for {p.year} it was {_percent(p, 'en')} off the final accounts "
                   f"({number(abs(p.z), 'en', 1)} times its own spread)" for p in past)
    return [{"da": f"motorens egen prognose på samme tid i et tidligere år, lavet med det den vidste dengang: {da}; "
                   f"udfaldsrummet er derfor {number(factor, 'da', 2)} gange så bredt som beregnet",
             "en": f"the engine's own forecast at the same time of an earlier year, made with what it knew then: {en}; "
                   f"the range is therefore {number(factor, 'en', 2)} times as wide as computed"}]


def _percent(p, lang: str) -> str:
    return number(100 * (p.forecast - p.final) / p.final if p.final else 0.0, lang, 2, signed=True) + " %"
