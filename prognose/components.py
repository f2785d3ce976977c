"""The forecast's components beyond the known grants: one record each, in the order they run.

Everything that enumerates components — the forecast's lines and views, the JSON's `components`,
buffers.toml's sections and their checks, the diff's causes, the names shown in every language, the
director's sentences, the activity figures — reads this registry. Adding a component is one
module with a compute function (buffers/__init__.py gives its contract) and one record here; the
words it says (its name, and the keys of its messages) are the catalogues' (words/), or the
record's own `words` for a component that brings them.

A component's lines carry the origin `buffer.<name>` when it is one of SPEC §4's six buffers
(`group = "buffers"`), else its own name, which is also its own key in `components`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

from prognose.buffers import BufferContext, BufferResult, Param, empty_events, empty_lines
from prognose.buffers import extensions, inflow, lists, sickness, survival
from prognose.buffers.options import (Options, Setting, at_least_zero, choice, days, flag, options, positive, share, texts,
                                      whole_years, yearly_rates)
import polars as pl

from prognose.errors import Problem
from prognose.schema import STU_LIST, YOUTH_TRANSFERS_LIST
from prognose.words.locale import catalogue
from prognose.words.message import Message


@dataclass(frozen=True)
class Component:
    name: str
    compute: Callable[[BufferContext, Options], BufferResult]
    settings: Mapping[str, Setting]         # buffers.toml's [name] section: every key it may hold
    group: str = "buffers"                  # "buffers" (SPEC §4's six), else a key of its own in `components`
    # the buffers directory's lists it reads (ctx.lists[name]): name → columns (schema.Column), and
    # what a list must hold beyond its columns' types: check(frame, file) → problems
    lists: Mapping[str, tuple] = field(default_factory=dict)
    check_list: Callable[[pl.DataFrame, str], list[Problem]] | None = None
    flow: str | None = None                 # "inflow", or the end reason its outflow stands for (activity figures)
    # language → key → words, for a component whose words are not in the catalogues: its name under
    # its own name, "<name>.cause" as a sentence names it as a cause of change, its messages' keys
    words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """The origin its forecast lines carry."""
        return f"buffer.{self.name}" if self.group == "buffers" else self.name


@dataclass(frozen=True)
class Shared:
    """Work several components use, done once before any of them runs (ctx.prepared[name])."""
    name: str
    compute: Callable[[BufferContext, Mapping[str, Options]], object]


def _settings(**keys: Setting) -> Mapping[str, Setting]:
    return MappingProxyType({"enabled": flag(True), **keys})


REGISTRY: tuple[Component, ...] = (
    Component("youth_transfers", lists.youth_transfers,
              _settings(overdue=choice("keep", "drop"), match_window_days=days(92)),
              lists={"youth_transfers": YOUTH_TRANSFERS_LIST}, flow="inflow"),
    Component("stu", lists.stu, _settings(match_window_days=days(92)), lists={"stu": STU_LIST}, check_list=lists.check_stu_list,
              flow="inflow"),
    Component("other_inflow", inflow.other_inflow,
              _settings(years=whole_years(), half_life_months=positive(inflow.HALF_LIFE_MONTHS),
                        per_month=at_least_zero("newcomers a month (0 or more)"),
                        monthly_cost=at_least_zero("kroner a month (0 or more)")), flow="inflow"),
    Component("deaths", survival.deaths, _settings(years=whole_years(), rate=yearly_rates()), flow="death"),
    Component("bpa_sickness", sickness.bpa_sickness,
              _settings(years=whole_years(), match_text=texts(sickness.DEFAULT_TEXT), match_art=texts(), share=share())),
    Component("other_outflow", survival.other_outflow, _settings(years=whole_years(), rate=yearly_rates()), flow="other"),
    # a grant extended at review is a planned "other" end that does not happen: it offsets that outflow
    Component("extensions", extensions.extensions, _settings(), group="extensions", flow="other"),
)
SHARED = (Shared("hazards", survival.prepare_hazards), Shared("survival", survival.prepare_survival))


def by_name() -> dict[str, Component]:
    return {c.name: c for c in REGISTRY}


def list_names() -> tuple[str, ...]:
    """The lists the components read, in the registry's order."""
    return tuple(name for c in REGISTRY for name in c.lists)


def buffers() -> tuple[str, ...]:
    """The names of SPEC §4's buffers, in order."""
    return tuple(c.name for c in REGISTRY if c.group == "buffers")


def groups() -> tuple[str, ...]:
    """The components' own keys beside `buffers` in a forecast's `components`, in order."""
    return tuple(c.name for c in REGISTRY if c.group != "buffers")


