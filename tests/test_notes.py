"""The notes beside a forecast's figures: what the engine read one way where another was possible."""

import datetime as dt

import polars as pl

from prognose.bankdays import Pending
from prognose.linking import Linked
from prognose.notes import forecast_notes
from prognose.report.words import text

NO_LINES = pl.DataFrame(schema={"account": pl.String})
NO_BUDGET = pl.DataFrame(schema={"account": pl.String, "ore": pl.Int64})
AS_OF = dt.date(2025, 11, 30)
NO_WEEKEND = Pending(0, 0.0, pl.DataFrame(schema={"account": pl.String, "month": pl.Date, "ore": pl.Int64}))


def spread(*amounts):
    return pl.DataFrame({"gi": list(range(len(amounts))), "posting_month": dt.date(2025, 3, 1),
                         "period": dt.date(2025, 3, 1), "amount": list(amounts)})


def test_invoices_read_by_their_provider_are_named_with_their_amount():
    notes = forecast_notes(None, [], Linked(0, 0), spread(200_000.4, 100_060.3), NO_WEEKEND, NO_LINES, NO_BUDGET, 2025, AS_OF)
    assert len(notes) == 1
    assert text(notes[0], "da").startswith("fakturaer for 3.001 kr. uden bevilling og borger, hvis tekst nævner leverandøren")
    assert "DKK 3,001" in text(notes[0], "en") and "booked figures are unchanged" in text(notes[0], "en")


def test_nothing_read_another_way_says_nothing():
    assert forecast_notes(None, [], Linked(0, 0), spread(), NO_WEEKEND, NO_LINES, NO_BUDGET, 2025, AS_OF) == []
    linked = forecast_notes(None, [], Linked(3, 45_600), spread(), NO_WEEKEND, NO_LINES, NO_BUDGET, 2025, AS_OF)
    assert [text(n, "en") for n in linked] == ["3 postings (DKK 456) without a grant id were linked to the citizen's only running "
                                         "grant on the account"]


def test_a_weekend_as_of_date_says_what_the_weekend_still_brings():
    weekend = Pending(2, 1.0, pl.DataFrame({"account": ["5.38.50", "5.38.51"], "month": [dt.date(2025, 12, 1)] * 2,
                                            "ore": [150_000_00, 50_000_00]}))
    notes = forecast_notes(None, [], Linked(0, 0), spread(), weekend, NO_LINES, NO_BUDGET, 2025, AS_OF)
    assert len(notes) == 1
    assert text(notes[0], "da").startswith("opgørelsesdatoen 30.11.2025 falder i en weekend")
    assert "200.000 kr." in text(notes[0], "da")
    assert "DKK 200,000" in text(notes[0], "en") and "2025-11-30" in text(notes[0], "en")


def test_the_engines_own_past_forecast_is_named_with_its_miss_and_what_it_did_to_the_range():
    from prognose.hindcast import Past
    from prognose.notes import backtest_notes

    past = [Past(dt.date(2024, 11, 30), 2024, 101_500_000_00, 100_000_000_00, 50_000_000.0)]   # 1.5 % over, z 3
    note = backtest_notes(past, band=object())[0]
    da, en = text(note, "da"), text(note, "en")
    assert "pr. 30.11.2024 for 2024 ramte den regnskabet med +1,50 % (3,0 gange sin egen spredning)" in da
    assert da.endswith("udfaldsrummet er derfor 2,24 gange så bredt som beregnet")
    assert "+1.50 % off the final accounts (3.0 times its own spread)" in en
    assert backtest_notes([], band=object()) == [] and backtest_notes(past, band=None) == []
