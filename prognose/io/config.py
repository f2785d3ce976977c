"""Workspace configuration: `prognose.toml`, its defaults, and where each setting came from.

Settings come from three places, later ones winning: built-in defaults, the workspace's
`prognose.toml`, and command-line options. `prognose config` prints the effective values with
their origin, so a controller can see why the engine did what it did.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prognose.errors import Problem, InputError
from prognose.paragraphs import DEFAULT_ACCOUNTS, order_key
from prognose import bands
from prognose.refusion import SETTLEMENTS, Rule
from prognose.schema import PROVIDER_TYPES
from prognose.options import DEFAULT_OUTSTANDING, Options

CONFIG_NAME = "prognose.toml"
CSV_DIALECTS = ("danish", "international")   # display.csv and --csv-dialect (report/csv_out.py writes them)

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
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError([Problem(CONFIG_NAME, getattr(e, "lineno", None), None, None, f"valid TOML ({e})")])


def _display(display: dict[str, Any], s: _Draft, problems: list[Problem]) -> None:
    """[display]: language, the sign of a printed deviation, the CSV dialect, when a row is red."""
    for key, attr in (("lang", "lang"), ("deviation", "deviation_sign"), ("csv", "csv")):
        if key in display:
            setattr(s, attr, str(display[key]))
            s.origins[f"display.{key}"] = CONFIG_NAME
    if "highlight_percent" in display:
        value = display["highlight_percent"]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            s.highlight_percent = float(value)
            s.origins["display.highlight_percent"] = CONFIG_NAME
        else:
            problems.append(Problem(CONFIG_NAME, None, "display.highlight_percent", str(value), "a percentage ≥ 0, such as 3"))


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
            if not str(k).isdigit() or not isinstance(v, (int, float)) or v <= 0:
                problems.append(Problem(CONFIG_NAME, None, "price_index", f"{k} = {v}", "year = positive index value"))
            else:
                s.price_index[int(k)] = float(v)
        s.origins["price_index"] = CONFIG_NAME
    if "columns" in doc:
        s.columns = {str(t): {str(a): str(b) for a, b in m.items()} for t, m in doc["columns"].items()}
        s.origins["columns"] = CONFIG_NAME
    for k, v in doc.get("billing", {}).get("outstanding_months", {}).items():
        if k not in PROVIDER_TYPES or not isinstance(v, (int, float)) or v < 0:
            problems.append(Problem(CONFIG_NAME, None, "billing.outstanding_months", f"{k} = {v}",
                                    "one of own/municipality/region/private = months (≥ 0)"))
        else:
            s.outstanding_months[k] = float(v)
            s.origins["billing"] = CONFIG_NAME
    if "own_settled_per_grant" in doc.get("grants", {}):
        s.own_settled_per_grant = bool(doc["grants"]["own_settled_per_grant"])
        s.origins["grants.own_settled_per_grant"] = CONFIG_NAME
    if "refusion" in doc:
        s.refusion = _rule(doc["refusion"], problems)
        s.origins["refusion"] = CONFIG_NAME
    if "bands" in doc.get("activity", {}):
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
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and v > 0 for v in value)
    return (int(round(value[0] * 100)), int(round(value[1] * 100))) if ok and value[0] < value[1] else None


# [refusion] keys read as they are: key → (a check of the value, what was expected)
_RULE_KEYS = {
    "shares": (lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and 0 <= x <= 1 for x in v),
               "[share above the first, share above the second], each 0–1"),
    "default_year": (lambda v: isinstance(v, int) and v > 0, "a year"),
    "min_age": (lambda v: isinstance(v, int) and v >= 0, "an age in whole years"),
    "max_age": (lambda v: isinstance(v, int) and v >= 0, "an age in whole years"),
    "paragraphs": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of paragraphs"),
    "kinds": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of kind codes such as \"8.6\""),
    "own_provision": (lambda v: isinstance(v, bool), "true or false"),
    "settlement": (lambda v: v in SETTLEMENTS, " | ".join(SETTLEMENTS)),
    "enabled": (lambda v: v in ("auto", "on", "off"), "auto | on | off"),
}
_PAIR = "[first, second] thresholds in DKK, the first below the second"


def _rule(section: dict[str, Any], problems: list[Problem]) -> Rule:
    """[refusion] of prognose.toml; thresholds are given in DKK and held in øre."""
    kw: dict[str, Any] = {}
    for key, value in section.items():
        if key == "thresholds":
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
    return Rule(**kw)


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
