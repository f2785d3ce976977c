"""The library behind the commands: settings → extract → forecast, with no printing.

Each CLI command is a few lines over these functions; tests and other programs call them directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prognose.background import in_background
from prognose.errors import InputError, InputWarning, UsageError
from prognose.forecast import Forecast, ForecastOptions, run_forecast
from prognose.months import month_end
from prognose.io.config import Settings, load_settings
from prognose.io.buffers_io import BufferInputs, read_buffers
from prognose.io.extract import Extract, read_extract
from prognose.io.keyfile import load_key
from prognose.timing import Clock
from prognose.uncertainty import DRAWS
from prognose.views import component_lines
from prognose.validate import check_budget_year
from prognose.words.message import Message


@dataclass
class Run:
    settings: Settings
    extract: Extract
    forecast: Forecast
    buffers: BufferInputs | None = None
    warnings: list[InputWarning] = field(default_factory=list)   # about the input, and how it was read
    clock: Clock = field(default_factory=Clock)                   # where the run spent its time (--verbose)


# what the bridge between two snapshots and the activity figures read of a snapshot's inputs
BRIDGE_INPUTS = {"grants": None, "plan_steps": None}


def settings_for(workspace: Path | None, **overrides) -> Settings:
    return load_settings(workspace, overrides)


def read(settings: Settings) -> Extract:
    require_data(settings)
    key = load_key(settings.key_file)
    return read_extract(settings.data, settings, key)


def require_data(settings: Settings) -> None:
    """A data directory that is not there is an error before anything is written (no key file, no
    folder made for a workspace that does not exist), saying where a workspace was looked for."""
    if settings.data.is_dir():
        return
    where = (f"{settings.workspace / 'prognose.toml'} sets paths.data" if (settings.workspace / "prognose.toml").exists()
             else f"no prognose.toml in {settings.workspace}; `prognose init DIR` lays out a "
                  "workspace, or give --workspace or --data")
    raise UsageError(f"no data directory {settings.data} ({where})")


def default_as_of(ex: Extract) -> dt.date:
    """SPEC §4: the last day of the latest posting month, unless that month holds only a few
    stray postings (a typo in a date), which is an error naming their lines."""
    latest = ex.postings.get_column("posting_date").max()
    if latest is None:
        raise UsageError("no postings to take an as-of date from: give --as-of")
    if ex.stray_lines:
        fname = next((f.path for f in ex.files if f.name == "postings"), "postings")
        lines = ", ".join(map(str, ex.stray_lines[:10])) + (", …" if len(ex.stray_lines) > 10 else "")
        raise UsageError(f"{fname}, line {lines}: the latest posting month ({latest:%Y-%m}) holds only "
                         f"{len(ex.stray_lines)} posting(s), far fewer than the months before it — a date typed "
                         "wrong? Correct them or give --as-of")
    return month_end(latest)


def forecast(settings: Settings, as_of: dt.date | None = None, year: int | None = None,
             extract: Extract | None = None, draws: int = DRAWS, seed: int = 0) -> Run:
    clock = Clock()
    ex = extract or clock.step("read extract", read, settings)
    as_of = as_of or default_as_of(ex)
    year = year or as_of.year
    budget_file = next((f.path for f in ex.files if f.name == "budget"), "budget")
    if problems := check_budget_year(ex.budget, year, budget_file):
        raise InputError(problems)
    if not (dt.date(year, 1, 1) <= as_of <= dt.date(year + 1, 2, 28) + dt.timedelta(days=1)):
        raise UsageError(f"--as-of {as_of} is outside budget year {year} and its supplementary period")
    bufs = clock.step("read buffers", read_buffers, settings.buffers, settings, load_key(settings.key_file))
    later = [*bufs.warnings, *_as_of_warnings(ex.postings, as_of)]   # the extract's own were checked on reading
    if settings.strict and later:
        raise InputError([w.as_problem() for w in later])
    warnings = [*ex.warnings, *later]
    fc = run_forecast(ex.grants, ex.plan_steps, ex.postings, ex.budget, ForecastOptions.of(settings), year, as_of, bufs,
                      draws=draws, seed=seed, alongside=in_background, step=clock.step)
    fc.notes += _index_notes(settings, ex.grants)
    return Run(settings, ex, fc, bufs, warnings, clock)


def save_snapshot(run: Run, replace: bool = False, directory: Path | None = None) -> tuple[Path, str]:
    """The run's snapshot: its lines and what each grant costs and owes, in a fixed order (the same
    bytes every time), and the forecast and the buffers as the JSON documents that later commands read."""
    from prognose.forecast import in_order
    from prognose.io import snapshots
    from prognose.report.buffers_report import buffers_document
    from prognose.report.machine import forecast_document
    from prognose.report.words import both

    fc = run.forecast
    tables = {"lines": in_order(fc.lines), "budget": fc.budget.sort("account"), "grant_costs": fc.grant_costs.sort("grant_id"),
              "grant_lag": fc.grant_lag.sort("grant_id", "moy")}
    if fc.yearly is not None:
        tables["yearly"] = fc.yearly
    if fc.interval is not None:
        tables["interval"] = fc.interval.table.sort("account", nulls_last=True)
    if fc.refusion is not None:
        tables["refund_bands"] = (fc.refusion.citizens.filter(pl.col("band") > 0)
                                  .select("citizen_id", "account", "band", "refund").sort("citizen_id", "account"))
    documents = {"result": forecast_document(fc), "buffers": buffers_document(fc)}
    warnings = [{"kind": w.kind, "file": w.file, "count": w.count, "lines": list(w.lines), "text": both(w.message())}
                for w in run.warnings]
    return snapshots.save(run, directory or run.settings.snapshots, tables, documents, replace, warnings)


def _index_notes(settings: Settings, grants: pl.DataFrame) -> list[Message]:
    """Grants priced at a year's level are indexed only with a [price_index]; without one, say so."""
    if settings.price_index or "price_year" not in grants.columns:
        return []
    priced = grants.filter(pl.col("price_year").is_not_null()).height
    if not priced:
        return []
    return [Message("note.no_price_index", priced=priced)]


