"""Postings with a citizen but no grant id: linked only where one grant fits."""

import datetime as dt

import polars as pl

from prognose.linking import link_by_citizen

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
