"""Terminal and report labels in Danish (default) and English, and the Danish number format."""

from __future__ import annotations

import datetime as dt
import re

LABELS = {
    "da": {
        "account": "Konto", "paragraph": "Paragraf", "provider_type": "Leverandørtype", "month": "Måned",
        "budget": "Korr. budget", "actual_to_date": "Bogført", "forecast": "Forventet regnskab",
        "deviation": "Afvigelse", "deviation_pct": "Afv. %", "actual": "Bogført", "expected": "Forventet",
        "currency": "kr.", "total": "I alt", "grants": "Kendte bevillinger", "unexplained": "Udgifter uden bevilling",
        "refusion": "Refusion, særligt dyre enkeltsager", "adjustments": "Controllerens skøn",
        "title": "Forventet regnskab {year} pr. {as_of}",
        "sign_forecast-budget": "Afvigelse = forventet regnskab − budget: + er merforbrug",
        "sign_budget-forecast": "Afvigelse = budget − forventet regnskab: + er mindreforbrug",
        "unallocated": "ikke fordelt",
        "components": "Heraf endnu ikke bogført",
        "band": "P10–P90, mio. kr.",
        "band_note": "P10–P90: 8 ud af 10 af {draws} simulerede forløb (seed {seed}) ender inden for spændet",
        "band_elsewhere": "Der er ikke plads til P10–P90 her: se det i en bredere terminal, med --format json/csv eller i rapporten",
        "provider.own": "Egne tilbud", "provider.municipality": "Kommunale tilbud", "provider.region": "Regionale tilbud",
        "provider.private": "Private tilbud", "no_provider_type": "Uden leverandørtype",
        "budget_not_by_provider": "Budgettet hører til konti og fordeles ikke på leverandørtyper. Uden leverandørtype: "
                                  "det ingen bevilling forklarer, og bufferne",
        "snapshot_written": "snapshot gemt: {path}",
        "snapshot_kept": "snapshot {name} findes allerede, lavet af de samme filer og indstillinger; beholdt",
        "snapshot_replaced": "snapshot {name} er erstattet: det gamle var lavet af andre filer eller indstillinger (eller --replace)",
        "activity_from_snapshot": "optalt fra snapshot {} (samme filer og indstillinger som nu)",
        "activity_from_extract": "optalt fra udtrækket; prognosen er kørt uden at gemme (intet snapshot af de samme filer)",
        "diff.title": "Forventet regnskab {year}: fra {a} til {b}", "diff.by_title": "Ændring fra {a} til {b}",
        "diff.total": "Ændring i alt", "diff.cause": "Årsag", "diff.detail": "Detalje",
        "diff.before": "Forventet regnskab, før", "diff.now": "Forventet regnskab, nu",
        "diff.budget": "Budgetændringer (flytter afvigelsen, ikke prognosen): {amount} kr.",
        "diff.top": "Største ændringer pr. borger", "diff.citizen": "Borger (pseudonym)", "diff.what": "Hvad",
        "diff.from": " fra {date}", "diff.as_of": " pr. {date}",
        "history.title": "Prognoser over tid", "history.as_of": "Pr.", "history.year": "År", "history.change": "Ændring",
        "history.note": "Ændring = forventet regnskab − det forrige snapshots (samme budgetår)",
        "backtest.title": "Backtest: årsresultat {amount} kr.", "backtest.without": " — uden {what}",
        "backtest.caption": "Fejl i % af årsresultatet; ×12/m, sæson og budget er de simple metoders",
        "backtest.as_of": "Pr. {year}", "backtest.forecast": "Prognose, mio. kr.", "backtest.error": "Fejl kr.",
        "backtest.band": "P10–P90, mio.", "backtest.inside": "Inden for", "yes": "ja", "no": "nej",
        "backtest.mae": "Gennemsnitlig absolut fejl i % af årsresultatet (alle måneder · marts, juni, sept., nov.):",
        "backtest.coverage": "Årsresultatet lå inden for P10–P90 i {inside} af {months} måneder ({share} %; mål 70–90 %: {verdict}).",
        "buffers.head": "Parameter|Værdi|Kilde|Observationer", "buffers.months": "Måneder: ",
        "validate.rows": "rækker", "validate.year": "år", "validate.ok": "Ingen problemer fundet.",
        "validate.postings": "posteringer: bogført {first} … {last}, perioder {periods}",
        "validate.grants": "bevillinger: {n} bevillinger til {citizens} borgere, {open} uden slutdato",
        "note": "bemærk: ", "warning": "advarsel: ",
    },
    "en": {
        "account": "Account", "paragraph": "Paragraph", "provider_type": "Provider type", "month": "Month",
        "budget": "Revised budget", "actual_to_date": "Booked", "forecast": "Forecast",
        "deviation": "Deviation", "deviation_pct": "Dev. %", "actual": "Booked", "expected": "Expected",
        "currency": "DKK", "total": "Total", "grants": "Known grants", "unexplained": "Costs no grant explains",
        "refusion": "Refund, expensive single cases", "adjustments": "Controller's adjustments",
        "title": "Forecast {year} as of {as_of}",
        "sign_forecast-budget": "Deviation = forecast − budget: + is overspend",
        "sign_budget-forecast": "Deviation = budget − forecast: + is underspend",
        "unallocated": "unallocated",
        "components": "Of which not yet booked",
        "band": "P10–P90, DKK m",
        "band_note": "P10–P90: 8 in 10 of {draws} simulated outcomes (seed {seed}) end inside the range",
        "band_elsewhere": "No room for P10–P90 here: see it in a wider terminal, with --format json/csv or in the report",
        "provider.own": "Own provision", "provider.municipality": "Municipal providers", "provider.region": "Regional providers",
        "provider.private": "Private providers", "no_provider_type": "No provider type",
        "budget_not_by_provider": "The budget belongs to accounts and is not split over provider types. No provider type: "
                                  "what no grant explains, and the buffers",
        "snapshot_written": "snapshot saved: {path}",
        "snapshot_kept": "snapshot {name} exists, made from the same files and settings; kept",
        "snapshot_replaced": "snapshot {name} replaced: the old one was made from other files or settings (or --replace)",
        "activity_from_snapshot": "counted from snapshot {} (the same files and settings as now)",
        "activity_from_extract": "counted from the extract; the forecast was run without saving (no snapshot of the same files)",
        "diff.title": "Forecast {year}: from {a} to {b}", "diff.by_title": "Change from {a} to {b}",
        "diff.total": "Total change", "diff.cause": "Cause", "diff.detail": "Detail",
        "diff.before": "Forecast before", "diff.now": "Forecast now",
        "diff.budget": "Budget changes (move the deviation, not the forecast): DKK {amount}",
        "diff.top": "Largest changes per citizen", "diff.citizen": "Citizen (pseudonym)", "diff.what": "What",
        "diff.from": " from {date}", "diff.as_of": " as of {date}",
        "history.title": "Forecasts over time", "history.as_of": "As of", "history.year": "Year", "history.change": "Change",
        "history.note": "Change = forecast − the previous snapshot's (same budget year)",
        "backtest.title": "Backtest: final accounts DKK {amount}", "backtest.without": " — without {what}",
        "backtest.caption": "Error as % of the final accounts; ×12/m, season and budget are the simple methods'",
        "backtest.as_of": "As of", "backtest.forecast": "Forecast, DKK m", "backtest.error": "Error DKK",
        "backtest.band": "P10–P90, m", "backtest.inside": "Inside", "yes": "yes", "no": "no",
        "backtest.mae": "Mean absolute error, % of final (all months · Mar, Jun, Sep, Nov):",
        "backtest.coverage": "The final accounts fell inside P10–P90 in {inside} of {months} months ({share}%; target 70–90%: {verdict}).",
        "buffers.head": "Parameter|Value|Source|Observations", "buffers.months": "Months: ",
        "validate.rows": "rows", "validate.year": "year", "validate.ok": "No problems found.",
        "validate.postings": "postings: posting dates {first} … {last}, periods {periods}",
        "validate.grants": "grants: {n} grants of {citizens} citizens, {open} open-ended",
        "note": "note: ", "warning": "warning: ",
    },
}