def refusion(settings: Settings, year: int | None = None, as_of: dt.date | None = None):
    """The refund of expensive single cases for `year` (default: the as-of date's), as of `as_of`:
    for the budget year the forecast's own (with the buffers' changes to citizens' costs); for an
    earlier year from its grants alone, with thresholds learned only from the years before it."""
    ex = read(settings)
    as_of = as_of or default_as_of(ex)
    year = year or as_of.year
    if year == as_of.year or (year == as_of.year - 1 and as_of.month <= 2):
        return forecast(settings, as_of, year, extract=ex, draws=0).forecast.refusion, as_of
    return _refusion_of_grants(ex, settings, year, as_of), as_of


def activity(settings: Settings, as_of: dt.date | None = None, year: int | None = None, by: str = "paragraph",
             compare: int | None = None, mix_base: int | None = None):
    """Citizens, flows, full-year persons and prices per group (activity.py), the months ahead as the
    forecast expects them: (Activity, the snapshot it was counted from or None).

    Where `prognose run` saved a snapshot for this as-of date from the files and settings as they are
    now, its grants and buffer lines are used (what run showed, without forecasting again); else the
    forecast is run here, without its interval, which activity does not need."""
    from prognose.activity import activity as count

    snap = current_snapshot(settings, as_of, year)
    counted = snapshot_activity(snap, by, settings.activity_bands, compare, mix_base) if snap is not None else None
    if counted is not None:
        return counted, snap.path.name
    run = forecast(settings, as_of, year, draws=0)
    fc = run.forecast
    known = run.extract.grants.filter(pl.col("decided_date").is_null() | (pl.col("decided_date") <= fc.as_of))
    return count(known, run.extract.plan_steps, settings.price_index, fc.year, fc.as_of, by, component_lines(fc.lines),
                 settings.activity_bands, compare, mix_base, own_runs_on=not settings.own_settled_per_grant), None


