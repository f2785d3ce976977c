"""The engine on every extract of the validation municipalities beside the project (packed in
../shared/validation, unpacked into .validation/), which it was not built on: each runs, with its
warnings said, and what it read reconciles to the øre with an independent reading of the postings
(the shared scorer's own CSV reader). Sixteen municipalities × eight extracts: the slow group."""

import json
import sys

import pytest

import validation_set as vs
from prognose.commands import edge

WORLDS = vs.unpacked()
EXTRACTS = [e for w in WORLDS for e in vs.extracts(w)]


def test_the_set_is_unpacked_where_it_is_beside_the_repository():
    """Where the archives are there, every municipality is unpacked with all eight extracts: a
    missing folder would make the tests below skip or shrink without a word."""
    if not vs.available():
        pytest.skip(vs.ABSENT)
    assert len(WORLDS) == len(vs.names()) == 16
    assert all(len(vs.extracts(w)) == 8 for w in WORLDS)


@pytest.mark.slow
@pytest.mark.skipif(not EXTRACTS, reason=vs.ABSENT)
@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_runs_and_reconciles_to_the_ore(extract, tmp_path):
    sys.path.insert(0, str(vs.SHARED / "checks" / "accuracy"))
    import common

    from prognose.commands import edge
    from prognose.commands.refusion import step as refusion_step

    as_of = vs.as_of(extract)
    final = json.loads((extract.parent / "final.json").read_text(encoding="utf-8"))
    settings = edge.options_for(tmp_path, data=extract / "data", buffers=extract / "buffers")
    run = edge.forecast(settings, as_of, draws=0)
    lines = run.forecast.lines
    booked = int(lines.filter(lines["origin"] == "booked")["ore"].sum())
    style = common.Style(final["style"])
    postings = common.read_postings(str(extract / "data"), style)
    truth = sum(amount for posted, year, _, _, amount in postings if year == as_of.year and posted <= as_of.toordinal())
    assert booked == truth


@pytest.mark.slow
@pytest.mark.skipif(not WORLDS, reason=vs.ABSENT)
@pytest.mark.parametrize("world", WORLDS, ids=lambda p: p.name)
def test_last_years_refund_from_its_grants_lands_within_five_percent_of_what_was_booked(world, tmp_path):
    """The year before the budget year: its refund of expensive cases, computed from its grants with
    thresholds learned only from the years before it, against the refund booked for it (its
    settlement included), as of the budget year's 30 November."""
    from prognose.commands import edge
    from prognose.commands.refusion import step as refusion_step

    extract = vs.extract_at(world, 11, 30)
    year = vs.budget_year(world) - 1
    settings = edge.options_for(tmp_path, data=extract / "data", buffers=extract / "buffers")
    rf = refusion_step(settings, year, vs.as_of(extract)).refusion
    assert rf is not None and rf.source == "learned" and max(rf.learned.years) < year
    assert abs(rf.refund / rf.booked_total - 1) < 0.05


@pytest.mark.slow
@pytest.mark.skipif(not EXTRACTS, reason=vs.ABSENT)
@pytest.mark.parametrize("extract", EXTRACTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_followup_runs_as_json(extract, tmp_path):
    """`prognose followup --format json` on every extract: a work list whose items are of the
    known kinds and statuses, whose review items hold the forecast's extensions for their grants."""
    from conftest import invoke
    from typer.testing import CliRunner

    from prognose.followup import KINDS

    result = invoke(CliRunner(), "followup", "--workspace", str(tmp_path), "--data", str(extract / "data"),
                    "--buffers", str(extract / "buffers"), "--as-of", vs.as_of(extract).isoformat(), "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    items = [i for g in doc["groups"] for i in g["items"]]
    assert doc["groups"] and {i["kind"] for i in items} <= set(KINDS)
    assert {i["status"] for i in items} <= {"new"}          # no snapshot before in an empty workspace
