"""A component's settings: each key's type, range and default declared once, in the component's
registry record (components.py); buffers.toml gives only the values that differ.

A component reads `opts[key]` (the controller's value, else the declared default) and
`opts.source(key)` ("override" or "default"), so what it shows as the source of a parameter and
what it computes with cannot disagree.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

NONE = MappingProxyType({})


@dataclass(frozen=True)
class Setting:
    test: Callable[[object], bool]
    expected: str                # what the key must hold, as an error names it
    default: object = None       # None: estimated from the municipality's own history
    paragraphs: bool = False     # a table keyed by paragraph: its keys are spelt as grants are read


@dataclass(frozen=True)
class Options:
    given: Mapping[str, object]          # buffers.toml's section, as checked
    declared: Mapping[str, Setting]

    def __getitem__(self, key: str):
        return self.given[key] if key in self.given else self.declared[key].default

    def __contains__(self, key: str) -> bool:
        return key in self.given

    def source(self, key: str) -> str:
        return "override" if key in self.given else "default"


def options(given: Mapping[str, object] | None, declared: Mapping[str, Setting]) -> Options:
    return Options(MappingProxyType(dict(given or {})), declared)


def _number(v) -> bool:
    """A number as the controller means one: true and false are none, nor are inf and nan, nor
    sizes no municipality has (a kroner amount has at most 13 digits in øre)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and abs(v) < 1e12


def _whole(v, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def flag(default: bool = True) -> Setting:
    return Setting(lambda v: isinstance(v, bool), "true or false (without quotes)", default)


def whole_years(default: int = 3) -> Setting:
    return Setting(lambda v: _whole(v, 1, 10), "a whole number of years, 1–10", default)


def days(default: int) -> Setting:
    return Setting(lambda v: _whole(v, 0, 366), "a whole number of days, 0–366", default)


def positive(default: float | None = None) -> Setting:
    return Setting(lambda v: _number(v) and v > 0, "a number above 0", default)


def share(default: float | None = None) -> Setting:
    return Setting(lambda v: _number(v) and 0 <= v < 1, "a share from 0 up to 1", default)


def texts(default: tuple = ()) -> Setting:
    return Setting(lambda v: isinstance(v, list) and all(_number(t) or isinstance(t, str) for t in v),
                   'a list such as ["sygeløn", "vikar"]', default)


def choice(*values: str) -> Setting:
    """One of `values`; the first is the default."""
    return Setting(lambda v: v in values, " or ".join(values), values[0])


def per_paragraph(test: Callable[[object], bool], what: str) -> Setting:
    """A table paragraph = value, empty by default (every paragraph estimated)."""
    return Setting(lambda v: isinstance(v, dict) and all(test(x) for x in v.values()), f"a table of paragraph = {what}", NONE, True)


def yearly_rates() -> Setting:
    return per_paragraph(lambda x: _number(x) and 0 <= x <= 1, "a yearly rate from 0 to 1")


def at_least_zero(what: str) -> Setting:
    return per_paragraph(lambda x: _number(x) and x >= 0, what)
