"""Snapshots: what one `prognose run` read and concluded, saved so later runs can be explained.

One folder per as-of date under the workspace's snapshots/ (a forecast of another year than the
as-of date's gets `<as_of>_<year>`):
    inputs/*.parquet   the extract and buffer lists as read (standard columns, pseudonymised)
    lines.parquet      every forecast line with its origin (per grant, citizen, account, month)
    budget.parquet     the budget year's budget per account, øre (what the deviations are taken from)
    interval.parquet   P10/P50/P90 per account and in total (no account), øre, where the run drew them
    refund_bands.parquet  the citizens above a refund threshold: account, band, refund (øre)
    yearly.parquet     each complete year before: booked and the invoiced grants' cost per account (øre)
    grant_costs.parquet, grant_lag.parquet  each grant's cost, what it owes, its billing lag
    result.json        the `run --format json` document (DKK, for people and other programs;
                       prognose's own commands read the øre above, never this)
    buffers.json       each buffer's total, parameters and explanation
    meta.json          as-of date, year, engine version, the options (typed: options.to_stored) and
                       the settings as `config` shows them, sha256 of every input file
Written to a temporary folder and renamed into place, so a snapshot is whole or absent. No
clock time is stored: the same inputs give the same snapshot. CPR numbers never reach it (ids
are pseudonymised on reading).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import polars as pl

from prognose import __version__
from prognose.errors import UsageError
from prognose.io.config import as_rows
from prognose.io.files import folder_lock
from prognose.months import is_month_end
from prognose.options import Options, from_stored, to_stored

INPUTS = ("grants", "plan_steps", "postings", "budget")
# the buffers directory's tables are kept as inputs/list_<name>.parquet; a snapshot of format 3 or
# before named the youth transfers' list "youth"
EARLIER = {"youth_transfers": "youth"}
# What a snapshot folder holds; a snapshot of another format is made again, not kept (2: each
# grant's costs and billing lag, and the controller's adjustments, for `prognose explain`; 3: the
# budget, the interval and the refund's bands in øre, so no command reads amounts back from DKK,
# and the complete years before, for the years ahead; 4: the options typed, read back as they were;
# 5: the grants' caseworker and team, the extensions grant by grant and each grant's billing ratio,
# for the follow-up)
FORMAT = 5
LOCK = ".lock"
LOCK_WAIT = 30.0     # seconds a second run waits for the first to finish its snapshot


@dataclass(frozen=True)
class Snapshot:
    """A snapshot as loaded: its forecast in øre and the inputs the caller asked load() for."""
    path: Path
    meta: dict
    result: dict                       # result.json, as shown to people (DKK)
    buffers: dict
    lines: pl.DataFrame                # the forecast's lines (forecast.LINES)
    budget: pl.DataFrame               # account, ore: the budget year's budget
    interval: pl.DataFrame | None      # account (None: the total), p10, p50, p90 (øre)
    refund_bands: pl.DataFrame | None  # citizen_id, account, band, refund (øre): citizens above a threshold
    yearly: pl.DataFrame | None        # account, year, booked, cost (øre): the complete years before (forecast.yearly)
    inputs: Mapping[str, pl.DataFrame | None]

    def input(self, name: str) -> pl.DataFrame | None:
        """An input as the run read it (None where the run had none), as load() was asked to read it."""
        if name not in self.inputs:
            raise KeyError(f"snapshot input {name!r} was not loaded (load(path, inputs=...))")
        return self.inputs[name]

    @property
    def as_of(self) -> str:
        return self.meta["as_of"]

    @property
    def as_of_date(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["as_of"])

    @property
    def options(self) -> Options:
        """The options the run was made with, typed as they were (a snapshot of format 3 or before
        kept only their display rows: those are read as far as they go)."""
        if "options" in self.meta:
            return from_stored(self.meta["options"])
        return _options_of_rows(self.meta.get("settings", []))

    def plan_steps(self) -> pl.DataFrame:
        """The run's plan steps (none: an empty table of their columns)."""
        steps = self.input("plan_steps")
        return steps if steps is not None else pl.DataFrame(
            schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64})

    @property
    def year(self) -> int:
        return self.meta["year"]

    @property
    def total_band(self) -> tuple[int, int] | None:
        """P10 and P90 of the year's total (øre), where the run drew them."""
        if self.interval is None:
            return None
        total = self.interval.filter(pl.col("account").is_null())
        return (int(total["p10"][0]), int(total["p90"][0])) if total.height else None


