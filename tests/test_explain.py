"""`prognose explain`: a figure split by origin adds up to it to the øre, its postings to what is
booked, and a grant's months, plan step and billing lag are the ones computed by hand."""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl

from conftest import invoke, write
from test_snapshots import workspace

D = dt.date


def ore(x: float) -> int:
    return int(round(x * 100))


def explain(runner, ws, *args) -> dict:
    out = invoke(runner, "explain", "--workspace", str(ws), "-f", "json", *args)
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)


def test_every_account_adds_up_to_its_forecast_and_its_postings_to_what_is_booked(tmp_path, runner):
    ws = workspace(tmp_path)
    assert invoke(runner, "run", "--workspace", str(ws), "-o", str(tmp_path / "run.txt")).exit_code == 0
    run = json.loads(invoke(runner, "run", "--no-save", "--workspace", str(ws), "-f", "json").stdout)
    for acc in run["accounts"]:
        doc = explain(runner, ws, "--account", acc["account"], "--postings")
        assert sum(ore(v) for v in doc["by_origin"].values()) == ore(doc["forecast"]) == ore(acc["forecast"]), acc["account"]
        assert ore(doc["by_origin"]["booked"]) == ore(acc["actual_to_date"])
        assert sum(ore(p["amount"]) for p in doc["postings"]) == ore(acc["actual_to_date"]), acc["account"]
    # a paragraph, a citizen and a month add up the same way
    para = next(p for p in run["paragraphs"] if p["paragraph"] == "SEL 108")
    doc = explain(runner, ws, "--paragraph", "§ 108")
    assert sum(ore(v) for v in doc["by_origin"].values()) == ore(para["forecast"])
    top = doc["contributors"][0]
    assert top["citizen"].startswith("P") and top["grant"]
    one = explain(runner, ws, "--citizen", top["citizen"], "--postings")
    assert sum(ore(p["amount"]) for p in one["postings"]) == ore(one["by_origin"]["booked"])
    month = explain(runner, ws, "--account", "5.38.50", "--month", "2026-12")
    dec = [m for m in run["months"] if m["month"] == "2026-12"]
    assert dec and month["by_origin"]["booked"] == 0.0 and month["forecast"] > 0
    table = invoke(runner, "explain", "--workspace", str(ws), "--account", "5.38.50").stdout
    assert "Fakturaer for udgift til og med opgørelsen" in table and "Største bidrag" in table
    assert invoke(runner, "explain", "--workspace", str(ws), "--paragraph", "SEL 108", "--postings").exit_code == 2
    assert invoke(runner, "explain", "--workspace", str(ws)).exit_code == 2


def hand_made(tmp_path):
    """One grant at 300 kr. a day from 2025, doubled by a plan step on 16 June 2026, billed in
    arrears on the 10th of the next month at exactly its cost (December's in the supplementary
    period), as of 31 October 2026."""
    grants = pl.DataFrame([{"grant_id": "G1", "citizen_id": "010190-1234", "paragraph": "SEL 108", "account": "5.38.50",
                            "provider": "Bostedet", "provider_type": "private", "start_date": D(2025, 1, 1), "end_date": None,
                            "end_reason": None, "unit": "day", "rate": 300.0, "quantity": 1.0, "price_year": None,
                            "decided_date": D(2024, 12, 1)}],
                          schema_overrides={"end_date": pl.Date, "end_reason": pl.String, "price_year": pl.Int64})
    steps = pl.DataFrame({"grant_id": ["G1"], "effective_date": [D(2026, 6, 16)], "quantity": [2.0], "rate": [None]},
                         schema_overrides={"rate": pl.Float64})
    rows, m = [], D(2025, 1, 1)
    while m <= D(2026, 9, 1):
        nxt = (m + dt.timedelta(days=32)).replace(day=1)
        days = (nxt - m).days
        cost = 300_00 * days if m < D(2026, 6, 1) else (600_00 * days if m > D(2026, 6, 1) else 300_00 * 15 + 600_00 * 15)
        rows.append({"posting_date": nxt.replace(day=10), "period": m if m.month == 12 else nxt, "account": "5.38.50",
                     "amount": cost, "art": None, "citizen_id": "010190-1234", "grant_id": "G1", "source": "finance", "text": "Faktura"})
        m = nxt
    postings = pl.DataFrame(rows)
    budget = pl.DataFrame({"account": ["5.38.50"], "year": [2026], "amount": [200_000_00]})
    write({"grants": grants, "plan_steps": steps, "postings": postings, "budget": budget}, tmp_path / "data")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    return tmp_path


