"""How a language writes numbers, money, dates and messages: the one place a figure becomes text
(writers alone call it). Money is held in øre everywhere else; here it is rounded for the reader,
the whole half up on whole kroner and its parts by the one rule of shares(), so the rows shown add
up to the total shown and every output shows the same kroner for the same figure."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Mapping

from prognose.words.message import Message


def whole_kroner(ore: int) -> int:
    """Øre to whole kroner, half up: a shift by whole kroner never changes how a figure rounds, so
    a deviation printed beside its budget and forecast is their difference."""
    return (int(ore) + 50) // 100


def shares(values, to: int | None = None) -> list[int]:
    """The one rule by which parts of a whole become whole kroner: the whole is rounded half up
    (or is `to`, in kroner, where the whole is shown elsewhere already), each part is cut to its
    whole kroner, and the kroner still missing go one each to the parts with the most øre cut off
    (on a tie the larger part, then the earlier). So the parts shown add up to the whole shown, each
    lies within a krone of its øre, and a part is shown alike wherever the same parts are shown, in
    whatever order — unlike rounding on a running total, which gives a row another krone in another
    table."""
    ore = [int(v) for v in values]
    target = whole_kroner(sum(ore)) if to is None else int(to)
    out = [v // 100 for v in ore]
    missing = target - sum(out)
    order = sorted(range(len(ore)), key=lambda i: (-(ore[i] % 100), -ore[i], i))
    if not order:
        return out
    for n in range(abs(missing)):
        i = order[n % len(order)] if missing > 0 else order[-1 - n % len(order)]
        out[i] += 1 if missing > 0 else -1
    return out


def number(value: float, lang: str = "da", decimals: int = 0, signed: bool = False) -> str:
    """A number with thousands separators: 1.234.567 (da) or 1,234,567 (en); signed: always a + or −."""
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−") if lang == "da" else text


def kroner(ore: int, lang: str = "da", decimals: int = 0) -> str:
    """Whole kroner (half up, as every figure is rounded) with thousands separators: 1.234.567 (da)
    or 1,234,567 (en)."""
    return number(whole_kroner(ore) if decimals == 0 else round(ore / 100, decimals), lang, decimals)


def amount_text(ore: int, lang: str = "da") -> str:
    """An amount with its currency as a sentence writes it: 1.234 kr. (da) or DKK 1,234 (en)."""
    return f"{kroner(ore, lang)} kr." if lang == "da" else f"DKK {kroner(ore, lang)}"


def millions(ore: int, lang: str = "da") -> str:
    """Million kroner with one decimal: 359,8 (da) or 359.8 (en)."""
    return number(ore / 100_000_000, lang, 1)


def percent(part: int, whole: int, lang: str = "da") -> str:
    if whole == 0:
        return "–"
    text = f"{100 * part / whole:+.1f}"
    return text.replace(".", ",").replace("-", "−") if lang == "da" else text


def fixed(value: float, spec: str, lang: str = "da") -> str:
    """A number in a Python format (".1f"), with the language's decimal mark and no grouping."""
    text = format(value, spec)
    return text.replace(".", ",") if lang == "da" else text


def date_text(d: dt.date, lang: str = "da") -> str:
    return d.strftime("%d.%m.%Y") if lang == "da" else d.isoformat()


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "Dødsfald" → "dødsfald", but "STU" and "BPA-sygdom" stay."""
    return name if name[:2].isupper() else name[0].lower() + name[1:]


class _Filler(string.Formatter):
    """Fills a catalogue entry's places with a locale's ways of writing them:
    `{x:kr}` øre as whole kroner · `{x:n}`, `{x:n1}` a number grouped (0 or 1 decimal) ·
    `{x:.1f}` a fixed number · `{x:one|other}` the first word where x is 1 (or true), else the
    second · `{x:w}` x is a key of the catalogue · `{x:§}` a paragraph as a Danish compound writes
    it (SEL 108 → §108) · a date as the language writes dates · a message in words · a list
    joined by commas."""

    def __init__(self, locale: "Locale") -> None:
        self.locale = locale

    def format_field(self, value, spec: str) -> str:
        loc = self.locale
        if isinstance(value, (list, tuple)):
            return ", ".join(self.format_field(v, spec) for v in value)
        if value is None:
            return ""
        if isinstance(value, Message):
            return loc.text(value)
        if "|" in spec:
            one, other = spec.split("|", 1)
            return one if value == 1 else other
        if spec == "kr":
            return kroner(value, loc.lang)
        if spec in ("n", "n1"):
            return number(value, loc.lang, 1 if spec == "n1" else 0)
        if spec == "w":
            return loc.word(str(value))
        if spec == "§":
            return str(value).replace("SEL ", "§")
        if isinstance(value, dt.date):
            return date_text(value, loc.lang)
        if spec.endswith("f") and isinstance(value, (int, float)):
            return fixed(value, spec, loc.lang)
        return format(value, spec)


@dataclass(frozen=True)
class Locale:
    """A language's words (its catalogue, with what the components bring) and how it writes figures."""
    lang: str
    words: Mapping[str, str]

    def word(self, key: str) -> str:
        """The catalogue's words for a key (a key it does not hold is shown as it is)."""
        return self.words.get(key, key)

    def text(self, what: Message | str, **values) -> str:
        """A message (or a key with its values) in words."""
        if isinstance(what, Message):
            key, values = what.key, {**what.values, **values}
        else:
            key = what
        template = self.words.get(key)
        if template is None:
            return key
        return _Filler(self).vformat(template, (), values) if values else template

    def number(self, value: float, decimals: int = 0, signed: bool = False) -> str:
        return number(value, self.lang, decimals, signed)

    def kroner(self, ore: int, decimals: int = 0) -> str:
        return kroner(ore, self.lang, decimals)

    def amount(self, ore: int) -> str:
        return amount_text(ore, self.lang)

    def millions(self, ore: int) -> str:
        return millions(ore, self.lang)

    def percent(self, part: int, whole: int) -> str:
        return percent(part, whole, self.lang)

    def date(self, d: dt.date) -> str:
        return date_text(d, self.lang)

    def month_name(self, month: int) -> str:
        """The month's name (not the machine's locale: the same words on every machine)."""
        return self.word(f"month.{month}")

    def yes_no(self, value: bool) -> str:
        return self.word("yes" if value else "no")


def catalogue(lang: str) -> Mapping[str, str]:
    """The catalogue of a language (da.py, en.py)."""
    from prognose.words import da, en

    return {"da": da.WORDS, "en": en.WORDS}[lang]


def value_text(value, lang: str = "da") -> str:
    """A parameter's value as a person reads it: the language's decimals and yes/no, lists and mappings spelt out."""
    if isinstance(value, bool):
        return catalogue(lang)["yes" if value else "no"]
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