def label(lang: str, key: str) -> str:
    if key in LABELS[lang]:
        return LABELS[lang][key]
    found = _registered(key)
    return found.label[lang] if found is not None else key


def component(lang: str, key: str) -> str:
    """A part of the forecast by the one name every table, sheet and sentence gives it: known
    grants, costs no grant explains, the refund, and each registered component ("Buffer: …")."""
    found = _registered(key)
    return found.long_label(lang) if found is not None else LABELS[lang].get(key, key)


def _registered(name: str):
    """The registry's component of that name, if any (components.py; imported here, when asked,
    because the components themselves write their sentences with this module's number formats)."""
    from prognose.components import by_name

    return by_name().get(name)


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "Dødsfald" → "dødsfald", but "STU" and "BPA-sygdom" stay."""
    return name if name[:2].isupper() else name[0].lower() + name[1:]


def whole_kroner(ore: int) -> int:
    """Øre to whole kroner, half up: a shift by whole kroner never changes how a figure rounds, so
    a deviation printed beside its budget and forecast is their difference."""
    return (int(ore) + 50) // 100


def column_kroner(values) -> list[int]:
    """A column's øre as whole kroner that add up to its total in whole kroner: each row rounded on
    the running total, so no row moves more than a krone from its own rounding."""
    out, cum, before = [], 0, 0
    for v in values:
        cum += int(v)
        now = whole_kroner(cum)
        out.append(now - before)
        before = now
    return out


def amount_text(ore: int, lang: str = "da") -> str:
    """An amount with its currency as a sentence writes it: 1.234 kr. (da) or DKK 1,234 (en)."""
    return f"{kroner(ore, lang)} kr." if lang == "da" else f"DKK {kroner(ore, lang)}"


def kroner(ore: int, lang: str = "da", decimals: int = 0) -> str:
    """Whole kroner with thousands separators: 1.234.567 (da) or 1,234,567 (en)."""
    return number(round(ore / 100, decimals), lang, decimals)


def number(value: float, lang: str = "da", decimals: int = 0, signed: bool = False) -> str:
    """A number with thousands separators: 1.234.567 (da) or 1,234,567 (en); signed: always a + or −."""
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−") if lang == "da" else text


def millions(ore: int, lang: str = "da") -> str:
    """Million kroner with one decimal: 359,8 (da) or 359.8 (en)."""
    return number(ore / 100_000_000, lang, 1)


def percent(part: int, whole: int, lang: str = "da") -> str:
    if whole == 0:
        return "–"
    text = f"{100 * part / whole:+.1f}"
    return text.replace(".", ",").replace("-", "−") if lang == "da" else text


def date_text(d: dt.date, lang: str = "da") -> str:
    return d.strftime("%d.%m.%Y") if lang == "da" else d.isoformat()


MONTH_NAMES = {
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
           "December"),
}


def month_name(month: int, lang: str = "da") -> str:
    """The month's name (not the locale's: the same words on every machine)."""
    return MONTH_NAMES[lang][month - 1]


# A buffer's parameters by what they mean (Danish, English); `name[key]` is the parameter for one
# paragraph or band, shown as "name, key".
PARAMS = {
    "arrived_with_grant": ("kommet med bevilling", "arrived with a grant"), "bpa_grants": ("BPA-bevillinger", "BPA grants"),
    "by_month_of_year": ("fordeling over årets måneder", "by month of the year"), "counted": ("medregnet", "counted"),
    "enabled": ("slået til", "enabled"), "ends_expected_not_listed": ("forventede slut uden for listen", "ends expected, not listed"),
    "ends_listed": ("slut på listen", "ends listed"), "events": ("hændelser", "events"),
    "follow_on_not_yet_granted": ("efterfølgende tilbud endnu ikke bevilget", "follow-on not yet granted"),
    "half_life_months": ("halveringstid, måneder", "half-life, months"), "history_years": ("historikkens år", "years of history"),
    "listed": ("på listen", "listed"), "match_text": ("genkendt på teksten", "matched on the text"),
    "match_window_days": ("vindue for match, dage", "match window, days"), "overdue": ("forsinkede", "overdue"),
    "planned_end": ("planlagt ophør", "planned end"),
    "probability_weighted_people": ("personer vægtet med sandsynlighed", "people weighted by probability"),
    "registration_delay_days_median": ("registreringsforsinkelse, median i dage", "registration delay, median days"),
    "season_amplitude": ("sæsonudsving", "season amplitude"), "share_of_bpa_cost": ("andel af BPA-udgiften", "share of BPA cost"),
    "starts_expected_not_listed": ("forventede start uden for listen", "starts expected, not listed"),
    "starts_listed": ("start på listen", "starts listed"), "starts_not_yet_granted": ("start endnu ikke bevilget", "starts not yet granted"),
    "typical_course_days": ("typisk forløb, dage", "typical course, days"),
    "death_rate": ("dødsrate pr. år", "death rate per year"), "monthly_cost": ("udgift pr. måned, kr.", "cost per month, DKK"),
    "new_per_year": ("nye pr. år", "new per year"), "other_end_rate": ("øvrig afgangsrate pr. år", "other outflow rate per year"),
    "relative_risk": ("relativ risiko", "relative risk"),
    "citizens_with_review_date": ("borgere med revurderingsdato i år", "citizens with a review date this year"),
}
SOURCES = {"estimated": ("estimeret", "estimated"), "override": ("buffers.toml", "buffers.toml"), "default": ("standard", "default")}


def param_name(lang: str, name: str) -> str:
    base, _, key = name.partition("[")
    words = PARAMS.get(base)
    text = words[0 if lang == "da" else 1] if words else base
    return f"{text}, {key.rstrip(']')}" if key else text


def value_text(value, lang: str = "da") -> str:
    """A parameter's value as a person reads it: Danish decimals and yes/no, lists and mappings spelt out."""
    if isinstance(value, bool):
        return ("ja" if value else "nej") if lang == "da" else ("yes" if value else "no")
    if isinstance(value, float):
        text = f"{value:.4g}"
        return text.replace(".", ",") if lang == "da" else text
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v, lang)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v, lang) for v in value)
    return str(value)


