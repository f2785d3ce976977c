"""Terminal and report labels in Danish (default) and English, and the Danish number format."""

from __future__ import annotations

import datetime as dt

LABELS = {
    "da": {
        "account": "Konto", "paragraph": "Paragraf", "provider_type": "Leverandørtype", "month": "Måned",
        "budget": "Korr. budget", "actual_to_date": "Bogført", "forecast": "Forventet regnskab",
        "deviation": "Afvigelse", "deviation_pct": "Afv. %", "actual": "Bogført", "expected": "Forventet",
        "total": "I alt", "grants": "Kendte bevillinger", "unexplained": "Ikke bevillingsbestemt",
        "youth_transfers": "Ungeovergang", "stu": "STU start/slut", "other_inflow": "Øvrig tilgang",
        "deaths": "Dødsfald", "bpa_sickness": "BPA-sygdom", "other_outflow": "Øvrig afgang",
        "refusion": "Refusion, særligt dyre enkeltsager",
        "title": "Forventet regnskab {year} pr. {as_of}",
        "sign_forecast-budget": "Afvigelse = forventet regnskab − budget: + er merforbrug",
        "sign_budget-forecast": "Afvigelse = budget − forventet regnskab: + er mindreforbrug",
        "unallocated": "ikke fordelt",
        "components": "Heraf endnu ikke bogført",
        "band": "P10–P90, mio. kr.",
        "band_note": "P10–P90: 8 ud af 10 af {draws} simulerede forløb (seed {seed}) ender inden for spændet",
        "provider.own": "Egne tilbud", "provider.municipality": "Kommunale tilbud", "provider.region": "Regionale tilbud",
        "provider.private": "Private tilbud", "no_provider_type": "Uden leverandørtype",
        "budget_not_by_provider": "Budgettet hører til konti og fordeles ikke på leverandørtyper. Uden leverandørtype: "
                                  "det ingen bevilling forklarer, og bufferne",
        "snapshot_written": "snapshot gemt: {path}",
        "snapshot_kept": "snapshot {name} findes allerede, lavet af de samme filer og indstillinger; beholdt",
        "snapshot_replaced": "snapshot {name} er erstattet: det gamle var lavet af andre filer eller indstillinger (eller --replace)",
        "activity_from_snapshot": "optalt fra snapshot {} (samme filer og indstillinger som nu)",
        "activity_from_extract": "optalt fra udtrækket; prognosen er kørt uden at gemme (intet snapshot af de samme filer)",
    },
    "en": {
        "account": "Account", "paragraph": "Paragraph", "provider_type": "Provider type", "month": "Month",
        "budget": "Revised budget", "actual_to_date": "Booked", "forecast": "Forecast",
        "deviation": "Deviation", "deviation_pct": "Dev. %", "actual": "Booked", "expected": "Expected",
        "total": "Total", "grants": "Known grants", "unexplained": "Not explained by grants",
        "youth_transfers": "Youth transfers", "stu": "STU start/end", "other_inflow": "Other inflow",
        "deaths": "Deaths", "bpa_sickness": "BPA sickness", "other_outflow": "Other outflow",
        "refusion": "Refund, expensive single cases",
        "title": "Forecast {year} as of {as_of}",
        "sign_forecast-budget": "Deviation = forecast − budget: + is overspend",
        "sign_budget-forecast": "Deviation = budget − forecast: + is underspend",
        "unallocated": "unallocated",
        "components": "Of which not yet booked",
        "band": "P10–P90, DKK m",
        "band_note": "P10–P90: 8 in 10 of {draws} simulated outcomes (seed {seed}) end inside the range",
        "provider.own": "Own provision", "provider.municipality": "Municipal providers", "provider.region": "Regional providers",
        "provider.private": "Private providers", "no_provider_type": "No provider type",
        "budget_not_by_provider": "The budget belongs to accounts and is not split over provider types. No provider type: "
                                  "what no grant explains, and the buffers",
        "snapshot_written": "snapshot saved: {path}",
        "snapshot_kept": "snapshot {name} exists, made from the same files and settings; kept",
        "snapshot_replaced": "snapshot {name} replaced: the old one was made from other files or settings (or --replace)",
        "activity_from_snapshot": "counted from snapshot {} (the same files and settings as now)",
        "activity_from_extract": "counted from the extract; the forecast was run without saving (no snapshot of the same files)",
    },
}


def label(lang: str, key: str) -> str:
    return LABELS[lang].get(key, key)


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


def month_text(d: dt.date, lang: str = "da") -> str:
    return d.strftime("%Y-%m")
