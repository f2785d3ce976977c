"""Workspace configuration: `prognose.toml`, its defaults, and where each setting came from.

Settings come from three places, later ones winning: built-in defaults, the workspace's
`prognose.toml`, and command-line options. `prognose config` prints the effective values with
their origin, so a controller can see why the engine did what it did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prognose.errors import Problem, InputError
from prognose.paragraphs import DEFAULT_ACCOUNTS, order_key
from prognose import bands
from prognose.refusion import SETTLEMENTS, Rule
from prognose.schema import PROVIDER_TYPES
from prognose.options import DEFAULT_OUTSTANDING, Options
from prognose.io.tomlfile import load_toml

CONFIG_NAME = "prognose.toml"
CSV_DIALECTS = ("danish", "international")   # display.csv and --csv-dialect (report/csv_out.py writes them)
# every section of prognose.toml and the keys each knows (None: keys the user names, such as years
# or paragraphs): a misspelt setting is an error, never a line silently ignored
SECTIONS = {"paths": {"data", "buffers", "snapshots", "key_file", "backtest"}, "display": {"lang", "deviation", "csv", "highlight_percent"},
            "paragraph_accounts": None, "price_index": None, "columns": None, "billing": {"outstanding_months"},
            "grants": {"own_settled_per_grant"}, "refusion": None, "activity": {"bands"}}
MAX_KRONER = 10 ** 12           # as an extract's amounts: at most 13 digits in øre


def real(value: Any, low: float | None = None, high: float | None = None) -> bool:
    """A number as a controller means one: not true or false (TOML's booleans are no numbers to
    Python either), finite, and within [low, high]."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and (low is None or value >= low) and (high is None or value <= high))


def whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _known_keys(doc: dict[str, Any], problems: list[Problem]) -> None:
    for section, value in doc.items():
        if section not in SECTIONS:
            problems.append(Problem(CONFIG_NAME, None, section, None, "a section of prognose.toml: " + ", ".join(SECTIONS)))
        elif not isinstance(value, dict):
            problems.append(Problem(CONFIG_NAME, None, section, str(value)[:40], f"a table: [{section}] with its settings below"))
        elif SECTIONS[section] is not None:
            problems += [Problem(CONFIG_NAME, None, f"{section}.{k}", None, f"a setting of [{section}]: " + ", ".join(sorted(SECTIONS[section])))
                         for k in value if k not in SECTIONS[section]]

@dataclass
class _Draft:
    """The options while prognose.toml and the command line are read into them (options.Options,
    frozen, is what leaves this module)."""
    workspace: Path
    data: Path
    buffers: Path
    snapshots: Path
    key_file: Path
    backtest: Path | None = None
    lang: str = "da"
    deviation_sign: str = "forecast-budget"
    csv: str | None = None
    highlight_percent: float = 3.0
    paragraph_accounts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ACCOUNTS))
    price_index: dict[int, float] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    outstanding_months: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_OUTSTANDING))
    own_settled_per_grant: bool = False
    strict: bool = False
    refusion: Rule = field(default_factory=Rule)
    activity_bands: dict = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)


def as_rows(o: Options) -> list[tuple[str, str, str]]:
    """The effective options with where each came from (`prognose config`, and a snapshot's meta)."""
    rows = [
        ("workspace", str(o.workspace), "current directory or --workspace"),
        ("paths.data", str(o.data), o.origins.get("paths.data", "default")),
        ("paths.buffers", str(o.buffers), o.origins.get("paths.buffers", "default")),
        ("paths.snapshots", str(o.snapshots), o.origins.get("paths.snapshots", "default")),
        ("paths.key_file", str(o.key_file), o.origins.get("paths.key_file", "default")),
        ("paths.backtest", str(o.backtest), o.origins.get("paths.backtest", "default")),
        ("display.lang", o.lang, o.origins.get("display.lang", "default")),
        ("display.deviation", o.deviation_sign, o.origins.get("display.deviation", "default")),
        ("display.csv", o.csv_dialect, o.origins.get("display.csv", "default (from display.lang)")),
        ("display.highlight_percent", f"{o.highlight_percent:g}", o.origins.get("display.highlight_percent", "default")),
        ("grants.own_settled_per_grant", str(o.own_settled_per_grant).lower(),
         o.origins.get("grants.own_settled_per_grant", "default")),
    ]
    for p, a in sorted(o.paragraph_accounts.items(), key=lambda pa: order_key(pa[0])):
        rows.append((f"paragraph_accounts.{p}", a, o.origins.get(f"paragraph_accounts.{p}", "default")))
    for y, v in sorted(o.price_index.items()):
        rows.append((f"price_index.{y}", f"{v:g}", o.origins.get("price_index", "default")))
    for t, v in sorted(o.outstanding_months.items()):
        rows.append((f"billing.outstanding_months.{t}", f"{v:g}", o.origins.get("billing", "default")))
    rows += _rule_rows(o.refusion, o.origins.get("refusion", "default"))
    for p, b in sorted(o.activity_bands.items()):
        rows.append((f"activity.bands.{p}", f"{b.measure}: {', '.join(f'{e:g}' for e in b.edges)}",
                     o.origins.get("activity", "default")))
    for table, mapping in sorted(o.columns.items()):
        for src, dst in sorted(mapping.items()):
            rows.append((f"columns.{table}.{src}", dst, o.origins.get("columns", "default")))
    return rows


