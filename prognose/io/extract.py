"""Reading a data directory (SPEC §1) into typed, pseudonymised frames, or every problem found.

This is the only place the extract's files are opened. Every table takes one pass where it is read
(io/scrub.py) before any frame leaves the reader: CPR numbers become keyed pseudonyms in id columns
and are masked in every other text, and control characters are removed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.background import in_background
from prognose.errors import InputError, InputWarning, Problem
from prognose.options import Options as Settings
from prognose.io.parse import apply_mapping, parse_table
from prognose.io.raw import find_table, load_raw
from prognose.io.scrub import finished
from prognose.io.table import trimmed
from prognose.schema import LINE
from prognose.schema import SPECS
from prognose.validate import check_budget, check_grants, check_plan_steps, check_postings, stray_latest_month


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
    warnings: list[InputWarning] = field(default_factory=list)
    stray_lines: list[int] = field(default_factory=list)   # postings of a latest month that is a typo (SPEC §4)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprints(directory: Path, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Name, file name and sha256 of each of the standard tables `names` found in `directory`,
    without reading them: what a snapshot's record of its inputs is held against."""
    return [{"name": name, "path": path.name, "sha256": _sha256(path)}
            for name in names for path in find_table(directory, name)]


# Tables in which two identical rows can only be one row entered twice (two identical postings
# can be two real invoices, so postings are not among them); so is every list a component reads, an
# adjustment entered twice and an initiative written twice.
ONE_ROW_EACH = ("grants", "plan_steps", "budget", "adjustments", "initiatives")


def read_table(directory: Path, name: str, settings: Settings, key: bytes, required: bool,
               problems: list[Problem], files: list[SourceFile],
               warnings: list[InputWarning] | None = None, spec: tuple | None = None) -> pl.DataFrame | None:
    """Read and type one standard table (or a list a component declares with its columns, `spec`);
    None when absent (a problem when required). What was read in the one way a controller would is
    added to `warnings`."""
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
    if not path.is_file():     # a pipe would hang the run, a device or a folder is no export
        problems.append(Problem(path.name, None, None, None, f"an ordinary file (found a folder, a pipe or a device at {path})"))
        return None
    listed = spec is not None
    spec = spec if listed else SPECS[name]
    mapping = settings.columns.get(name, {})
    known = frozenset({c.name for c in spec} | {k.strip().lower() for k in mapping})
    raw = load_raw(path, name, known)
    raw = apply_mapping(raw, mapping, spec)
    frame = pl.DataFrame()
    if not raw.problems:
        if name in ONE_ROW_EACH or listed:
            raw = _read_duplicates_once(raw)
        frame = parse_table(raw, spec, cpr_columns=("citizen_id",))
    problems.extend(raw.problems)
    if warnings is not None:
        warnings.extend(raw.warnings)
    files.append(SourceFile(name, path.name, _sha256(path), frame.height, raw.dialect))
    if frame.is_empty() and raw.problems:
        return None
    frame, cleaned, too_long = finished(frame, key, path.name, raw.distinct)
    problems.extend(too_long)
    if warnings is not None:
        warnings.extend(cleaned)
    return frame


def _read_duplicates_once(raw):
    """An exact duplicate row (every cell the same, blanks around it aside) is one row exported
    twice: read once."""
    values = [c for c in raw.frame.columns if c != LINE]
    if not values or raw.frame.height == 0:
        return raw
    if raw.padded:      # these tables are small: trimmed whole
        raw.frame = raw.frame.with_columns(trimmed(pl.col(c)).alias(c) for c in values if raw.frame.schema[c] == pl.String)
        raw.padded = False
    again = raw.frame.select(pl.struct(values).is_first_distinct().not_().alias("again")).to_series()
    if again.any():
        lines = raw.frame.filter(again).get_column(LINE).to_list()
        raw.warnings += InputWarning.rows("duplicate_row", raw.path.name, lines)
        raw.frame = raw.frame.filter(~again)
    return raw


def read_extract(directory: Path, settings: Settings, key: bytes) -> Extract:
    problems: list[Problem] = []
    files: list[SourceFile] = []
    if not directory.is_dir():
        raise InputError([Problem(str(directory), None, None, None, "a data directory (set paths.data or --data)")])
    # The postings are read on this thread while the small tables are read on another (their CPR
    # pseudonyms are Python work, the postings' parsing mostly not); problems and files are kept
    # in the tables' order either way.
    def read_one(name: str) -> tuple[pl.DataFrame | None, list[Problem], list[SourceFile], list[InputWarning]]:
        table_problems: list[Problem] = []
        table_files: list[SourceFile] = []
        table_warnings: list[InputWarning] = []
        frame = read_table(directory, name, settings, key, name != "plan_steps", table_problems, table_files,
                           table_warnings)
        return frame, table_problems, table_files, table_warnings

    small = in_background(lambda: {name: read_one(name) for name in ("grants", "plan_steps", "budget")})
    found = {"postings": read_one("postings")}
    found.update(small.result())
    tables = {}
    warnings: list[InputWarning] = []
    for name in ("grants", "plan_steps", "postings", "budget"):
        tables[name], table_problems, table_files, table_warnings = found[name]
        problems.extend(table_problems)
        files.extend(table_files)
        warnings.extend(table_warnings)
    # an export that stopped after its header: no forecast is made without grants
    if tables["grants"] is not None and tables["grants"].is_empty():
        problems.append(Problem(files[0].path, None, None, None, "at least one grant (the file holds its header and no row)"))
    if problems:
        raise InputError(problems)
    grants = check_grants(tables["grants"], settings, problems, files[0].path)
    steps = tables["plan_steps"]
    if steps is None:
        steps = pl.DataFrame(schema={LINE: pl.Int64, "grant_id": pl.String, "effective_date": pl.Date,
                                     "quantity": pl.Float64, "rate": pl.Float64})
    else:
        steps = check_plan_steps(steps, grants, problems, warnings, _file_of(files, "plan_steps"))
    postings = check_postings(tables["postings"], problems, _file_of(files, "postings"))
    budget = check_budget(tables["budget"], problems, _file_of(files, "budget"))
    if settings.strict:
        problems.extend(w.as_problem() for w in warnings)
    if problems:
        raise InputError(problems)
    return Extract(grants.drop(LINE), steps.drop(LINE), postings.drop(LINE), budget.drop(LINE), files, warnings,
                   stray_latest_month(postings))


def _file_of(files: list[SourceFile], name: str) -> str:
    return next(f.path for f in files if f.name == name)
