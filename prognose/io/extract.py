"""Reading a data directory (SPEC §1) into typed, pseudonymised frames, or every problem found.

This is the only place the extract's files are opened. CPR numbers are replaced by keyed
pseudonyms here, before any frame leaves the reader, and CPR-shaped text in free-text columns
is masked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.background import in_background
from prognose.errors import InputError, Problem
from prognose.io.config import Settings
from prognose.io.parse import apply_mapping, parse_table
from prognose.io.raw import LINE, find_table, load_raw
from prognose.privacy import CPR_PATTERN, birth_date_from_cpr, pseudonymise_column, scrub_column
from prognose.schema import SPECS
from prognose.validate import check_budget, check_grants, check_plan_steps, check_postings


@dataclass
class SourceFile:
    name: str
    path: str
    sha256: str
    rows: int
    dialect: dict[str, str]


@dataclass
class Extract:
    grants: pl.DataFrame
    plan_steps: pl.DataFrame
    postings: pl.DataFrame
    budget: pl.DataFrame
    files: list[SourceFile] = field(default_factory=list)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_table(directory: Path, name: str, settings: Settings, key: bytes, required: bool,
               problems: list[Problem], files: list[SourceFile]) -> pl.DataFrame | None:
    """Read and type one standard table; None when absent (a problem when required)."""
    candidates = find_table(directory, name)
    if not candidates:
        if required:
            problems.append(Problem(f"{directory.name}/{name}", None, None, None,
                                    f"a file {name}.csv, {name}.xlsx or {name}.parquet in {directory}"))
        return None
    if len(candidates) > 1:
        problems.append(Problem(candidates[0].name, None, None, None,
                                f"one file named {name} (found {', '.join(p.name for p in candidates)})"))
        return None
    path = candidates[0]
    raw = load_raw(path, name)
    spec = SPECS[name]
    raw = apply_mapping(raw, settings.columns.get(name, {}), spec)
    frame = pl.DataFrame()
    if not raw.problems:
        frame = parse_table(raw, spec, cpr_columns=("citizen_id",))
    problems.extend(raw.problems)
    files.append(SourceFile(name, path.name, _sha256(path), frame.height, raw.dialect))
    if frame.is_empty() and raw.problems:
        return None
    return finish_citizens(frame, key)


def finish_citizens(frame: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Birth dates from CPR numbers, then CPR numbers replaced by pseudonyms; free text scrubbed."""
    if "citizen_id" in frame.columns:
        if "birth_date" in frame.columns:
            cid = pl.col("citizen_id")
            derived = pl.when(cid.str.contains(CPR_PATTERN)).then(birth_date_from_cpr(cid))
            frame = frame.with_columns(pl.coalesce("birth_date", derived).alias("birth_date"))
        frame = pseudonymise_column(frame, "citizen_id", key)
    frame = scrub_column(frame, "text")
    return frame


def read_extract(directory: Path, settings: Settings, key: bytes) -> Extract:
    problems: list[Problem] = []
    files: list[SourceFile] = []
    if not directory.is_dir():
        raise InputError([Problem(str(directory), None, None, None, "a data directory (set paths.data or --data)")])
    # The postings are read on this thread while the small tables are read on another (their CPR
    # pseudonyms are Python work, the postings' parsing mostly not); problems and files are kept
    # in the tables' order either way.
    def read_one(name: str) -> tuple[pl.DataFrame | None, list[Problem], list[SourceFile]]:
        table_problems: list[Problem] = []
        table_files: list[SourceFile] = []
        frame = read_table(directory, name, settings, key, name != "plan_steps", table_problems, table_files)
        return frame, table_problems, table_files

    small = in_background(lambda: {name: read_one(name) for name in ("grants", "plan_steps", "budget")})
    found = {"postings": read_one("postings")}
    found.update(small.result())
    tables = {}
    for name in ("grants", "plan_steps", "postings", "budget"):
        tables[name], table_problems, table_files = found[name]
        problems.extend(table_problems)
        files.extend(table_files)
    if problems:
        raise InputError(problems)
    grants = check_grants(tables["grants"], settings, problems, files[0].path)
    steps = tables["plan_steps"]
    if steps is None:
        steps = pl.DataFrame(schema={LINE: pl.Int64, "grant_id": pl.String, "effective_date": pl.Date,
                                     "quantity": pl.Float64, "rate": pl.Float64})
    else:
        steps = check_plan_steps(steps, grants, problems, _file_of(files, "plan_steps"))
    postings = check_postings(tables["postings"], problems, _file_of(files, "postings"))
    budget = check_budget(tables["budget"], problems, _file_of(files, "budget"))
    if problems:
        raise InputError(problems)
    return Extract(grants.drop(LINE), steps.drop(LINE), postings.drop(LINE), budget.drop(LINE), files)


def _file_of(files: list[SourceFile], name: str) -> str:
    return next(f.path for f in files if f.name == name)