def source_name(lang: str, source: str) -> str:
    words = SOURCES.get(source)
    return words[0 if lang == "da" else 1] if words else source


# The causes of a change in the forecast (diff.py's keys) as a person reads them
CAUSE_DA = {
    "new grants": "Nye bevillinger", "ended grants": "Ophørte bevillinger", "end date moved": "Ændret slutdato",
    "changed grants": "Ændret takst, omfang eller plan", "closed months": "Lukkede måneder",
    "other changes": "Øvrige ændringer", "another budget year": "Andet budgetår",
}
# causes that are a part of the forecast carry that part's one name (labels.component)
COMPONENT_CAUSES = {"unexplained part": "unexplained", "refusion": "refusion", "adjustments": "adjustments"}
DETAIL_DA = {
    "death": "dødsfald", "moved": "fraflytning", "transition": "overgang", "other": "andet",
    "known grants: booked vs expected": "kendte bevillinger: bogført mod forventet",
    "postings on grants outside the grants file": "posteringer på bevillinger uden for bevillingsudtrækket",
    "rate, quantity, plan or price level": "takst, omfang, plan eller prisniveau",
    "consumed: became grants": "forbrugt: blev til bevillinger",
    "list or assumptions edited, and re-estimated": "liste eller forudsætninger ændret, og genberegnet",
    "re-estimated as time passes": "genberegnet, efterhånden som tiden går",
    "months that closed: booked vs expected": "lukkede måneder: bogført mod forventet",
    "known grants: invoices still to come re-estimated (billing timing)": "kendte bevillinger: udestående fakturaer genberegnet (periodeforskydning)",
    "re-estimated ahead": "genberegnet fremadrettet",
    "a citizen crossed a threshold": "en borger krydsede en tærskel",
    "entered, edited or removed": "indtastet, rettet eller fjernet", "refund re-estimated": "refusionen genberegnet",
    "grant no longer in the case system": "bevilling ikke længere i fagsystemet",
}


def cause_label(c: str, lang: str) -> str:
    if c in COMPONENT_CAUSES:
        return component(lang, COMPONENT_CAUSES[c])
    if _registered(c.removeprefix("buffer ")) is not None:    # a component's cause is named as its lines' origin
        return component(lang, c.removeprefix("buffer "))
    return CAUSE_DA.get(c, c) if lang == "da" else c


# details that name the budget years compared (diff.py writes them with the years filled in)
DETAIL_DA_YEARS = (
    (re.compile(r"^known grants in (\d{4}) against (\d{4})$"), "kendte bevillinger i {} mod {}"),
    (re.compile(r"^the part no grant explains, (\d{4}) against (\d{4})$"), "udgifter uden bevilling, {} mod {}"),
    (re.compile(r"^re-estimated for (\d{4})$"), "genberegnet for {}"),
    (re.compile(r"^refund for (\d{4}) against (\d{4})$"), "refusion for {} mod {}"),
)


def detail_label(d: str, lang: str) -> str:
    if lang != "da" or d is None:
        return d
    if d in DETAIL_DA:
        return DETAIL_DA[d]
    for pattern, text in DETAIL_DA_YEARS:
        m = pattern.match(d)
        if m:
            return text.format(*m.groups())
    return d
