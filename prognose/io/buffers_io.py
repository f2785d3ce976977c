"""Reading the buffers directory (SPEC §2): buffers.toml, the controller's two lists, and the
controller's own adjustments (adjustments.csv).

The lists go through the same readers as the extract (any CSV dialect, xlsx, parquet; CPR
numbers pseudonymised with the same key, so the engine can match them to grants). Every key in
buffers.toml is checked, so a misspelt switch is an error, not a silently ignored line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.errors import InputError, InputWarning, Problem
from prognose.io.extract import SourceFile, read_table
from prognose.schema import LINE
from prognose.validate import check_amounts

def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# What each key may hold: (test, what is expected). A table's values are tested one by one.
_BOOL = (lambda v: isinstance(v, bool), "true or false (without quotes)")
_YEARS = (lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 10, "a whole number of years, 1–10")
_DAYS = (lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 366, "a whole number of days, 0–366")
_POSITIVE = (lambda v: _is_number(v) and v > 0, "a number above 0")
_SHARE = (lambda v: _is_number(v) and 0 <= v < 1, "a share from 0 up to 1")
_TEXTS = (lambda v: isinstance(v, list) and all(isinstance(t, (str, int, float)) and not isinstance(t, bool) for t in v),
          'a list such as ["sygeløn", "vikar"]')


def _per_paragraph(test, what):
    return (lambda v: isinstance(v, dict) and all(test(x) for x in v.values()), f"a table of paragraph = {what}")


_RATES = _per_paragraph(lambda x: _is_number(x) and 0 <= x <= 1, "a yearly rate from 0 to 1")
SETTINGS = {
    "youth_transfers": {"enabled": _BOOL, "overdue": (lambda v: v in ("keep", "drop"), "keep or drop"),
                        "match_window_days": _DAYS},
    "stu": {"enabled": _BOOL, "match_window_days": _DAYS},
    "other_inflow": {"enabled": _BOOL, "years": _YEARS, "half_life_months": _POSITIVE,
                     "per_month": _per_paragraph(lambda x: _is_number(x) and x >= 0, "newcomers a month (0 or more)"),
                     "monthly_cost": _per_paragraph(lambda x: _is_number(x) and x >= 0, "kroner a month (0 or more)")},
    "deaths": {"enabled": _BOOL, "years": _YEARS, "rate": _RATES},
    "bpa_sickness": {"enabled": _BOOL, "years": _YEARS, "match_text": _TEXTS, "match_art": _TEXTS, "share": _SHARE},
    "other_outflow": {"enabled": _BOOL, "years": _YEARS, "rate": _RATES,
                      "planned_end": (lambda v: v in ("review", "firm"), "review or firm")},
}
KEYS = {section: set(keys) for section, keys in SETTINGS.items()}


def check_config(config: dict) -> list[Problem]:
    """Every section and key of buffers.toml known, and every value of its type and range."""
    problems = []
    for section, values in config.items():
        if section not in SETTINGS or not isinstance(values, dict):
            problems.append(Problem("buffers.toml", None, section, None, "a section named " + ", ".join(sorted(SETTINGS))))
            continue
        for k, v in values.items():
            if k not in SETTINGS[section]:
                problems.append(Problem("buffers.toml", None, f"{section}.{k}", None,
                                        f"one of {', '.join(sorted(SETTINGS[section]))}"))
                continue
            test, what = SETTINGS[section][k]
            if not test(v):
                problems.append(Problem("buffers.toml", None, f"{section}.{k}", str(v), what))
    return problems


@dataclass
class BufferInputs:
    config: dict
    youth: pl.DataFrame | None
    stu: pl.DataFrame | None
    adjustments: pl.DataFrame | None = None     # account, period, year, amount (øre), paragraph, note, who, entered
    files: list[SourceFile] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)   # {"da": ..., "en": ...}
    warnings: list[InputWarning] = field(default_factory=list)


LISTS = ("youth_transfers", "stu", "adjustments")


def read_config(directory: Path) -> tuple[dict, Problem | None]:
    """buffers.toml as parsed ({} when there is none), or the problem that it is not TOML."""
    toml = directory / "buffers.toml"
    if not toml.exists():
        return {}, None
    try:
        return tomllib.loads(toml.read_text(encoding="utf-8")), None
    except tomllib.TOMLDecodeError as e:
        return {}, Problem("buffers.toml", getattr(e, "lineno", None), None, None, f"valid TOML ({e})")


def read_buffers(directory: Path, settings, key: bytes) -> BufferInputs:
    problems: list[Problem] = []
    files: list[SourceFile] = []
    notes = []
    if not directory.is_dir():
        return BufferInputs({}, None, None, files=[], notes=[{"da": f"ingen buffermappe {directory}: bufferne bruger deres standarder og ingen lister",
                                                  "en": f"no buffers directory {directory}: buffers use their defaults and no lists"}])
    toml = directory / "buffers.toml"
    config, problem = read_config(directory)
    if problem is not None:
        problems.append(problem)
    if toml.exists():
        problems += check_config(config)
    else:
        notes.append({"da": "ingen buffers.toml: alle buffere er slået til, og deres parametre estimeres",
                      "en": "no buffers.toml: every buffer on, parameters estimated"})
    warnings: list[InputWarning] = []
    youth = read_table(directory, "youth_transfers", settings, key, False, problems, files, warnings)
    stu = read_table(directory, "stu", settings, key, False, problems, files, warnings)
    for listed, name in ((youth, "youth_transfers"), (stu, "stu")):
        if listed is not None:
            check_amounts(listed, next(f.path for f in files if f.name == name), problems)
    if stu is not None and stu.height:
        bad = stu.filter((pl.col("event") == "start") & (pl.col("rate").is_null() | pl.col("unit").is_null()))
        for line in bad.get_column(LINE).head(20).to_list():
            problems.append(Problem(files[-1].path, line, "rate", "", "a unit and a rate on a 'start' row"))
    adjustments = read_table(directory, "adjustments", settings, key, False, problems, files, warnings)
    if adjustments is not None:
        problems += check_adjustments(adjustments, next(f.path for f in files if f.name == "adjustments"))
    if problems:
        raise InputError(problems)
    return BufferInputs(config, youth.drop(LINE) if youth is not None else None,
                        stu.drop(LINE) if stu is not None else None,
                        adjustments.drop(LINE) if adjustments is not None else None, files=files, notes=notes, warnings=warnings)


def check_adjustments(frame: pl.DataFrame, path: str) -> list[Problem]:
    """Each adjustment names its month (period) or its year, and where it names both they agree."""
    problems = []
    neither = frame.filter(pl.col("period").is_null() & pl.col("year").is_null())
    for line in neither.get_column(LINE).head(20).to_list():
        problems.append(Problem(path, line, "period", "", "a month (period YYYY-MM) or a year for the adjustment"))
    clash = frame.filter(pl.col("period").is_not_null() & pl.col("year").is_not_null()
                         & (pl.col("period").dt.year() != pl.col("year")))
    for line, year in clash.select(LINE, "year").head(20).iter_rows():
        problems.append(Problem(path, line, "year", str(year), "the year of the period on the same row"))
    return problems
