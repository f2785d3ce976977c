"""The forecast on hand-made municipalities whose right answer is known."""

import datetime as dt

import polars as pl

from conftest import D
from prognose.forecast import run_forecast
from prognose.options import Options
from prognose.views import by, components, months


def settings(tmp_path) -> Options:
    return Options(workspace=tmp_path, data=tmp_path, buffers=tmp_path, snapshots=tmp_path, key_file=tmp_path / "k")


def grant(gid="G1", rate=10_000.0, start=D(2024, 1, 1), end=None, ptype="private", account="5.38.50", decided=None,
          unit="month", provider="Bostedet"):
    return {"grant_id": gid, "citizen_id": "P1", "paragraph": "SEL 108", "account": account, "provider": provider,
            "provider_type": ptype, "start_date": start, "end_date": end, "end_reason": None, "unit": unit, "rate": rate,
            "quantity": 1.0, "price_year": None, "decided_date": decided, "birth_date": None}


def frame(rows, schema):
    return pl.DataFrame(rows, schema=schema)


GRANT_SCHEMA = {"grant_id": pl.String, "citizen_id": pl.String, "paragraph": pl.String, "account": pl.String,
                "provider": pl.String, "provider_type": pl.String, "start_date": pl.Date, "end_date": pl.Date,
                "end_reason": pl.String, "unit": pl.String, "rate": pl.Float64, "quantity": pl.Float64,
                "price_year": pl.Int64, "decided_date": pl.Date, "birth_date": pl.Date}
POSTING_SCHEMA = {"posting_date": pl.Date, "period": pl.Date, "account": pl.String, "amount": pl.Int64, "art": pl.String,
                  "citizen_id": pl.String, "grant_id": pl.String, "source": pl.String, "text": pl.String}
STEPS = pl.DataFrame(schema={"grant_id": pl.String, "effective_date": pl.Date, "quantity": pl.Float64, "rate": pl.Float64})


def monthly_invoices(gid, amount_ore, first_service, last_service, until):
    """Invoices in arrears on the 10th of the next month; December's go to the supplementary period."""
    rows = []
    m = first_service
    while m <= last_service:
        nxt = (m + dt.timedelta(days=32)).replace(day=1)
        booked = nxt.replace(day=10)
        if booked <= until:
            period = m if m.month == 12 else nxt
            rows.append({"posting_date": booked, "period": period, "account": "5.38.50", "amount": amount_ore, "art": None,
                         "citizen_id": "P1", "grant_id": gid, "source": "finance", "text": None})
        m = nxt
    return rows


def budget(amount_ore=150_000_00):
    return pl.DataFrame({"account": ["5.38.50"], "year": [2025], "amount": [amount_ore]})


def test_one_grant_billed_monthly_in_arrears(tmp_path):
    as_of = D(2025, 6, 30)
    grants = frame([grant()], GRANT_SCHEMA)
    postings = frame(monthly_invoices("G1", 1_000_000, D(2024, 1, 1), D(2025, 12, 1), as_of), POSTING_SCHEMA)
    fc = run_forecast(grants, STEPS, postings, budget(), settings(tmp_path), 2025, as_of)
    acc = by(fc).row(0, named=True)
    # booked: services Jan–May (Dec 2024's invoice belongs to 2024); ahead: June, still unbilled, and July–December
    assert acc["actual_to_date"] == 5 * 1_000_000
    assert acc["forecast"] == 12 * 1_000_000
    assert acc["deviation"] == 12 * 1_000_000 - 150_000_00
    assert components(fc)["grants"] == 7 * 1_000_000
    assert components(fc)["unexplained"] == 0
    m = months(fc)
    assert m.get_column("expected").to_list() == [0] * 6 + [1_000_000] * 5 + [2_000_000]


def test_payroll_that_no_grant_explains_is_carried_forward(tmp_path):
    as_of = D(2025, 6, 30)
    grants = frame([grant()], GRANT_SCHEMA)
    invoices = monthly_invoices("G1", 1_000_000, D(2024, 1, 1), D(2025, 12, 1), as_of)
    payroll = []
    m = D(2024, 1, 1)
    while m <= D(2025, 6, 1):
        payroll.append({"posting_date": m.replace(day=27), "period": m, "account": "5.38.50", "amount": 5_000_000,
                        "art": "1.1", "citizen_id": None, "grant_id": None, "source": "payroll", "text": "Løn"})
        m = (m + dt.timedelta(days=32)).replace(day=1)
    fc = run_forecast(grants, STEPS, frame(invoices + payroll, POSTING_SCHEMA), budget(), settings(tmp_path), 2025, as_of)
    assert components(fc)["unexplained"] == 6 * 5_000_000
    assert by(fc).row(0, named=True)["forecast"] == 12 * 1_000_000 + 12 * 5_000_000


def test_grant_decided_after_the_as_of_date_is_unknown(tmp_path):
    as_of = D(2025, 6, 30)
    grants = frame([grant(), grant("G2", rate=99_000.0, start=D(2025, 9, 1), decided=D(2025, 7, 15))], GRANT_SCHEMA)
    postings = frame(monthly_invoices("G1", 1_000_000, D(2024, 1, 1), D(2025, 12, 1), as_of), POSTING_SCHEMA)
    fc = run_forecast(grants, STEPS, postings, budget(), settings(tmp_path), 2025, as_of)
    assert by(fc).row(0, named=True)["forecast"] == 12 * 1_000_000
    later = run_forecast(grants, STEPS, postings, budget(), settings(tmp_path), 2025, D(2025, 7, 31))
    assert later.grant_costs.filter(pl.col("grant_id") == "G2").row(0, named=True)["cost_year"] == 4 * 9_900_000