def _options_of_rows(rows) -> Options:
    """A snapshot of format 3 or before: its price index, paragraph map and own-provision setting
    from the rows `config` shows (all the later commands ever read of them)."""
    values = {name: value for name, value, *_ in rows}
    return Options(price_index={int(k.split(".")[1]): float(v) for k, v in values.items() if k.startswith("price_index.")},
                   paragraph_accounts={k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("paragraph_accounts.")},
                   own_settled_per_grant=values.get("grants.own_settled_per_grant", "false") == "true")


def fingerprint(settings: Options) -> dict:
    """What a run would read now besides its as-of date and year, in the shape of a snapshot's meta:
    the engine version, the settings, each input file's sha256 and the buffers' configuration."""
    from prognose.io.buffers_io import list_names, read_config
    from prognose.io.extract import fingerprints

    files = fingerprints(settings.data, INPUTS)
    config = {}
    if settings.buffers.is_dir():
        files += fingerprints(settings.buffers, list_names())
        config = read_config(settings.buffers)[0]
    return {"engine_version": __version__, "format": FORMAT, "options": to_stored(settings), "inputs": files,
            "buffers_config": config}


def same_run(meta: dict, other: dict) -> bool:
    """Whether two snapshots' metas (or a meta and a fingerprint) record the same engine, the same
    settings of the forecast and the same input files: the same as-of date then gives the same run."""
    return (meta.get("engine_version") == other.get("engine_version") and meta.get("format") == other.get("format")
            and _computed(meta) == _computed(other)
            and _file_set(meta.get("inputs", [])) == _file_set(other.get("inputs", []))
            and _plain(meta.get("buffers_config")) == _plain(other.get("buffers_config")))


def _plain(config: dict | None) -> dict:
    """The buffers' configuration as meta.json holds it (dates and the like as text)."""
    return json.loads(json.dumps(config or {}, default=str))


def _computed(meta: dict) -> dict | None:
    """The options that change the forecast, as JSON keeps them (a meta of an earlier format has none)."""
    return json.loads(json.dumps(from_stored(meta["options"]).computed(), default=str)) if "options" in meta else None


def _file_set(files) -> list[tuple[str, str, str]]:
    return sorted((f["name"], f["path"], f["sha256"]) for f in files)


def latest_posting(path: Path) -> dt.date | None:
    """The latest posting date among a snapshot's inputs (its extract's as-of date, SPEC §4)."""
    return pl.read_parquet(path / "inputs" / "postings.parquet", columns=["posting_date"]).get_column("posting_date").max()


def folder_name(as_of, year: int) -> str:
    return as_of.isoformat() if as_of.year == year else f"{as_of.isoformat()}_{year}"


def save(run, directory: Path, tables: dict[str, pl.DataFrame], documents: dict[str, dict],
         replace: bool = False, warnings: list[dict] | None = None) -> tuple[Path, str]:
    """Write the run's snapshot: its inputs and lists as read, `tables` (name → frame, as parquet)
    and `documents` (name → JSON) as the caller made them. Returns (path, "written" | "kept" |
    "replaced"). A snapshot of the same as-of date made from the same files and settings holds the
    same and is kept (unless replace); one made from other files or settings no longer shows what run
    shows and is replaced."""
    fc = run.forecast
    target = directory / folder_name(fc.as_of, fc.year)
    meta = _meta(run, warnings or [])
    # one writer at a time: a second run for the same as-of date waits, then finds the first's snapshot
    with folder_lock(directory, LOCK, "another prognose run is saving a snapshot in {folder} (lock {lock}); "
                     "try again when it has finished", wait=LOCK_WAIT, leftovers=(".tmp-*",)):
        _restore_replaced(directory)
        existed = target.exists()
        old = load_meta(target) if existed else {}
        if existed and not replace and same_run(old, meta) and old.get("interval") == meta["interval"]:
            return target, "kept"
        _write(run, meta, target, directory, tables, documents)
    return target, "replaced" if existed else "written"


