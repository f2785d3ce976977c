"""Reading the buffers directory (SPEC §2): buffers.toml, the controller's two lists, and the
controller's own adjustments (adjustments.csv).

The lists go through the same readers as the extract (any CSV dialect, xlsx, parquet; CPR
numbers pseudonymised with the same key, so the engine can match them to grants). Every key in
buffers.toml is checked, so a misspelt switch is an error, not a silently ignored line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose import components
from prognose.components import check_config, migrated, with_paragraphs_spelt
from prognose.errors import InputError, InputWarning, Problem
from prognose.io.extract import SourceFile, read_table
from prognose.io.initiatives_io import check_initiatives
from prognose.io.tomlfile import load_toml
from prognose.schema import LINE
from prognose.validate import check_amounts
from prognose.words.message import Message

@dataclass
class BufferInputs:
    config: dict
    lists: dict[str, pl.DataFrame | None] = field(default_factory=dict)   # the components' lists (components.list_names)
    adjustments: pl.DataFrame | None = None     # account, period, year, amount (øre), paragraph, note, who, entered
    initiatives: pl.DataFrame | None = None     # the action plan's initiatives, checked, in the file's order
    files: list[SourceFile] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


def list_names() -> tuple[str, ...]:
    """Every table of the buffers directory: the components' lists, the adjustments, the initiatives."""
    return (*components.list_names(), "adjustments", "initiatives")


def read_config(directory: Path) -> tuple[dict, Problem | None]:
    """buffers.toml as parsed ({} when there is none), or the problem that it is not TOML."""
    return load_toml(directory / "buffers.toml", "buffers.toml")


def read_buffers(directory: Path, settings, key: bytes) -> BufferInputs:
    problems: list[Problem] = []
    files: list[SourceFile] = []
    notes = []
    if not directory.is_dir():
        return BufferInputs({}, files=[], notes=[Message("note.no_buffers_directory", directory=str(directory))])
    toml = directory / "buffers.toml"
    config, problem = read_config(directory)
    if problem is not None:
        problems.append(problem)
    if toml.exists():
        config, moved = migrated(config)
        notes += moved
        problems += check_config(config)
        config, misspelt = with_paragraphs_spelt(config)
        problems += misspelt
    else:
        notes.append(Message("note.no_buffers_toml"))
    warnings: list[InputWarning] = []
    lists = {}
    for c in components.REGISTRY:        # each component's lists, as its record declares them
        for name, columns in c.lists.items():
            listed = lists[name] = read_table(directory, name, settings, key, False, problems, files, warnings, columns)
            if listed is not None:
                path = next(f.path for f in files if f.name == name)
                check_amounts(listed, path, problems)
                problems += c.check_list(listed, path) if c.check_list is not None and listed.height else []
    adjustments = read_table(directory, "adjustments", settings, key, False, problems, files, warnings)
    if adjustments is not None:
        problems += check_adjustments(adjustments, next(f.path for f in files if f.name == "adjustments"))
    plans = read_table(directory, "initiatives", settings, key, False, problems, files, warnings)
    if plans is not None:
        problems += check_initiatives(plans, next(f.path for f in files if f.name == "initiatives"))
    if problems:
        raise InputError(problems)
    drop = lambda f: f.sort(LINE).drop(LINE) if f is not None else None  # noqa: E731
    return BufferInputs(config, {name: drop(frame) for name, frame in lists.items()}, drop(adjustments), drop(plans), files=files,
                        notes=notes, warnings=warnings)


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
