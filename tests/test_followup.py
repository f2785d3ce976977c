"""`prognose followup` on a hand-made municipality: one grant of each kind, its amount worked out by
hand from the grant (unit month: a whole month costs its rate), and a second month in which one
item is solved, one stays open and one is new.

Two providers whose billing is known by hand: Bostedet invoices every grant at its price, Solhjem
at 90 % of it, both each month on the 10th of the month after (a lag of one month: at the end of
June, June is outstanding). The ratio is learned over the closed year, 2024, when every grant
billed so; what Solhjem's grants BILL, LOW and SILENT do differently starts in January 2025."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from conftest import invoke, write

D = dt.date
MONTH = 1_000_000          # 10.000 kr. a month, in øre
CW = {"REV": "MLJ", "DUE": "MLJ", "BILL": "ABC", "LOW": "ABC", "SILENT": "ABC", "CIT": "ABC", "STEP": "XYZ", "ZERO": "XYZ"}
SOLHJEM = ("BILL", "LOW", "SILENT")     # invoiced at 90 % of the grant: 9.000 kr. a month


def months(start: D, end: D) -> list[D]:
    out, m = [], start
    while m <= end:
        out.append(m)
        m = D(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def frames(as_of: D, solved: bool = False, new_zero: bool = False) -> dict[str, pl.DataFrame]:
    """Grants of Bostedet billed at their price each month and of Solhjem at 90 % of it, and the items' grants."""
    ids = ["REV", "DUE", "BILL", "LOW", "SILENT", "CIT", "STEP", "ZERO", "A1", "A2", "A3"] + (["ZERO2"] if new_zero else [])
    n = len(ids)
    end = {"REV": D(2025, 6, 20), "DUE": D(2025, 8, 15)}
    grants = pl.DataFrame({
        "grant_id": ids, "citizen_id": [f"P-{g}" for g in ids], "paragraph": ["SEL 108"] * n,
        "account": ["5.38.50"] * n, "provider": ["Solhjem" if g in SOLHJEM else "Bostedet" for g in ids],
        "provider_type": ["private"] * n,
        "start_date": [D(2024, 1, 1)] * n, "end_date": [end.get(g) for g in ids],
        "end_reason": ["other" if g == "REV" and solved else None for g in ids], "unit": ["month"] * n,
        "rate": [0.0 if g.startswith("ZERO") else MONTH / 100 for g in ids], "quantity": [1.0] * n,
        "price_year": [None] * n, "decided_date": [D(2023, 12, 1)] * n,
        "caseworker": [CW.get(g, "ABC") for g in ids], "team": ["Botilbud" if CW.get(g) == "MLJ" else "Bostøtte" for g in ids],
    }, schema_overrides={"end_reason": pl.String, "price_year": pl.Int64, "end_date": pl.Date})
    steps = pl.DataFrame({"grant_id": ["STEP"], "effective_date": [D(2025, 8, 1)], "quantity": [0.5], "rate": [None]},
                         schema_overrides={"rate": pl.Float64})
    rows = []
    for g in ids:
        if g.startswith("ZERO"):
            continue
        for m in months(D(2024, 1, 1), D(as_of.year, as_of.month - 1, 1)):   # each month invoiced the month after
            if g == "SILENT" and m > D(2025, 1, 1):
                continue                                                     # the provider stopped invoicing
            if g == "REV" and m >= D(2025, 6, 1):
                continue
            amount = MONTH * 9 // 10 if g in SOLHJEM else MONTH
            if m >= D(2025, 1, 1) and g in ("BILL", "LOW"):                 # from January 12.600 and 6.000 kr.
                amount = {"BILL": 1_260_000, "LOW": 600_000}[g]             # where 9.000 kr. was expected
            posted = D(m.year + m.month // 12, m.month % 12 + 1, 10)
            rows.append((posted, m, "5.38.50", amount, g, f"P-{g}"))
    for m in (D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1)):                 # a citizen's invoices on an account with no grant
        rows.append((D(m.year, m.month, 20), m, "5.38.52", 200_000, None, "P-CIT"))
    postings = pl.DataFrame(rows, schema={"posting_date": pl.Date, "period": pl.Date, "account": pl.String, "amount": pl.Int64,
                                          "grant_id": pl.String, "citizen_id": pl.String}, orient="row")
    postings = postings.with_columns(pl.lit("finance").alias("source"), pl.lit("4.9").alias("art"), pl.lit("Faktura").alias("text"))
    budget = pl.DataFrame({"account": ["5.38.50", "5.38.52"], "year": [2025, 2025], "amount": [200_000_000, 1_000_000]})
    return {"grants": grants, "plan_steps": steps, "postings": postings, "budget": budget}


