"""Reading the buffers directory (SPEC §2): buffers.toml and the controller's two lists.

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
from prognose.io.raw import LINE

KEYS = {
    "youth_transfers": {"enabled", "overdue", "match_window_days"},
    "stu": {"enabled", "match_window_days"},
    "other_inflow": {"enabled", "years", "per_month", "monthly_cost", "half_life_months"},
    "deaths": {"enabled", "years", "rate"},
    "bpa_sickness": {"enabled", "years", "match_text", "match_art", "share"},
    "other_outflow": {"enabled", "years", "rate", "planned_end"},
}


@dataclass
class BufferInputs:
    config: dict
    youth: pl.DataFrame | None
    stu: pl.DataFrame | None
    files: list[SourceFile] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)   # {"da": ..., "en": ...}
    warnings: list[InputWarning] = field(default_factory=list)


def read_buffers(directory: Path, settings, key: bytes) -> BufferInputs:
    problems: list[Problem] = []
    files: list[SourceFile] = []
    notes = []
    if not directory.is_dir():
        return BufferInputs({}, None, None, [], [{"da": f"ingen buffermappe {directory}: bufferne bruger deres standarder og ingen lister",
                                                  "en": f"no buffers directory {directory}: buffers use their defaults and no lists"}])
    config: dict = {}
    toml = directory / "buffers.toml"
    if toml.exists():
        try:
            config = tomllib.loads(toml.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            problems.append(Problem("buffers.toml", getattr(e, "lineno", None), None, None, f"valid TOML ({e})"))
        for section, values in config.items():
            if section not in KEYS or not isinstance(values, dict):
                problems.append(Problem("buffers.toml", None, section, None, "a section named " + ", ".join(sorted(KEYS))))
                continue
            for k in values:
                if k not in KEYS[section]:
                    problems.append(Problem("buffers.toml", None, f"{section}.{k}", None,
                                            f"one of {', '.join(sorted(KEYS[section]))}"))
        sick = config.get("bpa_sickness", {})
        if "share" in sick and not (isinstance(sick["share"], (int, float)) and 0 <= sick["share"] < 1):
            problems.append(Problem("buffers.toml", None, "bpa_sickness.share", str(sick["share"]), "a share between 0 and 1"))
        half = config.get("other_inflow", {}).get("half_life_months", 12)
        if isinstance(half, bool) or not isinstance(half, (int, float)) or half <= 0:
            problems.append(Problem("buffers.toml", None, "other_inflow.half_life_months", str(half), "a number of months above 0"))
        if config.get("youth_transfers", {}).get("overdue", "keep") not in ("keep", "drop"):
            problems.append(Problem("buffers.toml", None, "youth_transfers.overdue", None, "keep or drop"))
        if config.get("other_outflow", {}).get("planned_end", "review") not in ("review", "firm"):
            problems.append(Problem("buffers.toml", None, "other_outflow.planned_end", None, "review or firm"))
    else:
        notes.append({"da": "ingen buffers.toml: alle buffere er slået til, og deres parametre estimeres",
                      "en": "no buffers.toml: every buffer on, parameters estimated"})
    warnings: list[InputWarning] = []
    youth = read_table(directory, "youth_transfers", settings, key, False, problems, files, warnings)
    stu = read_table(directory, "stu", settings, key, False, problems, files, warnings)
    if stu is not None and stu.height:
        bad = stu.filter((pl.col("event") == "start") & (pl.col("rate").is_null() | pl.col("unit").is_null()))
        for line in bad.get_column(LINE).head(20).to_list():
            problems.append(Problem(files[-1].path, line, "rate", "", "a unit and a rate on a 'start' row"))
    if problems:
        raise InputError(problems)
    return BufferInputs(config, youth.drop(LINE) if youth is not None else None,
                        stu.drop(LINE) if stu is not None else None, files, notes, warnings)