def origin(name: str) -> str:
    """The origin a component's forecast lines carry."""
    return by_name()[name].origin


def settings_of(config: Mapping[str, Mapping] | None) -> dict[str, Options]:
    """Each component's options: buffers.toml's section over the declared defaults."""
    config = config or {}
    return {c.name: options(config.get(c.name), c.settings) for c in REGISTRY}


def migrated(config: dict) -> tuple[dict, list[Message]]:
    """buffers.toml as this engine reads it, and a note for each older key read in its new place:
    other_outflow.planned_end ("review" or "firm") is now [extensions] enabled (true or false)."""
    outflow = config.get("other_outflow")
    if not isinstance(outflow, dict) or "planned_end" not in outflow:
        return config, []
    old = outflow["planned_end"]
    if old not in ("review", "firm"):
        return config, []
    config = {**config, "other_outflow": {k: v for k, v in outflow.items() if k != "planned_end"}}
    extensions = dict(config.get("extensions") or {})
    extensions.setdefault("enabled", old == "review")
    config["extensions"] = extensions
    flag = "true" if extensions["enabled"] else "false"
    return config, [Message("note.planned_end_moved", old=old, flag=flag)]


def check_config(config: dict) -> list[Problem]:
    """Every section and key of buffers.toml known, and every value of its type and range."""
    known = by_name()
    problems = []
    for section, values in config.items():
        if section not in known or not isinstance(values, dict):
            problems.append(Problem("buffers.toml", None, section, None, "a section named " + ", ".join(sorted(known))))
            continue
        declared = known[section].settings
        for k, v in values.items():
            if k not in declared:
                problems.append(Problem("buffers.toml", None, f"{section}.{k}", None, f"one of {', '.join(sorted(declared))}"))
            elif not declared[k].test(v):
                problems.append(Problem("buffers.toml", None, f"{section}.{k}", str(v), declared[k].expected))
    return problems


def with_paragraphs_spelt(config: dict) -> tuple[dict, list[Problem]]:
    """buffers.toml with the keys of its tables by paragraph spelt as grants are read ("§ 108" and
    "108" are "SEL 108"): a key in another spelling would match no grant and be ignored in silence.
    A key that is no paragraph is a problem."""
    from prognose.paragraphs import normalise_paragraph

    known, out, problems = by_name(), {}, []
    for section, values in config.items():
        declared = known[section].settings if section in known and isinstance(values, dict) else {}
        out[section] = dict(values) if isinstance(values, dict) else values
        for key, value in (values.items() if declared else ()):
            if key in declared and declared[key].paragraphs and isinstance(value, dict) and value:
                names = list(value)
                spelt = pl.select(normalise_paragraph(pl.Series(names, dtype=pl.String))).to_series().to_list()
                problems += [Problem("buffers.toml", None, f"{section}.{key}", n, "a paragraph such as 'SEL 108'")
                             for n, s in zip(names, spelt) if s is None]
                out[section][key] = {s: value[n] for n, s in zip(names, spelt) if s is not None}
    return out, problems


def toml_template() -> str:
    """buffers.toml as `prognose init` writes it: every component's section with each key it may
    hold, commented out at its default, and what the key must hold."""
    out = ["# buffers.toml — switches and overrides for the forecast's components (see README).",
           "# Every key is optional; remove the # before a key to set it. A misspelt key is an error.", ""]
    danish = {**catalogue("da"), **{k: v for c in REGISTRY for k, v in c.words.get("da", {}).items()}}
    for c in REGISTRY:
        out.append(f"[{c.name}]   # {danish.get(c.name, c.name)}")
        for key, setting in c.settings.items():
            value = "…  (estimated when not set)" if setting.default is None or setting.default == {} else _toml(setting.default)
            out.append(f"# {key} = {value}   # {setting.expected}")
        out.append("")
    return "\n".join(out)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_components(ctx: BufferContext, config: Mapping[str, Mapping] | None) -> list[BufferResult]:
    """Each component's result, in the registry's order; the shared work first, as explicit steps."""
    opts = settings_of(config)
    prepared: dict[str, object] = {}
    for step in SHARED:
        prepared[step.name] = step.compute(dataclasses.replace(ctx, prepared=MappingProxyType(dict(prepared))), opts)
    ctx = dataclasses.replace(ctx, prepared=MappingProxyType(prepared))
    return [c.compute(ctx, opts[c.name]) if opts[c.name]["enabled"] else switched_off(c.name) for c in REGISTRY]


def switched_off(name: str) -> BufferResult:
    return BufferResult(name, empty_lines(), [Param("enabled", False, "override")],
                        Message("component.switched_off"), events=empty_events())