@pytest.fixture
def municipality(tmp_path):
    write(frames(D(2025, 6, 30)), tmp_path / "data", "csv")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    return tmp_path


def followup(runner, ws, *args) -> dict:
    result = invoke(runner, "followup", "--workspace", str(ws), "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def items_of(doc: dict) -> dict[tuple[str, str], dict]:
    return {(i["kind"], i["grant_id"] or i["citizen"]): i for g in doc["groups"] for i in g["items"]}


def test_one_grant_of_each_kind_worked_out_by_hand(runner, municipality):
    doc = followup(runner, municipality, "--as-of", "2025-06-30")
    assert doc["as_of"] == "2025-06-30" and doc["by"] == "caseworker"
    items = items_of(doc)
    kinds = {k for k, _ in items}
    assert {"review_passed", "decision_due", "billed_off", "no_invoices", "invoices_without_grant", "step_ahead", "data"} <= kinds
    # the review date 20.06 passed a month ago: the forecast runs it on to December (6 × 10.000 kr.)
    rev = items[("review_passed", "REV")]
    assert (rev["amount"], rev["alternative"], rev["since"]) == (60_000.0, 0.0, "2025-06-20")
    assert rev["text"].startswith("Revisionsdatoen 20.06.2025 er passeret") and "60.000 kr." in rev["text"]
    # ends 15.08 (the day included): 16–31 August (16/31 of a month) and September–December run on
    due = items[("decision_due", "DUE")]
    assert due["amount"] == pytest.approx(10_000 * 16 / 31 + 40_000, abs=0.01) and due["alternative"] == 0.0
    # Solhjem stopped invoicing SILENT after January: February–May closed (June is the lag's month) with
    # nothing; the forecast holds June–December at Solhjem's 90 %: 7 × 9.000 kr.
    silent = items[("no_invoices", "SILENT")]
    assert (silent["since"], silent["amount"], silent["alternative"]) == ("2025-02-01", 63_000.0, 0.0)
    assert silent["text"] == ("Intet faktureret for 4 måneder siden 01.02.2025: længere end leverandørens forsinkelse "
                              "forklarer. Prognosen regner med 63.000 kr. endnu i år; er tilbuddet ophørt, 0 kr.")
    # 3 × 2.000 kr. on 5.38.52 where the citizen has no grant; going on for July–December: + 6 × 2.000
    loose = items[("invoices_without_grant", "P-CIT")]
    assert (loose["amount"], loose["alternative"], loose["grant_id"]) == (6_000.0, 18_000.0, None)
    assert "5.38.52" in loose["text"]
    # the step halves 10.000 kr. a month from August: 5 × 5.000 kr. less, at Bostedet's ratio of 1
    step = items[("step_ahead", "STEP")]
    assert (step["since"], step["amount"], step["alternative"]) == ("2025-08-01", -25_000.0, 0.0)
    assert "25.000 kr." in step["text"]
    # the closed months June 2024–May 2025 (12) against 12 × 10.000 kr. × 90 % = 108.000 kr. expected:
    # BILL 7 × 9.000 + 5 × 12.600 = 126.000 kr. (18.000 over, 117 %); the forecast's June–December
    # 7 × 9.000 = 63.000 kr. at the invoices' price 63.000 × 126/108 = 73.500 kr.
    billed = items[("billed_off", "BILL")]
    assert (billed["since"], billed["amount"], billed["alternative"]) == ("2024-06-01", 63_000.0, 73_500.0)
    assert billed["text"] == ("Fakturaerne siden 01.06.2024 er 18.000 kr. over bevillingens udgift gange leverandørens "
                              "faktureringsgrad (117 % af det ventede). Prognosen regner med 63.000 kr. endnu i år; er "
                              "fakturaernes pris den rigtige, 73.500 kr. Er bevillingen eller fakturaen forkert?")
    # LOW 7 × 9.000 + 5 × 6.000 = 93.000 kr. (15.000 under, 86 %): 63.000 × 93/108 = 54.250 kr.
    low = items[("billed_off", "LOW")]
    assert (low["since"], low["amount"], low["alternative"]) == ("2024-06-01", 63_000.0, 54_250.0)
    assert low["text"] == ("Fakturaerne siden 01.06.2024 er 15.000 kr. under bevillingens udgift gange leverandørens "
                           "faktureringsgrad (86 % af det ventede). Prognosen regner med 63.000 kr. endnu i år; er "
                           "fakturaernes pris den rigtige, 54.250 kr. Er bevillingen eller fakturaen forkert?")
    zero = items[("data", "ZERO")]
    assert zero["amount"] == 0.0 and "Taksten er 0" in zero["text"]
    # the summary per caseworker: MLJ holds REV and DUE
    mlj = next(g for g in doc["groups"] if g["caseworker"] == "MLJ")
    assert mlj["team"] == "Botilbud" and mlj["summary"]["grants"] == 2 and mlj["summary"]["open_items"] == 2
    assert mlj["summary"]["change"] is None


def test_review_items_add_up_to_the_extensions_component_to_the_ore(municipality):
    from prognose import components, followup as fu
    from prognose.commands import edge
    from prognose.commands.followup import step

    opts = edge.options_for(municipality)
    record = step(opts, D(2025, 6, 30))
    run = edge.forecast(opts, D(2025, 6, 30), draws=0)
    reviewed = record.items.filter(pl.col("kind") == "review_passed")
    ext = run.forecast.lines.filter((pl.col("origin") == components.origin("extensions"))
                                    & pl.col("grant_id").is_in(reviewed.get_column("grant_id").implode()))
    assert reviewed.get_column("amount").sum() == ext.get_column("ore").sum() == 6_000_000
    assert fu.KINDS[0] == "review_passed"


def test_a_month_later_one_item_is_solved_one_stays_open_one_is_new(runner, municipality):
    assert invoke(runner, "run", "--workspace", str(municipality), "--as-of", "2025-06-30").exit_code == 0
    write(frames(D(2025, 7, 31), solved=True, new_zero=True), municipality / "data", "csv")
    doc = followup(runner, municipality, "--as-of", "2025-07-31")
    assert doc["before"] == "2025-06-30"
    items = items_of(doc)
    assert items[("review_passed", "REV")]["status"] == "solved"
    assert items[("no_invoices", "SILENT")]["status"] == "open"
    assert items[("no_invoices", "SILENT")]["seen"] == "2025-06-30"
    assert items[("data", "ZERO2")]["status"] == "new"
    # REV ended at its review date: the extension's 6 × 10.000 kr. left the grant's forecast, at least
    assert items[("review_passed", "REV")]["change"] <= -60_000
    mlj = next(g for g in doc["groups"] if g["caseworker"] == "MLJ")
    assert mlj["summary"]["change"] is not None and mlj["summary"]["open_items"] == 1     # DUE is still due
    assert "stadig åben siden 30.06.2025" in invoke(runner, "followup", "--workspace", str(municipality),
                                                     "--as-of", "2025-07-31").stdout


def test_an_item_open_for_three_months_is_open_since_the_month_it_was_first_seen(runner, municipality):
    ws = ["--workspace", str(municipality)]
    assert invoke(runner, "run", *ws, "--as-of", "2025-06-30").exit_code == 0
    write(frames(D(2025, 7, 31), solved=True, new_zero=True), municipality / "data", "csv")
    assert invoke(runner, "run", *ws, "--as-of", "2025-07-31").exit_code == 0
    write(frames(D(2025, 8, 31), solved=True, new_zero=True), municipality / "data", "csv")
    doc = followup(runner, municipality, "--as-of", "2025-08-31")
    assert doc["before"] == "2025-07-31"
    items = items_of(doc)
    # SILENT has had nothing invoiced since June's list, ZERO2's rate of 0 since July's
    silent, zero2 = items[("no_invoices", "SILENT")], items[("data", "ZERO2")]
    assert (silent["status"], silent["seen"]) == ("open", "2025-06-30")
    assert (zero2["status"], zero2["seen"]) == ("open", "2025-07-31")
    # DUE's end date 15.08 has passed: decision_due (seen 30.06) is solved, review_passed is new
    assert (items[("decision_due", "DUE")]["status"], items[("decision_due", "DUE")]["seen"]) == ("solved", "2025-06-30")
    assert (items[("review_passed", "DUE")]["status"], items[("review_passed", "DUE")]["seen"]) == ("new", None)
    assert items[("data", "ZERO")]["seen"] == "2025-06-30"
    table = invoke(runner, "followup", *ws, "--as-of", "2025-08-31", "--caseworker", "XYZ").stdout   # ZERO's list
    assert "stadig åben siden 30.06.2025" in table and "stadig åben siden 31.07.2025" not in table


def test_first_seen_runs_through_unbroken_months_only():
    from prognose import followup as fu

    def month(*grants):
        return pl.DataFrame({"kind": ["data"] * len(grants), "grant_id": list(grants)}).with_columns(
            pl.lit(None, pl.String).alias("citizen_id"), pl.lit("5.38.50").alias("account"))

    seen = None
    for as_of, grants in ((D(2025, 4, 30), ("X", "Y")), (D(2025, 5, 31), ("X",)), (D(2025, 6, 30), ("X", "Y"))):
        seen = fu.first_seen(month(*grants), seen, as_of)
    # X on every list since April; Y gone in May and back in June is seen anew
    assert dict(seen.select("grant_id", "seen").iter_rows()) == {"X": D(2025, 4, 30), "Y": D(2025, 6, 30)}


def test_formats_and_one_caseworker(runner, municipality, tmp_path):
    ws = ["--workspace", str(municipality), "--as-of", "2025-06-30"]
    table = invoke(runner, "followup", *ws, "--caseworker", "MLJ")
    assert table.exit_code == 0 and "MLJ (Botilbud)" in table.stdout and "ABC" not in table.stdout
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    english = invoke(runner, "followup", *ws, "--lang", "en")
    assert "Review passed" in english.stdout and "Revision" not in english.stdout
    csv = invoke(runner, "followup", *ws, "--format", "csv").stdout
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("Sagsbehandler;Team;Hvad;Bevilling")
    by_team = followup(runner, municipality, "--as-of", "2025-06-30", "--by", "team")
    assert {g["team"] for g in by_team["groups"]} == {"Botilbud", "Bostøtte"}
    out = tmp_path / "opfoelgning.xlsx"
    assert invoke(runner, "followup", *ws, "-o", str(out)).exit_code == 0
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames[1:] == ["ABC", "MLJ", "XYZ"]
    assert book.worksheets[0]["A3"].value == "Sagsbehandler"
    assert invoke(runner, "followup", *ws, "--caseworker", "NOBODY").exit_code == 2


def test_the_directors_report_has_one_summary_sheet_per_team_without_citizens(runner, municipality, tmp_path):
    ws = ["--workspace", str(municipality)]
    assert invoke(runner, "run", *ws, "--as-of", "2025-06-30").exit_code == 0
    out = tmp_path / "r.xlsx"
    assert invoke(runner, "report", *ws, "-o", str(out)).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out)["Opfølgning"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    head, body = rows[0], {r[0]: dict(zip(rows[0], r)) for r in rows[1:] if r[0] not in (None, "I alt")}
    assert set(body) == {"Botilbud", "Bostøtte"}
    botilbud = body["Botilbud"]          # MLJ's two grants: one review passed, one decision due
    assert (botilbud["Sagsbehandlere"], botilbud["Bevillinger"], botilbud["Åbne punkter"]) == (1, 2, 2)
    assert (botilbud["Revision passeret"], botilbud["Afgørelse snart"]) == (1, 1)
    kinds = head[6:]
    for team in body.values():
        assert sum(team[k] for k in kinds) == team["Åbne punkter"]
    assert not any(isinstance(v, str) and v.startswith("P-") for r in rows for v in r)   # no citizen
