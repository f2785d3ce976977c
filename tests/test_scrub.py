"""The one pass every table takes where it is read (io/scrub.py): CPR numbers in every form found
in every text column — ids become pseudonyms, other texts are masked — control characters removed
and counted, and a name too long to be one refused."""

import datetime as dt

import polars as pl
import pytest

from prognose.io.scrub import MAX_TEXT, finished
from prognose.privacy import is_cpr, pseudonym, scrub_text
from prognose.schema import LINE

KEY = b"test-key"
# the forms of one CPR number (0101901234) an export holds, the items 13–16
FORMS = ["010190-1234", "0101901234", "010190 1234", "010190\u20131234", "010190.1234", "CPR 010190-1234",
         "'0101901234", "101901234"]


def table(**columns) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    return pl.DataFrame({LINE: list(range(2, n + 2)), **columns})


def digits_left(frame: pl.DataFrame) -> list[str]:
    """Every text that still holds the number's digits, in any form."""
    texts = [v for c, t in frame.schema.items() if t == pl.String for v in frame.get_column(c).drop_nulls().to_list()]
    return [v for v in texts if "".join(ch for ch in v if ch.isdigit()).find("01901234") >= 0]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_a_cpr_number_becomes_one_pseudonym_in_the_citizen_id(form):
    frame, _, _ = finished(table(citizen_id=[form], birth_date=[None]).cast({"birth_date": pl.Date}), KEY, "grants.csv")
    assert frame.get_column("citizen_id").to_list() == [pseudonym(KEY, "0101901234")]
    assert frame.get_column("birth_date").to_list() == [dt.date(1990, 1, 1)]


@pytest.mark.parametrize("form", FORMS)
def test_a_cpr_number_in_a_name_an_account_an_art_or_a_note_is_masked(form):
    frame, _, _ = finished(table(name=[f"Flyt {form}"], account=[form], art=[form], note=[f"aftale {form}."],
                                 text=[f"Faktura {form},{form}"], provider=[f"Bostedet v. {form}"]), KEY, "x.csv")
    assert not digits_left(frame)
    assert frame.get_column("note").item().endswith("[CPR].")


def test_a_grant_id_that_is_a_cpr_number_becomes_a_pseudonym_of_its_own_and_case_numbers_stay():
    frame, _, _ = finished(table(grant_id=["010190-1234", "101901234", "2024001234", "G1"]), KEY, "grants.csv")
    ids = frame.get_column("grant_id").to_list()
    assert ids[0] == ids[1] and ids[0].startswith("G") and not digits_left(frame.head(2))
    assert ids[2:] == ["2024001234", "G1"]      # a case system's number, not a date: no person


def test_control_characters_are_removed_and_counted():
    frame, warnings, problems = finished(table(note=["ok\x07", "\x1b[31mrød\x00", "fin"], name=["a\u202eb", "b", "c"]), KEY, "adjustments.csv")
    assert frame.get_column("note").to_list() == ["ok", "[31mrød", "fin"]
    assert frame.get_column("name").to_list() == ["ab", "b", "c"]
    assert [(w.kind, w.lines, w.count) for w in warnings] == [("control_characters", (2, 3), 2)]
    assert not problems


def test_a_name_longer_than_any_typed_is_a_problem_but_a_long_text_is_not():
    _, _, problems = finished(table(provider=["x" * (MAX_TEXT + 1)], text=["y" * 5 * MAX_TEXT]), KEY, "grants.csv")
    assert [(p.line, p.column) for p in problems] == [(2, "provider")]


def test_messages_lose_every_form_but_keep_the_engines_pseudonyms():
    for form in FORMS:
        assert "01901234" not in "".join(ch for ch in scrub_text(f"no line for {form}!") if ch.isdigit())
        assert is_cpr(form)
    p = pseudonym(KEY, "0101901234")
    assert scrub_text(f"citizen {p}") == f"citizen {p}" and not is_cpr(p)