def _meta(run, warnings: list[dict]) -> dict:
    fc = run.forecast
    files = [f.__dict__ for f in run.extract.files] + ([f.__dict__ for f in run.buffers.files] if run.buffers else [])
    return {"as_of": fc.as_of.isoformat(), "year": fc.year, "engine_version": __version__, "format": FORMAT,
            "options": to_stored(run.settings),
            "settings": [list(r) for r in as_rows(run.settings) if not r[0].startswith("paths.")],
            "buffers_config": run.buffers.config if run.buffers is not None else None,
            "inputs": files, "warnings": warnings,
            "interval": {"draws": fc.interval.draws, "seed": fc.interval.seed} if fc.interval is not None else None}


def _write(run, meta: dict, target: Path, directory: Path, tables: dict[str, pl.DataFrame], documents: dict[str, dict]) -> None:
    tmp = directory / f".tmp-{target.name}-{os.getpid()}"
    (tmp / "inputs").mkdir(parents=True)
    try:
        ex = run.extract
        for name in INPUTS:
            getattr(ex, name).write_parquet(tmp / "inputs" / f"{name}.parquet")
        if run.buffers is not None:
            kept = {**run.buffers.lists, "adjustments": run.buffers.adjustments, "initiatives": run.buffers.initiatives}
            for name, frame in kept.items():
                if frame is not None:
                    frame.write_parquet(tmp / "inputs" / f"list_{name}.parquet")
        for name, frame in tables.items():
            frame.write_parquet(tmp / f"{name}.parquet")
        for name, document in {**documents, "meta": meta}.items():
            _write_json(tmp / f"{name}.json", document)
        trash = None
        if target.exists():
            trash = directory / f".old-{target.name}-{os.getpid()}"
            target.rename(trash)
        tmp.rename(target)
        if trash is not None:
            shutil.rmtree(trash)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _restore_replaced(directory)
        raise


def _restore_replaced(directory: Path) -> None:
    """A snapshot being replaced waits as .old-NAME-PID until the new one is in place. Where a run
    stopped between the two renames, NAME is absent: the old snapshot is put back, never deleted
    (the date's snapshot would be lost); where NAME is there, the old copy is what was replaced."""
    for old in directory.glob(".old-*"):
        name = old.name[len(".old-"):].rsplit("-", 1)[0]
        if not (directory / name).exists():
            old.rename(directory / name)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _write_json(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def listing(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "meta.json").exists())


def load(path: Path, inputs: Mapping[str, list[str] | None] | None = None) -> Snapshot:
    """A snapshot's forecast, and of its inputs those named in `inputs` (name → the columns wanted,
    those it has, or None for all: millions of postings are read for the few columns needed)."""
    if not (path / "meta.json").exists():
        raise UsageError(f"{path} is not a snapshot (no meta.json)")
    read = lambda n: json.loads((path / n).read_text(encoding="utf-8"))  # noqa: E731
    meta = load_meta(path)
    table = lambda n: pl.read_parquet(path / f"{n}.parquet") if (path / f"{n}.parquet").exists() else None  # noqa: E731
    budget = table("budget")
    if budget is None:   # a snapshot of an earlier format: the budget as read, for its year
        budget = (_input(path, "budget", ["account", "year", "amount"]).filter(pl.col("year") == meta["year"])
                  .group_by("account").agg(pl.col("amount").sum().alias("ore")).sort("account"))
    return Snapshot(path, meta, read("result.json"), read("buffers.json"), pl.read_parquet(path / "lines.parquet"), budget,
                    table("interval"), table("refund_bands"), table("yearly"),
                    {name: _input(path, name, columns) for name, columns in (inputs or {}).items()})