def current_snapshot(settings: Settings, as_of: dt.date | None = None, year: int | None = None):
    """The workspace's snapshot for as_of (default: the extract's latest month, as `run` takes it)
    and year, if it was made by this engine from the files and settings as they are now; else None."""
    from prognose.io import snapshots as store

    snaps = store.listing(settings.snapshots)
    if not snaps:
        return None
    now = store.fingerprint(settings)
    current = [p for p in snaps if store.same_run(store.load_meta(p), now)]
    if not current:
        return None
    if as_of is None:
        latest = store.latest_posting(current[-1])   # the same files: the same latest posting in each
        as_of = month_end(latest) if latest is not None else None
    wanted = store.folder_name(as_of, year or as_of.year) if as_of is not None else None
    return next((store.load(p, BRIDGE_INPUTS) for p in current if p.name == wanted), None)


def _refusion_of_grants(ex: Extract, settings: Settings, year: int, as_of: dt.date):
    """The year's refund from the grants known at as_of and the postings alone (no buffers)."""
    from prognose.refusion import forecast_refusion

    known = ex.grants.filter(pl.col("decided_date").is_null() | (pl.col("decided_date") <= as_of))
    return forecast_refusion(known, ex.plan_steps, ex.postings, settings.refusion, settings.price_index, year, as_of,
                             year - 3)


def learned_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """What the engine learns for the refund of expensive cases from the extract, as `config` rows."""
    from prognose.words.locale import kroner

    ex = read(settings)
    as_of = default_as_of(ex)
    rf = _refusion_of_grants(ex, settings, as_of.year, as_of)   # what is learned does not depend on the buffers
    if rf is None:
        return [("refusion.learned", "nothing: no refund is booked in the history", "postings")]
    learned, origin = rf.learned, "postings, kind " + ", ".join(settings.refusion.kinds)
    rows = [("refusion.learned.settlement", learned.settlement, f"{origin}, years {', '.join(map(str, sorted(learned.booked)))}"
             if learned.booked else "default")]
    rows += [(f"refusion.learned.{y}", f"factor {f:.4f} on the thresholds, refund booked {kroner(learned.booked[y])} kr.", origin)
             for y, f in sorted(learned.years.items())]
    rows.append((f"refusion.thresholds.{rf.year}", f"{kroner(rf.thresholds[0])} / {kroner(rf.thresholds[1])}",
                 f"learned from {max(learned.years)}" if rf.source == "learned" else rf.source))
    return rows


def _as_of_warnings(postings: pl.DataFrame, as_of: dt.date) -> list[InputWarning]:
    """An as-of date months past the latest posting forecasts months as if nothing was booked in them."""
    latest = postings.get_column("posting_date").max()
    if latest is None or as_of <= month_end(latest):
        return []
    return [InputWarning("as_of_past_data", "--as-of", (), 1, Message("warning.as_of_after", latest=latest, as_of=as_of))]


def director_report(settings: Settings, name: str | None = None, citizens: int = 0):
    """The director's report (director.Report) of a snapshot (default: the latest), with the bridge
    from the snapshot before it and the year's history. Reads only snapshots: it shows what run showed."""
    from prognose.diff import bridge
    from prognose.io import snapshots as store
    from prognose.report import director
    from prognose.report.diff_report import top_citizens

    path, prev_path, history = store.latest(settings.snapshots, name)
    snap = store.load(path, {**BRIDGE_INPUTS, **director.DIRECTOR_INPUTS})
    prev = store.load(prev_path, BRIDGE_INPUTS) if prev_path is not None else None
    br = bridge(prev, snap) if prev is not None else None
    people = top_citizens(br, snap.input("grants"), citizens, settings.lang) if (br is not None and citizens) else []
    hist = [store.load(p) if p != path else snap for p in history]
    rep = director.build(snap, prev, hist, br, settings.lang, settings.deviation_sign, people, settings.highlight_percent,
                         store.read_input(path, "postings", director.POSTINGS))
    if citizens:
        from prognose.explain import largest_grants

        rep.largest = largest_grants(snap.lines, per_paragraph=5)
    from prognose.report.activity_report import movement_sentence

    rep.activity = snapshot_activity(snap, bands=settings.activity_bands)
    from prognose.ahead import snapshot_projection

    rep.projection = snapshot_projection(snap)
    if rep.activity is not None and (line := movement_sentence(rep.activity, settings.lang)):
        rep.sentences.append(line)
    return rep


