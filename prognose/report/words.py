"""Words as every writer shows them: a language's catalogue (words/) with what the registered
components bring, and the names of the forecast's parts, a change's causes and details, a buffer's
parameters — the one place a writer turns a key into words."""

from __future__ import annotations

from collections import ChainMap

from prognose import components
from prognose.words import LANGS
from prognose.words.locale import Locale, catalogue, in_sentence
from prognose.words.message import Message


def locale(lang: str) -> Locale:
    """The language's catalogue and the components' own words (the catalogue's win)."""
    brought = {key: words for c in components.REGISTRY for key, words in c.words.get(lang, {}).items()}
    return Locale(lang, ChainMap(catalogue(lang), brought))


def label(lang: str, key: str) -> str:
    return locale(lang).word(key)


def text(message: Message | None, lang: str) -> str:
    """A message in words ("" for none)."""
    return "" if message is None else locale(lang).text(message)


def both(message: Message | None) -> dict[str, str] | None:
    """A message in every language, as JSON and a snapshot keep it ({"da": …, "en": …})."""
    return None if message is None else {lang: locale(lang).text(message) for lang in LANGS}


def component(lang: str, key: str) -> str:
    """A part of the forecast by the one name every table, sheet and sentence gives it: known
    grants, costs no grant explains, the refund, and each registered component ("Buffer: …")."""
    loc = locale(lang)
    found = components.by_name().get(key)
    if found is None or found.group != "buffers":
        return loc.word(key)
    return loc.text("buffer", name=in_sentence(loc.word(key)))


# causes of a change (diff.py) that are a part of the forecast carry that part's one name
COMPONENT_CAUSES = {"unexplained part": "unexplained", "refusion": "refusion", "adjustments": "adjustments"}


def cause_label(cause: str, lang: str) -> str:
    if cause in COMPONENT_CAUSES:
        return component(lang, COMPONENT_CAUSES[cause])
    if cause.removeprefix("buffer ") in components.by_name():    # a component's cause is named as its lines' origin
        return component(lang, cause.removeprefix("buffer "))
    return locale(lang).word(f"cause.{cause}") if f"cause.{cause}" in catalogue(lang) else cause


def detail_label(detail: str | None, lang: str, year_from: int | None = None, year_to: int | None = None) -> str | None:
    """A change's detail (diff.py's key) in words; its places are the two budget years compared.
    A detail the catalogue does not hold (a paragraph, an end reason it lacks) is shown as it is."""
    if detail is None:
        return None
    key = f"detail.{detail}"
    template = catalogue(lang).get(key)
    if template is None:
        return detail
    return locale(lang).text(key, year_from=year_from, year_to=year_to) if "{" in template else template


def param_name(lang: str, name: str) -> str:
    """A buffer's parameter by what it means; `name[key]` is the parameter for one paragraph or band."""
    base, _, key = name.partition("[")
    words = catalogue(lang)
    shown = words.get(f"param.{base}", base)
    return f"{shown}, {key.rstrip(']')}" if key else shown


def source_name(lang: str, source: str) -> str:
    return catalogue(lang).get(f"source.{source}", source)


def month_name(month: int, lang: str = "da") -> str:
    """The month's name (not the machine's locale: the same words on every machine)."""
    return catalogue(lang)[f"month.{month}"]


def paragraph_name(paragraph: str | None, lang: str) -> str:
    """The benefit a paragraph grants ("SEL 108" is also "Længerevarende botilbud")."""
    return catalogue(lang).get(f"paragraph.{paragraph}", "")


def account_name(account: str | None, lang: str) -> str:
    """The function an account belongs to (5.38.38.001 is a grouping under 5.38.38)."""
    words = catalogue(lang)
    parts = (account or "").split(".")
    for n in range(len(parts), 2, -1):
        found = words.get("function." + ".".join(parts[:n]))
        if found is not None:
            return found
    return ""
