"""Postings with a citizen but no grant id: linked only where one grant fits."""

import datetime as dt

import polars as pl

from prognose.linking import link_by_citizen, provider_named, spread_by_provider

D = dt.date


def postings(**cols):
    base = {"posting_date": [D(2025, 3, 10)], "period": [D(2025, 3, 1)], "account": ["5.38.50"], "amount": [100_00],
            "citizen_id": ["P1"], "grant_id": [None], "source": ["finance"]}
    base.update(cols)
    return pl.DataFrame(base, schema_overrides={"grant_id": pl.String})


def grants(*rows):
    return pl.DataFrame(list(rows), schema={"grant_id": pl.String, "citizen_id": pl.String, "account": pl.String,
                                            "start_date": pl.Date, "end_date": pl.Date}, orient="row")


def test_the_one_running_grant_on_the_account_takes_the_posting():
    out, linked = link_by_citizen(postings(), grants(("G1", "P1", "5.38.50", D(2024, 1, 1), None)))
    assert out.get_column("grant_id").to_list() == ["G1"] and linked.postings == 1 and linked.ore == 100_00


def test_two_grants_that_fit_leave_it_unlinked():
    two = grants(("G1", "P1", "5.38.50", D(2024, 1, 1), None), ("G2", "P1", "5.38.50", D(2025, 1, 1), None))
    out, linked = link_by_citizen(postings(), two)
    assert out.get_column("grant_id").to_list() == [None] and linked.postings == 0


def test_an_invoice_in_arrears_up_to_six_months_after_the_end_is_linked_later_not():
    ended = grants(("G1", "P1", "5.38.50", D(2024, 1, 1), D(2024, 10, 31)))
    assert link_by_citizen(postings(), ended)[1].postings == 1
    late = postings(period=[D(2025, 6, 1)], posting_date=[D(2025, 6, 5)])
    assert link_by_citizen(late, ended)[1].postings == 0


def test_payroll_another_account_and_an_existing_link_are_left_alone():
    g = grants(("G1", "P1", "5.38.50", D(2024, 1, 1), None))
    assert link_by_citizen(postings(source=["payroll"]), g)[1].postings == 0
    assert link_by_citizen(postings(account=["5.38.52"]), g)[1].postings == 0
    out, linked = link_by_citizen(postings(grant_id=["G9"]), g)
    assert out.get_column("grant_id").to_list() == ["G9"] and linked.postings == 0


def named(texts, sources=None):
    n = len(texts)
    return pl.DataFrame({"text": texts, "source": sources or ["finance"] * n})


def providers(*names):
    return pl.DataFrame({"provider": list(names)})


def test_an_invoice_text_names_the_longest_provider_it_begins_with():
    inv = providers("Region Syd", "Region Syd – Specialområde Autisme", "Bostedet Å")
    frame = named(["Region Syd – Specialområde Autisme marts 2025", "Region Syd april", "Salg af plads til Region Syd",
                   "Bostedet Å maj", "Bostedet Å løn", "  BOSTEDET Å juni"], ["finance", "finance", "finance", None, "payroll", None])
    got = frame.with_columns(provider_named(inv, frame.columns).alias("p")).get_column("p").to_list()
    assert got == ["Region Syd – Specialområde Autisme", "Region Syd", None, "Bostedet Å", None, "Bostedet Å"]
    without_text = frame.drop("text").with_columns(provider_named(inv, ["source"]).alias("p"))
    assert without_text.get_column("p").to_list() == [None] * 6


def booked(**cols):
    base = {"gi": [None], "provider": ["Bostedet Å"], "kind": ["other"], "account": ["5.38.50"], "citizen_id": [None],
            "period": [D(2025, 3, 1)], "posting_month": [D(2025, 3, 1)], "amount": [300_00]}
    base.update(cols)
    return pl.DataFrame(base, schema_overrides={"gi": pl.UInt32, "citizen_id": pl.String, "provider": pl.String})


def numbered(*rows):
    return pl.DataFrame(list(rows), schema={"gi": pl.UInt32, "account": pl.String, "provider": pl.String, "citizen_id": pl.String,
                                            "start_date": pl.Date, "end_date": pl.Date, "rate": pl.Float64,
                                            "quantity": pl.Float64, "unit": pl.String}, orient="row")


GRANTS = numbered((0, "5.38.50", "Bostedet Å", "P1", D(2024, 1, 1), None, 20_000.0, 1.0, "month"),
                  (1, "5.38.50", "Bostedet Å", "P2", D(2024, 1, 1), D(2024, 11, 30), 10_000.0, 1.0, "month"),
                  (2, "5.38.50", "Bostedet Å", "P3", D(2025, 4, 1), None, 10_000.0, 1.0, "month"),
                  (3, "5.38.51", "Bostedet Å", "P4", D(2024, 1, 1), None, 10_000.0, 1.0, "month"),
                  (4, "5.38.50", "Andet Sted", "P5", D(2024, 1, 1), None, 10_000.0, 1.0, "month"))


def test_a_provider_invoice_is_spread_over_its_grants_that_run_then():
    out = spread_by_provider(booked(), GRANTS).sort("gi")
    # March 2025: P1 runs, P2 ended in November (an invoice in arrears may still be its), P3 not yet
    # started; another account's grant and another provider's are not it
    assert out.get_column("gi").to_list() == [0, 1]
    assert out.get_column("amount").to_list() == [200_00, 100_00]
    assert out.get_column("amount").sum() == 300_00


def test_a_provider_invoice_naming_a_citizen_goes_to_that_citizens_grant():
    out = spread_by_provider(booked(citizen_id=["P2"]), GRANTS)
    assert out.get_column("gi").to_list() == [1] and out.get_column("amount").to_list() == [300_00]
    # a citizen with no grant of the provider: the provider's grants, as without one
    assert spread_by_provider(booked(citizen_id=["P9"]), GRANTS).height == 2


def test_linked_postings_refunds_and_unnamed_ones_are_not_spread():
    assert spread_by_provider(booked(gi=[7]), GRANTS).is_empty()
    assert spread_by_provider(booked(kind=["refusion"]), GRANTS).is_empty()
    assert spread_by_provider(booked(provider=[None]), GRANTS).is_empty()