def find_workspace(start: Path) -> Path:
    """The nearest directory at or above `start` holding prognose.toml; else `start` itself."""
    start = start.resolve()
    for d in (start, *start.parents):
        if (d / CONFIG_NAME).exists():
            return d
    return start


def load_settings(workspace: Path | None = None, overrides: dict[str, Any] | None = None) -> Options:
    ws = find_workspace(workspace or Path.cwd()) if workspace is None else workspace.resolve()
    doc = _read_toml(ws / CONFIG_NAME)
    s = _Draft(workspace=ws, data=ws / "data", buffers=ws / "buffers", snapshots=ws / "snapshots",
                 key_file=ws / ".prognose-key", backtest=ws / "backtest")
    problems: list[Problem] = []
    _known_keys(doc, problems)
    if problems:        # a section that is no table cannot be read further
        raise InputError(problems)
    paths = doc.get("paths", {})
    for key in ("data", "buffers", "snapshots", "key_file", "backtest"):
        if key in paths:
            setattr(s, key, (ws / paths[key]).resolve())
            s.origins[f"paths.{key}"] = CONFIG_NAME
    _display(doc.get("display", {}), s, problems)
    _paragraph_accounts(doc, s, problems)
    _money(doc, s, problems)
    if s.lang not in ("da", "en"):
        problems.append(Problem(CONFIG_NAME, None, "display.lang", s.lang, "da or en"))
    if s.csv is not None and s.csv not in CSV_DIALECTS:
        problems.append(Problem(CONFIG_NAME, None, "display.csv", s.csv, "danish (semicolon, decimal comma) or international"))
    if s.deviation_sign not in ("forecast-budget", "budget-forecast"):
        problems.append(Problem(CONFIG_NAME, None, "display.deviation", s.deviation_sign,
                                "forecast-budget (+ is overspend) or budget-forecast (+ is underspend)"))
    if problems:
        raise InputError(problems)
    _override(s, overrides or {})
    return Options(**vars(s))


def _read_toml(path: Path) -> dict[str, Any]:
    doc, problem = load_toml(path, CONFIG_NAME)
    if problem is not None:
        raise InputError([problem])
    return doc


def _display(display: dict[str, Any], s: _Draft, problems: list[Problem]) -> None:
    """[display]: language, the sign of a printed deviation, the CSV dialect, when a row is red."""
    for key, attr in (("lang", "lang"), ("deviation", "deviation_sign"), ("csv", "csv")):
        if key in display:
            setattr(s, attr, str(display[key]))
            s.origins[f"display.{key}"] = CONFIG_NAME
    if "highlight_percent" in display:
        value = display["highlight_percent"]
        if real(value, 0, 1000):
            s.highlight_percent = float(value)
            s.origins["display.highlight_percent"] = CONFIG_NAME
        else:
            problems.append(Problem(CONFIG_NAME, None, "display.highlight_percent", str(value), "a percentage from 0 to 1000, such as 3"))


def _paragraph_accounts(doc: dict[str, Any], s: _Draft, problems: list[Problem]) -> None:
    """[paragraph_accounts]: the municipality's own map; paragraphs it leaves out keep the default's."""
    if "paragraph_accounts" not in doc:
        return
    from prognose.paragraphs import normalise_paragraph
    import polars as pl

    raw = {str(k): str(v) for k, v in doc["paragraph_accounts"].items()}
    keys = list(raw)
    normal = pl.select(normalise_paragraph(pl.Series(keys, dtype=pl.String))).to_series().to_list()
    for k, n in zip(keys, normal):
        if n is None:
            problems.append(Problem(CONFIG_NAME, None, "paragraph_accounts", k, "a legal basis such as 'SEL 108'"))
        else:
            s.paragraph_accounts[n] = raw[k]
            s.origins[f"paragraph_accounts.{n}"] = CONFIG_NAME


