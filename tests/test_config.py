"""prognose.toml read as typed settings: a boolean is no number, every number finite and in range,
every key known, paragraphs spelt as grants are read, min ≤ max; a bad value is a problem naming
the key (exit 2), never a figure made from it; the encodings editors save in read or refused."""

import pytest

from prognose.errors import InputError
from prognose.io.config import load_settings


def settings_of(tmp_path, text: str, encoding: str = "utf-8"):
    (tmp_path / "prognose.toml").write_bytes(text.encode(encoding))
    return load_settings(tmp_path)


def refused(tmp_path, text: str, encoding: str = "utf-8") -> list[str]:
    with pytest.raises(InputError) as e:
        settings_of(tmp_path, text, encoding)
    return [p.column for p in e.value.problems]


# item 5: TOML's true and false were read as 1 and 0
BOOLEANS = [("[price_index]\n2026 = true\n", "price_index"),
            ("[refusion.thresholds]\n2026 = [true, 2200000]\n", "refusion.thresholds.2026"),
            ("[refusion]\nshares = [true, false]\n", "refusion.shares"),
            ("[refusion]\nmin_age = true\n", "refusion.min_age"),
            ("[refusion]\ndefault = [1100000, true]\n", "refusion.default"),
            ("[display]\nhighlight_percent = true\n", "display.highlight_percent"),
            ("[billing.outstanding_months]\nprivate = true\n", "billing.outstanding_months"),
            ('[grants]\nown_settled_per_grant = "nej"\n', "grants.own_settled_per_grant"),
            ('[activity.bands]\n"SEL 85" = { measure = "hours", edges = [true, 6] }\n', "activity.bands.SEL 85")]


@pytest.mark.parametrize("text, key", BOOLEANS)
def test_a_boolean_is_no_number(tmp_path, text, key):
    assert refused(tmp_path, text) == [key]


# item 20: values that ended in an internal error, and numbers no controller means
NOT_NUMBERS = [("[price_index]\n2026 = inf\n", "price_index"), ("[price_index]\n2026 = nan\n", "price_index"),
               ("[price_index]\n2026 = 1e17\n", "price_index"),
               ("[refusion.thresholds]\n2026 = [inf, 2200000]\n", "refusion.thresholds.2026"),
               ("[refusion.thresholds]\n2026 = [1e17, 1e18]\n", "refusion.thresholds.2026"),
               ("[refusion]\nthresholds = 5\n", "refusion.thresholds"), ("[activity]\nbands = 5\n", "activity.bands"),
               ("[columns]\npostings = 5\n", "columns.postings"), ("refusion = 5\n", "refusion"),
               ("[billing]\noutstanding_months = 5\n", "billing.outstanding_months"),
               ("[display]\nhighlight_percent = nan\n", "display.highlight_percent"),
               ("[refusion]\nmax_age = 1e3\n", "refusion.max_age")]


@pytest.mark.parametrize("text, key", NOT_NUMBERS)
def test_a_value_that_is_not_the_number_asked_for_is_a_problem_naming_the_key(tmp_path, text, key):
    assert refused(tmp_path, text) == [key]


def test_a_misspelt_section_or_key_is_a_problem(tmp_path):
    assert refused(tmp_path, "[refusjon]\nenabled = \"off\"\n") == ["refusjon"]
    assert refused(tmp_path, "[display]\nlanguage = \"en\"\n") == ["display.language"]


def test_refund_paragraphs_are_spelt_as_grants_are_and_an_unknown_one_is_a_problem(tmp_path):
    """Item 6: another spelling, an unknown paragraph or min_age above max_age switched the refund off."""
    rule = settings_of(tmp_path, '[refusion]\nparagraphs = ["§ 108", "85", "SEL 108"]\n').refusion
    assert rule.paragraphs == ("SEL 108", "SEL 85")
    assert refused(tmp_path, '[refusion]\nparagraphs = ["SEL 108", "§ 999"]\n') == ["refusion.paragraphs"]
    assert refused(tmp_path, "[refusion]\nmin_age = 30\nmax_age = 20\n") == ["refusion.max_age"]
    assert settings_of(tmp_path, '[paragraph_accounts]\n"SEL 999" = "5.38.99"\n[refusion]\nparagraphs = ["999"]\n'
                       ).refusion.paragraphs == ("SEL 999",)


TEXT = '# Prognose for Ærø\n[display]\nlang = "en"\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_utf8_with_or_without_notepads_mark_and_utf16_are_read(tmp_path, encoding):
    assert settings_of(tmp_path, TEXT, encoding).lang == "en"


def test_windows_1252_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(InputError) as e:
        settings_of(tmp_path, TEXT, "cp1252")
    assert [(p.line, "UTF-8" in p.expected) for p in e.value.problems] == [(1, True)]


@pytest.mark.parametrize("encoding, read", [("utf-16", True), ("utf-8-sig", True), ("cp1252", False)])
def test_buffers_toml_in_the_encodings_editors_save(tmp_path, encoding, read):
    """Item 20: buffers.toml saved as Windows-1252 or UTF-16 ended in an internal error."""
    from prognose.io.buffers_io import read_config

    (tmp_path / "buffers.toml").write_bytes("# Ærø\n[deaths]\nyears = 3\n".encode(encoding))
    config, problem = read_config(tmp_path)
    assert (config == {"deaths": {"years": 3}}) == read and (problem is None) == read