def test_ending_grant_and_own_provider(tmp_path):
    as_of = D(2025, 6, 30)
    grants = frame([grant(end=D(2025, 8, 31)), grant("G2", ptype="own", rate=50_000.0)], GRANT_SCHEMA)
    postings = frame(monthly_invoices("G1", 1_000_000, D(2024, 1, 1), D(2025, 8, 1), as_of), POSTING_SCHEMA)
    fc = run_forecast(grants, STEPS, postings, budget(), settings(tmp_path), 2025, as_of)
    # June, July, August are still to be invoiced; the own offer's cost is payroll, not invoices
    assert components(fc)["grants"] == 3 * 1_000_000
    assert fc.lines.filter(pl.col("grant_id") == "G2").is_empty()


def test_part_month_as_of(tmp_path):
    as_of = D(2025, 6, 15)
    grants = frame([grant(unit="day", rate=1_000.0)], GRANT_SCHEMA)
    postings = frame([], POSTING_SCHEMA)
    fc = run_forecast(grants, STEPS, postings, budget(), settings(tmp_path), 2025, as_of)
    # nothing linked to learn from: the default (1 month outstanding for private) — everything from
    # 16 June on, plus the unbilled cost incurred up to the as-of date within that month
    assert components(fc)["grants"] > (15 + 31 + 31 + 30 + 31 + 30 + 31) * 100_000


def test_a_provider_billing_in_advance_keeps_its_own_lag_among_providers_billing_in_arrears(tmp_path):
    # One grant at a provider that invoices each month on the 10th for that same month: nothing is
    # outstanding at a month's end. Twelve grants of the same type at a provider billing in
    # arrears dominate the pooled estimate; 18 months of the first provider are too few for a k of
    # its own per month of the year, but enough for one k over all months.
    as_of = D(2025, 6, 30)
    rows = [grant("A1", rate=10_000.0, provider="Forskud")]
    postings = []
    m = D(2024, 1, 1)
    while m <= as_of:
        postings.append({"posting_date": m.replace(day=10), "period": m, "account": "5.38.50", "amount": 1_000_000, "art": None,
                         "citizen_id": "P1", "grant_id": "A1", "source": "finance", "text": None})
        m = (m + dt.timedelta(days=32)).replace(day=1)
    for i in range(12):
        rows.append(grant(f"B{i}", provider="Bagud"))
        postings += monthly_invoices(f"B{i}", 1_000_000, D(2024, 1, 1), D(2025, 12, 1), as_of)
    fc = run_forecast(frame(rows, GRANT_SCHEMA), STEPS, frame(postings, POSTING_SCHEMA), budget(), settings(tmp_path), 2025, as_of)
    a1 = fc.grant_costs.filter(pl.col("grant_id") == "A1").row(0, named=True)
    assert a1["outstanding"] == 0
    assert a1["remaining"] == 6 * 1_000_000
    b0 = fc.grant_costs.filter(pl.col("grant_id") == "B0").row(0, named=True)
    assert b0["outstanding"] == 1_000_000 and b0["remaining"] == 7 * 1_000_000
    assert fc.lag.filter((pl.col("level") == "provider_monthly") & (pl.col("key") == "Forskud")).height == 12


def invoices_two_months_late(gid, amount_ore, first_service, last_service, until):
    """Invoices for each month on the 10th two months later; those for a year's months booked in
    January–February go to that year's December (the supplementary period)."""
    rows = []
    m = first_service
    while m <= last_service:
        booked = (m + dt.timedelta(days=32)).replace(day=1)
        booked = (booked + dt.timedelta(days=32)).replace(day=10)
        if booked <= until:
            period = m.replace(month=12) if booked.year > m.year else booked.replace(day=1)
            rows.append({"posting_date": booked, "period": period, "account": "5.38.50", "amount": amount_ore, "art": None,
                         "citizen_id": "P1", "grant_id": gid, "source": "finance", "text": None})
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return rows


def test_in_january_the_year_before_still_books_its_december_and_february_gets_januarys_invoice(tmp_path):
    # A provider invoices two months late: as of 31 January, November's invoice is booked to
    # December (period 12) and December's will be in February, to December too. January's
    # invoice comes in March. Neither the open December nor the invoices of the supplementary
    # period may read as a shortfall of the year ahead: the year is twelve months' invoices.
    as_of = D(2025, 1, 31)
    grants = frame([grant(start=D(2022, 1, 1))], GRANT_SCHEMA)
    postings = frame(invoices_two_months_late("G1", 1_000_000, D(2022, 1, 1), D(2025, 12, 1), as_of), POSTING_SCHEMA)
    budget_2025 = budget()
    fc = run_forecast(grants, STEPS, postings, budget_2025, settings(tmp_path), 2025, as_of)
    assert by(fc).row(0, named=True)["forecast"] == 12 * 1_000_000
    # January's invoice is booked in March, and nothing is still to come to February
    assert months(fc).get_column("expected").to_list()[:3] == [0, 0, 1_000_000]