def test_a_grant_shows_its_plan_step_its_months_and_its_billing_lag_as_computed_by_hand(tmp_path, runner):
    ws = hand_made(tmp_path)
    assert invoke(runner, "run", "--workspace", str(ws), "--as-of", "2026-10-31", "-o", str(tmp_path / "r.txt")).exit_code == 0
    doc = explain(runner, ws, "--grant", "G1")
    g = doc["grant"]
    assert g["steps"] == [{"effective_date": "2026-06-16", "quantity": 2.0, "rate": None}]
    months = {m["month"]: m for m in g["months"]}
    # by the plan: 31 × 300 in January, 15 × 300 + 15 × 600 in June, 31 × 600 in July
    assert [months[k]["plan"] for k in ("2026-01", "2026-06", "2026-07", "2026-12")] == [9_300.0, 13_500.0, 18_600.0, 18_600.0]
    # booked a month later: January's cost in February's period, June's in July's
    assert months["2026-02"]["booked"] == 9_300.0 and months["2026-07"]["booked"] == 13_500.0 and months["2026-11"]["booked"] == 0.0
    # invoiced a month in arrears: at the end of October one month (October's 18.600) is outstanding;
    # after the supplementary period nothing is
    assert abs(g["lag"]["now"]["months"] - 1.0) < 1e-9 and g["lag"]["year_end"]["months"] == 0.0
    assert g["outstanding"] == 18_600.0 and doc["by_origin"]["invoices_outstanding"] == 18_600.0
    # still to come: October's invoice in November; November's and December's in December
    assert (months["2026-11"]["expected"], months["2026-12"]["expected"]) == (18_600.0, 36_600.0)
    booked = sum(m["booked"] for m in g["months"])
    assert doc["forecast"] == round(booked + 18_600.0 + 36_600.0, 2)
    table = invoke(runner, "explain", "--workspace", str(ws), "--grant", "G1").stdout
    assert "Faktureringsforsinkelse: 1,00 måneders udgift" in table and "010190" not in table


def test_an_account_and_a_paragraph_show_their_budget_and_deviation_as_run_does(tmp_path, runner):
    # the first thing a controller asks of a figure: how far is it from the budget
    ws = workspace(tmp_path)
    assert invoke(runner, "run", "--workspace", str(ws), "-o", str(tmp_path / "run.txt")).exit_code == 0
    run = json.loads(invoke(runner, "run", "--no-save", "--workspace", str(ws), "-f", "json").stdout)
    acc = max(run["accounts"], key=lambda a: a["budget"] or 0)
    doc = explain(runner, ws, "--account", acc["account"])
    assert (doc["budget"], doc["deviation"]) == (acc["budget"], acc["deviation"])
    para = next(p for p in run["paragraphs"] if p["paragraph"] == "SEL 108")
    assert explain(runner, ws, "--paragraph", "§ 108")["deviation"] == para["deviation"]
    text = invoke(runner, "explain", "--workspace", str(ws), "--account", acc["account"]).stdout
    flat = " ".join(text.split())      # as wide as the terminal is: the line may wrap
    assert re.search(r"Korr\. budget [\d.]+ · Forventet regnskab [\d.]+ · Afvigelse −?[\d.]+ \([+−]?\d+,\d %\)", flat), flat[:300]
    # a month has no budget of its own: no such line
    month = explain(runner, ws, "--account", acc["account"], "--month", "2026-12")
    assert "budget" not in month