def _money(doc: dict[str, Any], s: _Draft, problems: list[Problem]) -> None:
    """What changes the money: the price index, column names, billing lag defaults, own provision,
    the refund of expensive cases, activity bands."""
    if "price_index" in doc:
        for k, v in doc["price_index"].items():
            if not str(k).isdigit() or not real(v, 1e-9, 1e6):
                problems.append(Problem(CONFIG_NAME, None, "price_index", f"{k} = {v}", "year = positive index value"))
            else:
                s.price_index[int(k)] = float(v)
        s.origins["price_index"] = CONFIG_NAME
    if "columns" in doc:
        for t, m in doc["columns"].items():
            if isinstance(m, dict) and all(isinstance(b, str) for b in m.values()):
                s.columns[str(t)] = {str(a): b for a, b in m.items()}
            else:
                problems.append(Problem(CONFIG_NAME, None, f"columns.{t}", str(m)[:40], f'a table of names: [columns.{t}] "their name" = "our name"'))
        s.origins["columns"] = CONFIG_NAME
    outstanding = doc.get("billing", {}).get("outstanding_months", {})
    if not isinstance(outstanding, dict):
        problems.append(Problem(CONFIG_NAME, None, "billing.outstanding_months", str(outstanding)[:40], "a table: provider type = months"))
        outstanding = {}
    for k, v in outstanding.items():
        if k not in PROVIDER_TYPES or not real(v, 0, 120):
            problems.append(Problem(CONFIG_NAME, None, "billing.outstanding_months", f"{k} = {v}",
                                    "one of own/municipality/region/private = months (≥ 0)"))
        else:
            s.outstanding_months[k] = float(v)
            s.origins["billing"] = CONFIG_NAME
    if "own_settled_per_grant" in doc.get("grants", {}):
        value = doc["grants"]["own_settled_per_grant"]
        if isinstance(value, bool):
            s.own_settled_per_grant = value
            s.origins["grants.own_settled_per_grant"] = CONFIG_NAME
        else:
            problems.append(Problem(CONFIG_NAME, None, "grants.own_settled_per_grant", str(value)[:40], "true or false"))
    if "refusion" in doc:
        s.refusion = _rule(doc["refusion"], set(s.paragraph_accounts) | {"STU"}, problems)
        s.origins["refusion"] = CONFIG_NAME
    if "bands" in doc.get("activity", {}) and not isinstance(doc["activity"]["bands"], dict):
        problems.append(Problem(CONFIG_NAME, None, "activity.bands", str(doc["activity"]["bands"])[:40],
                                "a table: [activity.bands] with a line per paragraph"))
    elif "bands" in doc.get("activity", {}):
        s.activity_bands, found = bands.parse(doc["activity"]["bands"], CONFIG_NAME)
        problems += found
        s.origins["activity"] = CONFIG_NAME


def _override(s: _Draft, overrides: dict[str, Any]) -> None:
    """What the command line says wins over the file."""
    flags = {"lang": ("display.lang", "--lang"), "csv": ("display.csv", "--csv-dialect")}
    for key, value in overrides.items():
        if value is None:
            continue
        if key in ("data", "buffers", "snapshots"):
            setattr(s, key, Path(value).resolve())
            s.origins[f"paths.{key}"] = f"--{key}"
        elif key == "strict":
            s.strict = bool(value)
        elif key in flags:
            setattr(s, key, value)
            s.origins[flags[key][0]] = flags[key][1]


def _kroner_pair(value: Any) -> tuple[int, int] | None:
    ok = isinstance(value, list) and len(value) == 2 and all(real(v, 0.01, MAX_KRONER) for v in value)
    return (int(round(value[0] * 100)), int(round(value[1] * 100))) if ok and value[0] < value[1] else None


