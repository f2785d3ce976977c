"""The component registry: everything that enumerates components reads it, so a new component is
one function and one record. The example here is not shipped: a fixed monthly amount on one
account from the month after the as-of date (as a decided initiative would cost)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from types import MappingProxyType

import polars as pl

from conftest import ROOT, invoke
from prognose import components
from prognose.commands import edge
from prognose.commands.run import save_snapshot
from prognose.commands.activity import BRIDGE_INPUTS
from prognose.buffers import BufferContext, BufferResult, Param, empty_events, finish_lines
from prognose.buffers.options import Options, Setting, choice, flag, options, positive, whole_years
from prognose.components import Component, check_config, settings_of
from prognose.schema import Column
from prognose.words.message import Message


# --- the example: one module's worth of code ... -------------------------------------------------

def fixed_monthly(ctx: BufferContext, opts: Options) -> BufferResult:
    months = pl.date_range(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 1), "1mo", eager=True)
    ahead = months.filter(months > ctx.as_of.replace(day=1))
    lines = finish_lines(pl.DataFrame({"account": opts["account"], "paragraph": None, "month": ahead, "citizen_id": None,
                                       "amount": float(opts["monthly"]) * 100},
                                      schema={"account": pl.String, "paragraph": pl.String, "month": pl.Date,
                                              "citizen_id": pl.String, "amount": pl.Float64}))
    return BufferResult("fixed_monthly", lines, [Param("monthly", opts["monthly"], opts.source("monthly"), unit="DKK")],
                        Message("fixed_monthly.explanation"), events=empty_events())


# --- ... and one registry record ----------------------------------------------------------------

EXAMPLE = Component(
    "fixed_monthly", fixed_monthly,
    MappingProxyType({"enabled": flag(True), "monthly": positive(1_000.0),
                      "account": Setting(lambda v: isinstance(v, str) and bool(v), "an account number", "5.38.50")}),
    group="fixed_monthly",
    words={"da": {"fixed_monthly": "Fast månedligt beløb", "fixed_monthly.cause": "det faste månedlige beløb",
                  "fixed_monthly.explanation": "Et fast beløb om måneden."},
           "en": {"fixed_monthly": "Fixed monthly amount", "fixed_monthly.cause": "the fixed monthly amount",
                  "fixed_monthly.explanation": "A fixed amount a month."}})


def test_an_example_component_reaches_every_output_with_one_record(runner, tmp_path, monkeypatch):
    baseline = json.loads(invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT)).stdout)
    monkeypatch.setattr(components, "REGISTRY", (*components.REGISTRY, EXAMPLE))
    buffers = tmp_path / "buffers"
    shutil.copytree(ROOT / "buffers", buffers)
    with (buffers / "buffers.toml").open("a", encoding="utf-8") as f:
        f.write('\n[fixed_monthly]\nmonthly = 2500\naccount = "5.38.52"\n')
    ws = ["--workspace", str(ROOT), "--buffers", str(buffers)]

    doc = json.loads(invoke(runner, "run", "--no-save", "--format", "json", *ws).stdout)
    # November and December at 2.500 kr., a key of its own beside SPEC's six buffers, and in the totals
    assert doc["components"]["fixed_monthly"] == 5_000.0
    assert list(doc["components"]["buffers"]) == list(baseline["components"]["buffers"])
    assert round(doc["total"]["forecast"] - baseline["total"]["forecast"], 2) == 5_000.0
    account = {a["account"]: a["forecast"] for a in doc["accounts"]}
    before = {a["account"]: a["forecast"] for a in baseline["accounts"]}
    assert round(account["5.38.52"] - before["5.38.52"], 2) == 5_000.0
    # its name in the terminal, in both languages, and its parameters in `prognose buffers`
    assert "Fast månedligt beløb" in invoke(runner, "run", "--no-save", *ws).stdout
    assert "Fixed monthly amount" in invoke(runner, "run", "--no-save", "--lang", "en", *ws).stdout
    shown = json.loads(invoke(runner, "buffers", "--format", "json", *ws).stdout)["buffers"]
    mine = next(b for b in shown if b["buffer"] == "fixed_monthly")
    assert mine["total"] == 5_000.0 and mine["parameters"][0]["source"] == "override"
    # buffers.toml's section is checked against the record's settings
    with (buffers / "buffers.toml").open("a", encoding="utf-8") as f:
        f.write("mothly = 3\n")
    bad = invoke(runner, "run", "--no-save", *ws)
    assert bad.exit_code == 2 and "fixed_monthly.mothly" in bad.stderr


def test_an_example_component_is_a_cause_in_the_bridge(tmp_path, monkeypatch):
    from prognose.diff import bridge
    from prognose.io import snapshots as store
    from prognose.report.words import cause_label

    monkeypatch.setattr(components, "REGISTRY", (*components.REGISTRY, EXAMPLE))
    snaps = tmp_path / "snapshots"
    prev = edge.options_for(ROOT, data=ROOT / "fixtures/demo/previous/data", buffers=ROOT / "fixtures/demo/previous/buffers")
    save_snapshot(edge.forecast(prev, dt.date(2026, 9, 30), draws=0), directory=snaps)
    save_snapshot(edge.forecast(edge.options_for(ROOT), draws=0), directory=snaps)
    a, b = (store.load(snaps / n, BRIDGE_INPUTS) for n in ("2026-09-30", "2026-10-31"))
    causes = bridge(a, b).causes()
    assert int(causes.get_column("amount").sum()) == int(b.lines["ore"].sum()) - int(a.lines["ore"].sum())
    mine = causes.filter(pl.col("cause") == "fixed_monthly")
    # from three months ahead (Oct–Dec) to two (Nov–Dec): one month of 1.000 kr. less
    assert int(mine.get_column("amount").sum()) == -100_000
    assert cause_label("fixed_monthly", "da") == "Fast månedligt beløb"


def test_the_registry_keeps_specs_six_buffers_and_checks_every_key():
    assert components.buffers() == ("youth_transfers", "stu", "other_inflow", "deaths", "bpa_sickness", "other_outflow")
    assert components.groups() == ("extensions",)
    problems = check_config({"deaths": {"years": 0, "enabeld": False}, "death": {}, "extensions": {"enabled": "no"}})
    said = {(p.column, p.expected) for p in problems}
    assert ("deaths.years", "a whole number of years, 1–10") in said
    assert any(c == "deaths.enabeld" and "enabled" in e for c, e in said)
    assert any(c == "death" and "deaths" in e for c, e in said)
    assert ("extensions.enabled", "true or false (without quotes)") in said


def test_options_give_the_controllers_value_else_the_declared_default():
    declared = {"years": whole_years(), "overdue": choice("keep", "drop"), "enabled": flag()}
    o = options({"overdue": "drop"}, declared)
    assert (o["years"], o["overdue"], o["enabled"]) == (3, "drop", True)
    assert (o.source("years"), o.source("overdue")) == ("default", "override")
    assert settings_of({"deaths": {"years": 5}})["deaths"]["years"] == 5
    assert settings_of(None)["other_inflow"]["half_life_months"] == 12.0


def test_init_writes_every_components_keys_at_their_defaults():
    import tomllib

    from prognose.components import toml_template

    text = toml_template()
    assert check_config(tomllib.loads(text)) == []
    # each key with a default, uncommented as written, is valid and gives that default
    opened = [line[2:].split("   #")[0] if line.startswith("# ") and " = " in line and "…" not in line else line
              for line in text.splitlines()]
    config = tomllib.loads("\n".join(opened))
    assert check_config(config) == []
    assert config["deaths"]["years"] == 3 and config["bpa_sickness"]["match_text"] == ["syg", "vikar"]
    assert set(config) == set(components.by_name())


def test_an_older_buffers_toml_is_read_with_its_key_in_the_new_place(runner, tmp_path):
    """other_outflow.planned_end was the extensions' switch before they were a component: "firm"
    is read as [extensions] enabled = false, and the run says so."""
    buffers = tmp_path / "buffers"
    shutil.copytree(ROOT / "buffers", buffers)
    toml = (buffers / "buffers.toml").read_text(encoding="utf-8").replace("[extensions]", "[old_extensions]")
    toml = toml.split("[old_extensions]")[0] + '\n[other_outflow]\nplanned_end = "firm"\n'
    (buffers / "buffers.toml").write_text(toml.replace("[other_outflow]          # øvrig afgang\nenabled = true\n", ""),
                                          encoding="utf-8")
    out = invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT), "--buffers", str(buffers))
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["components"]["extensions"] == 0.0
    assert any("planned_end" in n["en"] and "enabled = false" in n["en"] for n in doc["notes"])


# --- an example with a list of its own: its module ... -------------------------------------------

def respite(ctx: BufferContext, opts: Options) -> BufferResult:
    """Respite stays the controller lists (respite.csv: citizen_id, account, monthly): each listed
    citizen's monthly amount from the month after the as-of date to the year's end."""
    listed = ctx.lists.get("respite")
    months = pl.date_range(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 1), "1mo", eager=True)
    ahead = pl.DataFrame({"month": months.filter(months > ctx.as_of.replace(day=1))})
    if listed is None or listed.is_empty():
        return BufferResult("respite", finish_lines(pl.DataFrame()), [], Message("respite.none"), events=empty_events())
    lines = listed.join(ahead, how="cross").select("account", pl.lit(None, pl.String).alias("paragraph"), "month",
                                                   "citizen_id", (pl.col("monthly") * 100).alias("amount"))
    return BufferResult("respite", finish_lines(lines), [Param("listed", listed.height, "estimated", listed.height)],
                        Message("respite.explanation", n=listed.height), events=empty_events())


# --- ... and its record ---------------------------------------------------------------------------

RESPITE = Component(
    "respite", respite, MappingProxyType({"enabled": flag(True)}), group="respite",
    lists={"respite": (Column("citizen_id", "text"), Column("account", "text"), Column("monthly", "number"))},
    words={"da": {"respite": "Aflastning", "respite.cause": "aflastning", "respite.none": "Ingen på listen.",
                  "respite.explanation": "{n} borgere på listen over aflastning."},
           "en": {"respite": "Respite", "respite.cause": "respite", "respite.none": "No one on the list.",
                  "respite.explanation": "{n} citizens on the respite list."}})


def test_a_component_with_a_list_of_its_own_is_its_module_and_its_record(runner, tmp_path, monkeypatch):
    """Its list is read and checked with the buffers directory, pseudonymised, counted in the run's
    fingerprint, kept in the snapshot and handed to it by name (ctx.lists): nothing else is told."""
    baseline = json.loads(invoke(runner, "run", "--no-save", "--format", "json", "--workspace", str(ROOT)).stdout)
    monkeypatch.setattr(components, "REGISTRY", (*components.REGISTRY, RESPITE))
    buffers = tmp_path / "buffers"
    shutil.copytree(ROOT / "buffers", buffers)
    (buffers / "respite.csv").write_text("citizen_id;account;monthly\n010190-1234;5.38.50;1.500,00\nP-7;5.38.52;500\n",
                                         encoding="utf-8")
    ws = ["--workspace", str(ROOT), "--buffers", str(buffers)]
    doc = json.loads(invoke(runner, "run", "--no-save", "--format", "json", *ws).stdout)
    # November and December (the demo is as of 31 October) for two citizens: 2 × (1.500 + 500) kr.
    assert doc["components"]["respite"] == 4_000.0
    assert round(doc["total"]["forecast"] - baseline["total"]["forecast"], 2) == 4_000.0
    assert "Aflastning" in invoke(runner, "run", "--no-save", *ws).stdout
    # kept in the snapshot under its name, pseudonymised
    from prognose.commands import edge
    from prognose.commands.run import save_snapshot
    from prognose.io import snapshots as store

    path, _ = save_snapshot(edge.forecast(edge.options_for(ROOT, buffers=buffers), draws=0), directory=tmp_path / "snapshots")
    frames, _, lists = store.inputs_of(path)
    assert lists["respite"].height == 2 and "010190-1234" not in lists["respite"].get_column("citizen_id").to_list()
    # a value that cannot be read is an error naming the file and the line
    (buffers / "respite.csv").write_text("citizen_id;account;monthly\nP-7;5.38.52;mange\n", encoding="utf-8")
    bad = invoke(runner, "run", "--no-save", *ws)
    assert bad.exit_code == 2 and "respite.csv" in bad.stderr and "line 2" in bad.stderr


def test_buffers_toml_takes_no_boolean_infinite_or_impossible_number():
    """Items 5 and 20 for buffers.toml: inf, nan, 10¹⁷ and true are no numbers of a setting."""
    import tomllib

    text = ("[other_inflow]\nhalf_life_months = inf\nper_month = {\"SEL 108\" = nan}\nmonthly_cost = {\"SEL 85\" = 1e17}\n"
            "[deaths]\nyears = true\n")
    said = {p.column for p in check_config(tomllib.loads(text))}
    assert said == {"other_inflow.half_life_months", "other_inflow.per_month", "other_inflow.monthly_cost", "deaths.years"}


def test_buffers_toml_tables_by_paragraph_are_spelt_as_grants_are():
    """Item 6 for buffers.toml: a key "§ 108" matched no grant and was ignored without a word."""
    import tomllib

    from prognose.components import with_paragraphs_spelt

    config = tomllib.loads('[other_inflow]\nper_month = { "§ 108" = 1.5, "85" = 2, "Lov om noget" = 1 }\n[deaths]\nyears = 3\n')
    spelt, problems = with_paragraphs_spelt(config)
    assert spelt["other_inflow"]["per_month"] == {"SEL 108": 1.5, "SEL 85": 2}
    assert spelt["deaths"] == {"years": 3}
    assert [(p.column, p.value) for p in problems] == [("other_inflow.per_month", "Lov om noget")]