def explain(settings: Settings, key: str, value: str, name: str | None = None, month: dt.date | None = None,
            top: int = 10, postings: bool = False):
    """What is behind one figure of a snapshot (default: the latest): explain.Explanation."""
    from prognose import explain as ex
    from prognose.io import snapshots as store

    path, _, _ = store.latest(settings.snapshots, name)
    snap = store.load(path, {"grants": None, "plan_steps": None, "postings": None})
    grants = snap.input("grants")
    lines = snap.lines.filter(ex.selection(key, value, grants))
    if month is not None:
        lines = lines.filter(pl.col("month") == month.replace(day=1))
    if lines.is_empty():
        raise UsageError(f"no forecast line for {key} {value!r} in snapshot {path.name}"
                         + (f" in {month:%Y-%m}" if month else ""))
    costs = _parquet(path / "grant_costs.parquet")
    year, as_of = snap.meta["year"], dt.date.fromisoformat(snap.meta["as_of"])
    out = ex.Explanation(key, value, year, as_of, month, ex.by_origin(lines, costs, month is None), ex.contributors(lines, top))
    if costs is None:
        out.notes.append(Message("note.old_snapshot"))
    if key == "grant":
        found = grants.filter(pl.col("grant_id") == value).to_dicts()
        if found:
            out.grant = ex.grant_detail(found[0], snapshot_steps(snap), snap.input("postings"), snap.lines,
                                        _parquet(path / "grant_lag.parquet"), costs, snapshot_index(snap), year, as_of)
        else:
            out.notes.append(Message("note.grant_not_in_snapshot", grant=value))
    if postings:
        out.postings = ex.postings_behind(snap.input("postings"), key, value, year, as_of)
    return out, path.name


def _parquet(path: Path) -> pl.DataFrame | None:
    return pl.read_parquet(path) if path.exists() else None


def snapshot_activity(snap, by: str = "paragraph", bands: dict | None = None, compare: int | None = None,
                      mix_base: int | None = None):
    """Activity from what a snapshot read and concluded: its grants and plan steps, its buffer lines,
    and the price index and own-provision setting it ran with."""
    from prognose.activity import activity as count

    grants = snap.input("grants")
    if grants is None or grants.is_empty():
        return None
    as_of = dt.date.fromisoformat(snap.meta["as_of"])
    rows = {name: value for name, value, _ in snap.meta.get("settings", [])}
    known = grants.filter(pl.col("decided_date").is_null() | (pl.col("decided_date") <= as_of))
    return count(known, snapshot_steps(snap), snapshot_index(snap), snap.meta["year"], as_of, by, component_lines(snap.lines),
                 bands, compare, mix_base, own_runs_on=rows.get("grants.own_settled_per_grant", "false") != "true")


def snapshot_index(snap) -> dict[int, float]:
    """The price index a snapshot's run used, from its settings."""
    return {int(name.split(".")[1]): float(value) for name, value, _ in snap.meta.get("settings", [])
            if name.startswith("price_index.")}


def snapshot_steps(snap) -> pl.DataFrame:
    """A snapshot's plan steps (none: an empty table of their columns)."""
    steps = snap.input("plan_steps")
    return steps if steps is not None else pl.DataFrame(
        schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64})