# [refusion] keys read as they are: key → (a check of the value, what was expected)
_RULE_KEYS = {
    "shares": (lambda v: isinstance(v, list) and len(v) == 2 and all(real(x, 0, 1) for x in v),
               "[share above the first, share above the second], each 0–1"),
    "default_year": (lambda v: whole(v, 1900, 2200), "a year"),
    "min_age": (lambda v: whole(v, 0, 130), "an age in whole years"),
    "max_age": (lambda v: whole(v, 0, 130), "an age in whole years"),
    "paragraphs": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of paragraphs"),
    "kinds": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of kind codes such as \"8.6\""),
    "own_provision": (lambda v: isinstance(v, bool), "true or false"),
    "settlement": (lambda v: v in SETTLEMENTS, " | ".join(SETTLEMENTS)),
    "enabled": (lambda v: v in ("auto", "on", "off"), "auto | on | off"),
}
_PAIR = "[first, second] thresholds in DKK, the first below the second"


def _rule(section: dict[str, Any], known: set[str], problems: list[Problem]) -> Rule:
    """[refusion] of prognose.toml; thresholds are given in DKK and held in øre, paragraphs in the
    spelling grants are read in (a paragraph no grant can have would switch the refund off)."""
    kw: dict[str, Any] = {}
    for key, value in section.items():
        if key == "thresholds" and not isinstance(value, dict):
            problems.append(Problem(CONFIG_NAME, None, "refusion.thresholds", str(value)[:40], "a table: year = " + _PAIR))
        elif key == "paragraphs" and _RULE_KEYS[key][0](value):
            kw[key] = _paragraphs(value, known, problems)
        elif key == "thresholds":
            kw["thresholds"] = {}
            for y, pair in value.items():
                if str(y).isdigit() and _kroner_pair(pair):
                    kw["thresholds"][int(y)] = _kroner_pair(pair)
                else:
                    problems.append(Problem(CONFIG_NAME, None, f"refusion.thresholds.{y}", str(pair), "year = " + _PAIR))
        elif key == "default":
            if _kroner_pair(value):
                kw["default"] = _kroner_pair(value)
            else:
                problems.append(Problem(CONFIG_NAME, None, "refusion.default", str(value), _PAIR))
        elif key in _RULE_KEYS:
            check, expected = _RULE_KEYS[key]
            if check(value):
                kw[key] = tuple(value) if isinstance(value, list) else value
            else:
                problems.append(Problem(CONFIG_NAME, None, f"refusion.{key}", str(value), expected))
        else:
            problems.append(Problem(CONFIG_NAME, None, f"refusion.{key}", str(value), "a setting of [refusion] (see README)"))
    if kw.get("max_age") is not None and kw["max_age"] < kw.get("min_age", Rule.min_age):
        problems.append(Problem(CONFIG_NAME, None, "refusion.max_age", str(kw["max_age"]), f"an age at or above min_age ({kw.get('min_age', Rule.min_age)})"))
    return Rule(**kw)


def _paragraphs(spellings: list[str], known: set[str], problems: list[Problem]) -> tuple[str, ...]:
    from prognose.paragraphs import normalise_paragraph
    import polars as pl

    normal = pl.select(normalise_paragraph(pl.Series(spellings, dtype=pl.String))).to_series().to_list()
    for given, n in zip(spellings, normal):
        if n not in known:
            problems.append(Problem(CONFIG_NAME, None, "refusion.paragraphs", given,
                                    "a paragraph of the area, such as 'SEL 108' (see [paragraph_accounts])"))
    return tuple(dict.fromkeys(n for n in normal if n in known))


def _rule_rows(rule: Rule, origin: str) -> list[tuple[str, str, str]]:
    kr = lambda pair: f"{pair[0] / 100:,.0f} / {pair[1] / 100:,.0f}".replace(",", ".")   # noqa: E731
    rows = [("refusion.enabled", rule.enabled, origin), ("refusion.settlement", rule.settlement, origin),
            ("refusion.shares", f"{rule.shares[0]:g} / {rule.shares[1]:g}", origin),
            ("refusion.default", f"{kr(rule.default)} (price level {rule.default_year})", origin),
            ("refusion.paragraphs", ", ".join(rule.paragraphs) or "all but STU", origin),
            ("refusion.age", f"{rule.min_age}–{rule.max_age if rule.max_age is not None else ''}", origin),
            ("refusion.own_provision", str(rule.own_provision).lower(), origin),
            ("refusion.kinds", ", ".join(rule.kinds), origin)]
    return rows + [(f"refusion.thresholds.{y}", kr(p), origin) for y, p in sorted(rule.thresholds.items())]
