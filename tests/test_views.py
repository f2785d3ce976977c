"""Views of a forecast: every one a sum of the same lines, the budget where it belongs."""

from types import SimpleNamespace

import polars as pl

from prognose.views import UNALLOCATED, by, total


def forecast(lines, budget):
    return SimpleNamespace(lines=pl.DataFrame(lines, schema={"account": pl.String, "paragraph": pl.String, "origin": pl.String,
                                                              "ore": pl.Int64}, orient="row"),
                           budget=pl.DataFrame(budget, schema={"account": pl.String, "ore": pl.Int64}, orient="row"))


def test_an_accounts_budget_goes_with_the_paragraph_that_carries_most_of_it():
    fc = forecast([("5.38.38.004", "SEL 85", "booked", 200_00), ("5.38.38.004", "ABL 105", "booked", 3_00),
                   ("5.38.51", "ABL 105", "booked", 150_00),
                   ("5.38.53", None, "booked", 12_00), ("5.38.53", "SEL 85", "grants", 1_00)],
                  [("5.38.38.004", 210_00), ("5.38.51", 140_00), ("5.38.53", 13_00), ("5.38.99", 5_00)])
    t = {r["paragraph"]: r for r in by(fc, "paragraph").iter_rows(named=True)}
    # a few postings of another paragraph on an account do not take its budget from the paragraph
    # it is for, and an account whose forecast has no paragraph keeps its budget with that
    assert t["SEL 85"]["budget"] == 210_00 and t["SEL 85"]["forecast"] == 201_00
    assert t["ABL 105"]["budget"] == 140_00 and t["ABL 105"]["forecast"] == 153_00
    assert t[UNALLOCATED]["budget"] == 13_00 and t[UNALLOCATED]["forecast"] == 12_00
    assert t["budget 5.38.99"]["budget"] == 5_00 and t["budget 5.38.99"]["forecast"] == 0
    assert total(by(fc, "paragraph")) == total(by(fc, "account"))