def backtest(settings: Settings, extracts: Path | None = None, final: Path | None = None, ablate: tuple[str, ...] = (),
             progress=None, draws: int = DRAWS, seed: int = 0, snapshots_year: int | None = None) -> tuple[int, list[dict]]:
    """Re-run today's engine as of each month-end of a past year and return (final accounts in øre,
    one row per as-of date with the forecast, its P10/P90 and the baselines in øre).

    The month-ends come from `extracts` (folders named YYYY-MM-DD, each a data directory, optionally
    with its own buffers/ — else the workspace's buffers), or, with `snapshots_year`, from the
    workspace's snapshots of that year taken at a month's end (their inputs, lists and buffer
    configuration as they were). Final accounts come from `final` (default: the workspace's data),
    which must cover the year's supplementary period."""
    from prognose import backtest as bt
    from prognose.io import snapshots as store

    key = load_key(settings.key_file)
    if snapshots_year is not None:
        points = store.month_end_inputs(settings.snapshots, snapshots_year)
        if not points:
            raise UsageError(f"no snapshots of {snapshots_year} taken at a month's end in {settings.snapshots}")
        year = snapshots_year
        loader = lambda folder: _snapshot_inputs(folder, settings)  # noqa: E731
    else:
        folders = extract_folders(extracts)
        if not folders:
            raise UsageError(f"no month-end extracts in {extracts} (folders named YYYY-MM-DD, each a data directory)")
        points = [(p.name, p) for p in folders]
        year = dt.date.fromisoformat(folders[0].name).year
        loader = lambda folder: _extract_inputs(folder, settings, key, "buffers" not in ablate)  # noqa: E731
    final_ex = read_extract(final or settings.data, settings, key)
    last_posting = final_ex.postings.get_column("posting_date").max()
    if last_posting is None or last_posting < dt.date(year + 1, 2, 28):
        raise UsageError(f"the final accounts for {year} need an extract taken after its supplementary period "
                         f"(the latest posting in {final or settings.data} is {last_posting}); give --final DIR")
    final_total = bt.final_accounts(final_ex.postings, year)
    rows = []
    for name, folder in points:
        as_of = dt.date.fromisoformat(name)
        grants, steps, postings, budget, bufs = loader(folder)
        fc = run_forecast(grants, steps, postings, budget, ForecastOptions.of(settings), year, as_of,
                          None if "buffers" in ablate else bufs,
                          learn_lag="lag" not in ablate, draws=draws, seed=seed, alongside=in_background)
        band = fc.interval.of(None) if fc.interval is not None else None
        rows.append({"as_of": as_of, "prognose": int(fc.lines.get_column("ore").sum()),
                     "p10": band["p10"] if band else None, "p90": band["p90"] if band else None,
                     **bt.baselines(postings, budget, year, as_of)})
        if progress is not None:
            progress(name)
    return final_total, rows


def _extract_inputs(folder: Path, settings: Settings, key: bytes, with_buffers: bool):
    ex = read_extract(folder, settings, key)
    bufs = None
    if with_buffers:
        bufs = read_buffers(folder / "buffers" if (folder / "buffers").is_dir() else settings.buffers, settings, key)
    return ex.grants, ex.plan_steps, ex.postings, ex.budget, bufs


def _snapshot_inputs(folder: Path, settings: Settings):
    from prognose.io import snapshots as store

    frames, config, lists = store.inputs_of(folder)
    bufs = BufferInputs(config or {}, lists["youth"], lists["stu"], lists["adjustments"]) if config is not None else None
    return frames["grants"], frames["plan_steps"], frames["postings"], frames["budget"], bufs


def extract_folders(extracts: Path | None) -> list[Path]:
    """The dated extract folders (YYYY-MM-DD) a backtest re-runs, in date order."""
    if extracts is None or not extracts.is_dir():
        return []
    return sorted(p for p in extracts.iterdir() if p.is_dir() and _is_date(p.name))


def _is_date(name: str) -> bool:
    try:
        dt.date.fromisoformat(name)
        return True
    except ValueError:
        return False