def table(path: Path, name: str) -> pl.DataFrame | None:
    """One of the snapshot's own tables (`grant_costs`, `grant_lag`, …), or None where its format has none."""
    return pl.read_parquet(path / f"{name}.parquet") if (path / f"{name}.parquet").exists() else None


def read_input(path: Path, name: str, columns: list[str] | None = None) -> pl.DataFrame | None:
    """One input of the snapshot at `path` as its run read it (only `columns` when given), or None."""
    return _input(path, name, columns)


def _input(path: Path, name: str, columns: list[str] | None) -> pl.DataFrame | None:
    p = path / "inputs" / f"{name}.parquet"
    if not p.exists():
        return None
    if columns is None:
        return pl.read_parquet(p)
    present = pl.read_parquet_schema(p)
    return pl.read_parquet(p, columns=[c for c in columns if c in present])


def find(directory: Path, name: str, snaps: list[Path] | None = None) -> Path:
    """A snapshot by folder name, unique prefix (e.g. an as-of date) or path."""
    snaps = listing(directory) if snaps is None else snaps
    by_name = {p.name: p for p in snaps}
    if name in by_name:
        return by_name[name]
    p = Path(name)
    if (p / "meta.json").exists():
        return p
    matches = [s for s in snaps if s.name.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(s.name for s in snaps) or "none"
    raise UsageError(f"no snapshot {name!r} in {directory} (there are: {known})")


def latest(directory: Path, name: str | None = None) -> tuple[Path, Path | None, list[Path]]:
    """The snapshot to report (named, or the latest), the one before it, and the year's snapshots up to it."""
    snaps = listing(directory)
    if not snaps:
        raise UsageError(f"no snapshots in {directory}: run `prognose run` first")
    path = find(directory, name, snaps) if name else snaps[-1]
    earlier = [s for s in snaps if s.name < path.name]
    year = load_meta(path)["year"]
    history = [s for s in earlier if load_meta(s)["year"] == year] + [path]
    return path, (earlier[-1] if earlier else None), history


def month_end_inputs(directory: Path, year: int) -> list[tuple[str, Path]]:
    """(as-of date, folder) of the snapshots of budget year `year` taken at a month's end, one per
    as-of date: what `prognose backtest --snapshots` re-runs."""
    out = {}
    for path in listing(directory):
        meta = load_meta(path)
        as_of = meta["as_of"]
        if meta["year"] == year and is_month_end(dt.date.fromisoformat(as_of)):
            out[as_of] = path
    return sorted(out.items())


def inputs_of(path: Path) -> tuple[dict[str, pl.DataFrame], dict | None, dict[str, pl.DataFrame | None]]:
    """A snapshot's inputs as read (pseudonymised), its buffers configuration, and its lists."""
    from prognose.io.buffers_io import list_names

    frames = {name: pl.read_parquet(path / "inputs" / f"{name}.parquet") for name in INPUTS}
    lists = {}
    for name in list_names():
        found = [p for p in (path / "inputs" / f"list_{n}.parquet" for n in (name, EARLIER.get(name)) if n) if p.exists()]
        lists[name] = pl.read_parquet(found[0]) if found else None
    return frames, load_meta(path).get("buffers_config"), lists


def load_meta(path: Path) -> dict:
    return json.loads((path / "meta.json").read_text(encoding="utf-8"))


def resolve(directory: Path, names: list[str]) -> tuple[Path, Path]:
    """Two snapshots to compare: the two latest, or the one named and the latest, or both named."""
    snaps = listing(directory)
    if len(names) == 2:
        return find(directory, names[0], snaps), find(directory, names[1], snaps)
    if len(names) == 1:
        if not snaps:
            raise UsageError(f"no snapshots in {directory}")
        return find(directory, names[0], snaps), snaps[-1]
    if len(snaps) < 2:
        raise UsageError(f"diff needs two snapshots in {directory}; run `prognose run` at two as-of dates first")
    return snaps[-2], snaps[-1]
