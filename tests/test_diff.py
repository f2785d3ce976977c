"""Snapshots and the bridge of `prognose diff`: pairs that differ by one cause put the whole change
in that cause; for any pair the causes add up to the change, to the øre."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import D, ROOT, invoke, write
from prognose.commands import edge
from prognose.commands.run import save_snapshot
from prognose.commands.activity import BRIDGE_INPUTS
from prognose.diff import bridge
from prognose.io import snapshots as store
from prognose.months import add_months

ALL_OFF = {name: {"enabled": False} for name in ("stu", "other_inflow", "deaths", "bpa_sickness", "other_outflow", "extensions")}
G = {"grant_id": pl.String, "citizen_id": pl.String, "paragraph": pl.String, "account": pl.String, "provider": pl.String,
     "provider_type": pl.String, "start_date": pl.Date, "end_date": pl.Date, "end_reason": pl.String, "unit": pl.String,
     "rate": pl.Float64, "quantity": pl.Float64, "decided_date": pl.Date}


def base() -> dict:
    """Three invoiced grants with history, own payroll no grant explains, a budget and a youth list."""
    grants = [
        ("G1", "P-1", "SEL 108", "5.38.50", "Bostedet", "private", D(2022, 1, 1), None, None, "month", 40_000.0, 1.0, D(2021, 12, 1)),
        ("G2", "P-2", "SEL 85", "5.38.38", "Nabokommunen", "municipality", D(2023, 3, 1), D(2025, 12, 31), None, "month", 8_000.0, 1.0,
         D(2023, 2, 1)),
        ("G3", "P-3", "SEL 104", "5.38.59", "Værkstedet", "private", D(2024, 1, 1), None, None, "month", 5_000.0, 1.0, D(2023, 12, 1)),
    ]
    return {"grants": grants, "steps": [], "budget": {"5.38.50": 1_900_000, "5.38.38": 100_000, "5.38.59": 60_000},
            "youth": [("P-Y", D(2025, 9, 1), "SEL 108", "month", 30_000.0, 1.0, 1.0)], "buffers": dict(ALL_OFF)}


def postings(grants: list, until: dt.date, refunds: list = ()) -> pl.DataFrame:
    """Each grant invoiced monthly in arrears on the 10th; payroll on the 28th; the state's refund of
    expensive cases (account, year, DKK) settled on 14 February after the year; all up to `until`."""
    rows = []
    for gid, cid, _, acc, _, _, start, end, _, _, rate, qty, _ in grants:
        m = start
        last = min(end or D(2026, 12, 31), D(2026, 12, 31))
        while m <= last:
            nxt = add_months(m, 1)
            booked = nxt.replace(day=10)
            if booked <= until:
                rows.append((booked, m if m.month == 12 else nxt, acc, int(rate * qty * 100), cid, gid, "finance"))
            m = nxt
    m = D(2022, 1, 1)
    while m.replace(day=28) <= until:
        rows.append((m.replace(day=28), m, "5.38.50", 100_000_00, None, None, "payroll"))
        m = add_months(m, 1)
    rows = [(*r, "1.1" if r[-1] == "payroll" else "4.9") for r in rows]
    rows += [(D(y + 1, 2, 14), D(y, 12, 1), acc, -int(kr * 100), None, None, "finance", "8.6") for acc, y, kr in refunds
             if D(y + 1, 2, 14) <= until]
    return pl.DataFrame(rows, schema={"posting_date": pl.Date, "period": pl.Date, "account": pl.String, "amount": pl.Int64,
                                      "citizen_id": pl.String, "grant_id": pl.String, "source": pl.String, "art": pl.String},
                        orient="row")


def snapshot(tmp: Path, name: str, world: dict, as_of: dt.date, year: int | None = None, layout: str = "parquet",
             rename: dict | None = None) -> store.Snapshot:
    ws = tmp / name
    grants = pl.DataFrame(world["grants"], schema=G, orient="row")
    steps = pl.DataFrame(world["steps"], schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64,
                                                 "rate": pl.Float64}, orient="row")
    budget = pl.DataFrame([(a, y, int(v * 100)) for a, v in world["budget"].items() for y in range(2022, 2027)],
                          schema={"account": pl.String, "year": pl.Int64, "amount": pl.Int64}, orient="row")
    write({"grants": grants, "plan_steps": steps, "postings": postings(world["grants"], as_of, world.get("refunds", ())),
           "budget": budget},
          ws / "data", layout)
    toml = ""
    if rename:  # the postings as another system exports them: its own headers, mapped in prognose.toml
        p = pl.read_csv(ws / "data" / "postings.csv", infer_schema=False, separator=";", encoding="cp1252").rename(rename)
        p.write_csv(ws / "data" / "postings.csv", separator=";")
        toml = "[columns.postings]\n" + "\n".join(f'"{v}" = "{k}"' for k, v in rename.items()) + "\n"
    (ws / "prognose.toml").write_text(toml)
    (ws / "buffers").mkdir()
    def value(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(x)}" for k, x in v.items()) + " }"
        return json.dumps(v)

    toml = "\n".join(f"[{k}]\n" + "\n".join(f"{p} = {value(v)}" for p, v in cfg.items()) for k, cfg in world["buffers"].items())
    (ws / "buffers" / "buffers.toml").write_text(toml + "\n")
    pl.DataFrame(world["youth"], schema={"citizen_id": pl.String, "expected_start": pl.Date, "paragraph": pl.String, "unit": pl.String,
                                         "rate": pl.Float64, "quantity": pl.Float64, "probability": pl.Float64},
                 orient="row").write_csv(ws / "buffers" / "youth_transfers.csv")
    settings = edge.options_for(ws, data=ws / "data", buffers=ws / "buffers")
    run = edge.forecast(settings, as_of, year)
    path, status = save_snapshot(run, directory=ws / "snapshots")
    assert status == "written"
    return store.load(path, BRIDGE_INPUTS)


def causes(br) -> dict[str, int]:
    return dict(br.rows.group_by("cause").agg(pl.col("amount").sum()).filter(pl.col("amount") != 0).iter_rows())


def edited(change) -> dict:
    w = base()
    change(w)
    return w


def set_grant(w: dict, gid: str, **kw) -> None:
    cols = list(G)
    w["grants"] = [tuple(kw.get(c, v) for c, v in zip(cols, g)) if g[0] == gid else g for g in w["grants"]]


AS_OF = D(2025, 6, 30)
ONE_CAUSE = {
    "new grants": lambda w: w["grants"].append(("G9", "P-9", "SEL 108", "5.38.50", "Bostedet", "private", D(2025, 7, 1), None, None,
                                                "month", 30_000.0, 1.0, D(2025, 6, 15))),
    "ended grants": lambda w: set_grant(w, "G1", end_date=D(2025, 8, 31), end_reason="death"),
    "end date moved": lambda w: set_grant(w, "G2", end_date=D(2025, 10, 31)),
    "changed grants": lambda w: set_grant(w, "G3", rate=6_500.0),
    "buffer youth_transfers": lambda w: w.__setitem__("youth", [("P-Y", D(2025, 9, 1), "SEL 108", "month", 30_000.0, 1.0, 0.5)]),
    "buffer deaths": lambda w: w["buffers"].__setitem__("deaths", {"enabled": True, "rate": {"SEL 108": 0.2}}),
}


@pytest.mark.parametrize("cause", list(ONE_CAUSE))
def test_one_cause_takes_the_whole_change(tmp_path, cause):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    b = snapshot(tmp_path, "b", edited(ONE_CAUSE[cause]), AS_OF)
    br = bridge(a, b)
    assert br.change != 0
    assert causes(br) == {cause: br.change}
    assert br.budget.get_column("change").sum() == 0


def test_a_citizen_crossing_a_refund_threshold_is_its_own_cause(tmp_path):
    # G1 costs 1.440.000 kr. a year; 85.000 kr. (25 % above 1.100.000) was refunded for 2023 and 2024
    w = base()
    set_grant(w, "G1", rate=120_000.0)
    w["refunds"] = [("5.38.50", 2023, 85_000), ("5.38.50", 2024, 85_000)]
    a = snapshot(tmp_path, "a", w, AS_OF)
    # from July 250.000 a month: 2.220.000 kr. in 2025, above the second threshold: 285.000 kr. back
    w["steps"] = [("G1", D(2025, 7, 1), 1.0, 250_000.0)]
    b = snapshot(tmp_path, "b", w, AS_OF)
    assert a.result["refusion"]["total"]["refund"] == 85_000 and b.result["refusion"]["total"]["refund"] == 285_000
    br = bridge(a, b)
    details = dict(br.rows.filter(pl.col("cause") == "refusion").group_by("detail").agg(pl.col("amount").sum()).iter_rows())
    assert details == {"a citizen crossed a threshold": -20_000_000}
    assert set(causes(br)) == {"changed grants", "refusion"}
    assert sum(causes(br).values()) == br.change


def test_ended_grant_is_told_by_its_reason_and_edited_buffer_says_so(tmp_path):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    b = snapshot(tmp_path, "b", edited(ONE_CAUSE["ended grants"]), AS_OF)
    assert set(bridge(a, b).rows.get_column("detail")) == {"death"}
    c = snapshot(tmp_path, "c", edited(ONE_CAUSE["buffer youth_transfers"]), AS_OF)
    assert set(bridge(a, c).rows.get_column("detail")) == {"list or assumptions edited, and re-estimated"}


def test_budget_change_moves_the_deviation_not_the_forecast(tmp_path):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    b = snapshot(tmp_path, "b", edited(lambda w: w["budget"].__setitem__("5.38.50", 2_000_000)), AS_OF)
    br = bridge(a, b)
    assert br.change == 0 and br.rows.is_empty()
    assert dict(br.budget.select("account", "change").iter_rows())["5.38.50"] == 100_000_00


def test_youth_transfer_that_became_a_grant_moves_from_the_buffer_to_new_grants(tmp_path):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    b = snapshot(tmp_path, "b", edited(lambda w: w["grants"].append(
        ("GY", "P-Y", "SEL 108", "5.38.50", "Bostedet", "private", D(2025, 9, 1), None, None, "month", 30_000.0, 1.0, D(2025, 6, 20)))),
        AS_OF)
    br = bridge(a, b)
    buffer_a = int(a.lines.filter(pl.col("origin") == "buffer.youth_transfers").get_column("ore").sum())
    assert buffer_a == 4 * 30_000_00
    by_detail = dict(br.rows.group_by("detail").agg(pl.col("amount").sum()).iter_rows())
    assert by_detail["consumed: became grants"] == -buffer_a
    assert set(causes(br)) == {"new grants", "buffer youth_transfers"}
    assert causes(br)["new grants"] == 4 * 30_000_00 and br.change == 0


def test_a_month_closing_as_expected_is_closed_months_only(tmp_path):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    b = snapshot(tmp_path, "b", base(), D(2025, 7, 31))
    br = bridge(a, b)
    assert set(causes(br)) <= {"closed months", "unexplained part", "buffer youth_transfers"}
    assert sum(causes(br).values()) == br.change


def test_snapshots_of_different_export_layouts_compare_alike(tmp_path):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    opus = {"posting_date": "Bogføringsdato", "period": "Periode", "account": "Funktion", "amount": "Beløb",
            "citizen_id": "CPR", "grant_id": "Sagsnr", "source": "Kilde"}
    b = snapshot(tmp_path, "b", edited(ONE_CAUSE["changed grants"]), AS_OF, layout="mixed", rename=opus)
    assert (b.path.parent.parent / "data" / "budget.xlsx").exists()
    br = bridge(a, b)
    assert causes(br) == {"changed grants": br.change} and br.change != 0


def test_across_a_year_boundary_the_parts_still_add_up(tmp_path):
    a = snapshot(tmp_path, "a", base(), D(2025, 12, 31))
    b = snapshot(tmp_path, "b", edited(ONE_CAUSE["changed grants"]), D(2026, 1, 31))
    br = bridge(a, b)
    assert br.year_from == 2025 and br.year_to == 2026
    assert sum(causes(br).values()) == br.change
    assert "another budget year" in causes(br) and "changed grants" in causes(br)
    # every detail reads in Danish, also those that name the two budget years
    from prognose.report.words import detail_label

    details = set(br.rows.get_column("detail").unique().to_list())
    yearly = {d for d in details if "{year_to}" in d}
    assert "known grants in {year_to} against {year_from}" in yearly
    assert all("{" not in detail_label(d, "da", br.year_from, br.year_to) for d in yearly)
    assert all(detail_label(d, "da", 2025, 2026) != detail_label(d, "en", 2025, 2026) for d in yearly)
    assert (detail_label("known grants in {year_to} against {year_from}", "da", 2025, 2026)
            == "kendte bevillinger i 2026 mod 2025")
    assert (detail_label("known grants in {year_to} against {year_from}", "en", 2025, 2026)
            == "known grants in 2026 against 2025")


EDITS = st.lists(st.sampled_from(sorted(ONE_CAUSE)), unique=True, max_size=4)


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS, months=st.integers(0, 3), budget=st.integers(-500_000, 500_000))
def test_parts_always_add_up_to_the_change(tmp_path_factory, edits, months, budget):
    tmp = tmp_path_factory.mktemp("pair")
    a = snapshot(tmp, "a", base(), D(2025, 3, 31))
    w = base()
    for e in edits:
        ONE_CAUSE[e](w)
    w["budget"]["5.38.59"] += budget
    b = snapshot(tmp, "b", w, (add_months(D(2025, 4, 1), months) - dt.timedelta(days=1)))
    br = bridge(a, b)
    assert int(br.rows.get_column("amount").sum()) == br.change
    assert br.change == int(b.lines.get_column("ore").sum()) - int(a.lines.get_column("ore").sum())
    from prognose.report.diff_report import by

    for key in ("account", "paragraph"):
        assert int(by(br, key).get_column("amount").sum()) == br.change
    assert int(br.budget.get_column("change").sum()) == budget * 100


def test_snapshot_is_kept_unless_replaced_and_history_lists_it(tmp_path, runner):
    a = snapshot(tmp_path, "a", base(), AS_OF)
    ws = tmp_path / "a"
    settings = edge.options_for(ws, data=ws / "data", buffers=ws / "buffers")
    run = edge.forecast(settings, AS_OF)
    assert save_snapshot(run, directory=ws / "snapshots") == (a.path, "kept")            # the same files: the same snapshot
    assert save_snapshot(run, directory=ws / "snapshots", replace=True) == (a.path, "replaced")
    assert not [p for p in (ws / "snapshots").iterdir() if p.name.startswith(".") and p.name != store.LOCK]
    meta = json.loads((a.path / "meta.json").read_text())
    assert {f["name"] for f in meta["inputs"]} >= {"grants", "postings", "budget"} and all(len(f["sha256"]) == 64 for f in meta["inputs"])
    r = invoke(runner, "history", "--workspace", str(ws), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["as_of"] == "2025-06-30"


def test_demo_diff_adds_up_and_is_fast(runner, tmp_path):
    snaps = tmp_path / "snapshots"
    prev = edge.options_for(ROOT, data=ROOT / "fixtures/demo/previous/data", buffers=ROOT / "fixtures/demo/previous/buffers")
    save_snapshot(edge.forecast(prev, D(2026, 9, 30)), directory=snaps)
    save_snapshot(edge.forecast(edge.options_for(ROOT)), directory=snaps)
    started = time.perf_counter()
    r = invoke(runner, "diff", str(snaps / "2026-09-30"), str(snaps / "2026-10-31"), "--format", "json", "--top", "5")
    elapsed = time.perf_counter() - started
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert (doc["from"], doc["to"]) == ("2026-09-30", "2026-10-31")
    assert round(sum(c["amount"] for c in doc["causes"]), 2) == doc["change"] == round(doc["forecast_to"] - doc["forecast_from"], 2)
    assert len(doc["top"]) == 5 and all(t["citizen"].startswith("P") for t in doc["top"])
    assert {"new grants", "closed months", "unexplained part"} <= {c["cause"] for c in doc["causes"]}
    assert elapsed < 10  # a smoke bound only; the 2-second figure is measured in the closing note, not here
    text = invoke(runner, "diff", str(snaps / "2026-09-30"), str(snaps / "2026-10-31")).stdout
    assert "Nye bevillinger" in text and "Ændring i alt" in text
    cprs = set(pl.read_csv(ROOT / "fixtures/demo/data/grants.csv", columns=["citizen_id"], infer_schema=False)
               .get_column("citizen_id").str.replace_all("-", "").to_list())
    assert len(cprs) > 100
    found = set()
    for path in snaps.rglob("*"):
        if path.suffix == ".json":
            found |= {c for c in cprs if c in path.read_text().replace("-", "")}
        elif path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for col in frame.select(pl.col(pl.String)).columns:
                found |= set(frame.get_column(col).str.replace_all("-", "").to_list()) & cprs
    assert not found, "CPR numbers in a snapshot"


def test_snapshot_waits_for_another_writer_then_refuses(tmp_path, monkeypatch):
    import fcntl

    import pytest

    from prognose.errors import UsageError
    from prognose.io import snapshots

    folder = tmp_path / "snapshots"
    (folder / ".tmp-2025-06-30-999").mkdir(parents=True)       # a killed run's leftovers
    (folder / ".old-2025-05-31-999").mkdir()
    monkeypatch.setattr(snapshots, "LOCK_WAIT", 0.2)
    with open(folder / snapshots.LOCK, "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(UsageError, match="another prognose run is saving a snapshot"):
            with snapshots.folder_lock(folder, snapshots.LOCK, "another prognose run is saving a snapshot in {folder}",
                                       wait=snapshots.LOCK_WAIT):
                pass
    with snapshots.folder_lock(folder, snapshots.LOCK, "busy", leftovers=(".tmp-*", ".old-*")):
        assert not list(folder.glob(".tmp-*")) and not list(folder.glob(".old-*"))
