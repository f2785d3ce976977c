"""The engine's own frames have one schema each (schema.py): what each step makes is held to it."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from conftest import ROOT
from prognose import projection, schema
from prognose.commands import edge
from prognose.forecast import yearly
from prognose.paragraphs import accounts_in_use

D = dt.date


def test_the_forecasts_frames_have_their_schemas():
    settings = edge.options_for(ROOT)
    run = edge.forecast(settings, draws=0)
    fc = run.forecast
    assert dict(fc.lines.schema) == schema.LINES
    for r in fc.buffers:
        assert dict(r.lines.schema) == schema.BUFFER_LINES, r.name
        assert dict(r.events.schema) == schema.EVENTS, r.name
    assert dict(fc.refusion.citizens.schema) == schema.CITIZENS
    assert dict(fc.yearly.schema) == schema.YEARLY
    model = projection.model(run.extract.grants, run.extract.plan_steps, fc.as_of, fc.year + 1, settings.price_index,
                             accounts_in_use(run.extract.grants, settings.paragraph_accounts))
    assert dict(model.schema) == schema.MODEL


def test_yearly_holds_each_complete_year_booked_beside_its_grants_cost():
    booked = pl.DataFrame({"account": ["A", "A", "A", "B"], "period": [D(2023, 12, 1), D(2024, 3, 1), D(2025, 2, 1), D(2024, 5, 1)],
                           "amount": [100, 200, 400, 50]})
    invoiced = pl.DataFrame({"grant_id": ["G1", "G2"], "account": ["A", "B"]})
    pieces = pl.DataFrame({"gi": [0, 0, 1], "month": [D(2024, 1, 1), D(2025, 1, 1), D(2024, 6, 1)], "ore": [150, 160, 40]},
                          schema_overrides={"gi": pl.UInt32})
    own = pl.DataFrame({"account": ["A"], "month": [D(2024, 2, 1)], "own": [10.0]})
    # the postings begin in December 2023: 2024 is the one complete year before the as-of year
    expected = pl.DataFrame({"account": ["A", "B"], "year": [2024, 2024], "booked": [200, 50], "cost": [160.0, 40.0]},
                            schema=schema.YEARLY)
    assert_frame_equal(yearly(booked, pieces, invoiced, own, D(2025, 6, 30)), expected)
