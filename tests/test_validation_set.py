"""The engine on every extract of the validation municipalities beside the project (../shared/validation),
which it was not built on: each runs, with its warnings said, and what it read reconciles to the øre
with an independent reading of the postings (the shared scorer's own CSV reader)."""

import datetime as dt
import json
import sys

import pytest

from conftest import ROOT

SHARED = ROOT.parent / "shared"
VALIDATION = SHARED / "validation"
EXTRACTS = sorted(VALIDATION.glob("*/asof-*")) if VALIDATION.is_dir() else []


@pytest.mark.skipif(not EXTRACTS, reason="../shared/validation is not beside the repository")
@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_runs_and_reconciles_to_the_ore(extract, tmp_path):
    sys.path.insert(0, str(SHARED / "checks" / "accuracy"))
    import common

    from prognose import app

    as_of = dt.date.fromisoformat(extract.name[5:])
    final = json.loads((extract.parent / "final.json").read_text(encoding="utf-8"))
    settings = app.settings_for(tmp_path, data=extract / "data", buffers=extract / "buffers")
    run = app.forecast(settings, as_of, draws=0)
    lines = run.forecast.lines
    booked = int(lines.filter(lines["origin"] == "booked")["ore"].sum())
    style = common.Style(final["style"])
    postings = common.read_postings(str(extract / "data"), style)
    truth = sum(amount for posted, year, _, _, amount in postings if year == as_of.year and posted <= as_of.toordinal())
    assert booked == truth


REFUND_WORLDS = sorted(VALIDATION.glob("*/asof-2025-11-30")) if VALIDATION.is_dir() else []


@pytest.mark.skipif(not REFUND_WORLDS, reason="../shared/validation is not beside the repository")
@pytest.mark.parametrize("extract", REFUND_WORLDS, ids=lambda p: p.parent.name)
def test_last_years_refund_from_its_grants_lands_within_five_percent_of_what_was_booked(extract, tmp_path):
    """2024's refund of expensive cases, computed from 2024's grants with thresholds learned only
    from the years before 2024, against the refund booked for 2024 (its settlement included)."""
    from prognose import app

    settings = app.settings_for(tmp_path, data=extract / "data", buffers=extract / "buffers")
    rf, _ = app.refusion(settings, 2024, dt.date(2025, 11, 30))
    assert rf is not None and rf.source == "learned" and max(rf.learned.years) < 2024
    assert abs(rf.refund / rf.booked_total - 1) < 0.05
