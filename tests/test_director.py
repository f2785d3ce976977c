"""The director's report as data: the year's range in words, and small amounts said in kroner."""

from __future__ import annotations

import datetime as dt

from prognose.report.director import _range, mio

D = dt.date


def test_the_range_in_words_names_overspend_underspend_or_both():
    budget = 100_000_000_00
    assert _range(budget, {"p10": budget + 10_500_000_00, "p90": budget + 12_200_000_00}, "da") == \
        " Med 80 % sandsynlighed bliver merforbruget mellem 10,5 og 12,2 mio. kr."
    assert _range(budget, {"p10": budget - 3_000_000_00, "p90": budget + 1_000_000_00}, "da") == \
        " Med 80 % sandsynlighed lander regnskabet mellem et mindreforbrug på 3,0 mio. kr. og et merforbrug på 1,0 mio. kr."
    assert _range(budget, {"p10": budget - 2_000_000_00, "p90": budget - 50_000_00}, "en") == \
        " With 80 % probability the underspend lies between DKK 50,000 and DKK 2.0m."
    assert _range(budget, None, "da") == ""


def test_an_amount_below_100_000_kr_is_said_in_kroner_not_as_0_0_million():
    assert mio(23_232_45, "da") == "23.232 kr." and mio(-23_232_45, "en") == "DKK 23,232"
    assert mio(11_363_166_00, "da") == "11,4 mio. kr."


def test_the_change_is_since_last_month_only_where_the_snapshot_before_is_last_months():
    from prognose.report.director import since_words

    assert since_words(D(2025, 10, 31), D(2025, 11, 30), "da") == "sidste måned"
    assert since_words(D(2025, 9, 30), D(2025, 11, 30), "da") == "pr. 30. september 2025"
    assert since_words(D(2025, 9, 30), D(2025, 11, 30), "en") == "as of 2025-09-30"
