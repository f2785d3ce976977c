"""Whatever a broken export holds, the engine answers with a forecast (exit 0) or with the problems
it found (exit 2): never an internal error, never a traceback. Hypothesis mutates the tiny extract's
files — characters dropped or inserted, lines doubled, dropped or cut, fields replaced — and runs it."""

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import invoke, tiny_frames, write

FILES = ("grants.csv", "postings.csv", "plan_steps.csv", "budget.csv")
NOISE = [",", ";", '"', "\n", "-", "9", ".", " ", "é", "\t", "=", "0,005", "99999999999999999999", "2025-02-30",
         "I alt", "010190-1234", "\r"]
CASES = 300


def mutate(text: str, kind: str, at: float, noise: str) -> str:
    lines = text.split("\n")
    i = int(at * len(text)) if text else 0
    li = int(at * len(lines)) if lines else 0
    if kind == "drop_char":
        return text[:i] + text[i + 1:]
    if kind == "insert":
        return text[:i] + noise + text[i:]
    if kind == "double_line":
        return "\n".join(lines[:li + 1] + lines[li:])
    if kind == "drop_line":
        return "\n".join(lines[:li] + lines[li + 1:])
    if kind == "cut":
        return text[:i]
    # replace one field of one line
    cells = lines[li].split(",")
    cells[int(at * len(cells)) % len(cells)] = noise
    lines[li] = ",".join(cells)
    return "\n".join(lines)


MUTATION = st.tuples(st.sampled_from(FILES),
                     st.sampled_from(["drop_char", "insert", "double_line", "drop_line", "cut", "field"]),
                     st.floats(0, 0.999), st.sampled_from(NOISE))


def test_fuzz_exit_0_or_2_never_a_traceback(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz-base")
    write(tiny_frames(), base / "data", "csv")
    runner = CliRunner()
    seen = {0: 0, 2: 0}

    @settings(max_examples=CASES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(MUTATION, min_size=1, max_size=3))
    def one(mutations):
        ws = tmp_path_factory.mktemp("fuzz")
        shutil.copytree(base / "data", ws / "data")
        (ws / "prognose.toml").write_text("", encoding="utf-8")
        for name, kind, at, noise in mutations:
            path = ws / "data" / name
            path.write_text(mutate(path.read_text(encoding="utf-8"), kind, at, noise), encoding="utf-8")
        result = invoke(runner, "run", "--no-save", "--draws", "50", "--as-of", "2025-06-30", "--workspace", str(ws))
        assert result.exit_code in (0, 2), result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        seen[result.exit_code] += 1

    one()
    assert seen[0] and seen[2]        # both outcomes were exercised


# --- the files and settings added since: initiatives, adjustments, prognose.toml, buffers.toml ----
# Each is read in-process as the engine reads it (no subprocess, no forecast), so a thousand cases of
# each stay within about a minute: the reading is where a file's text can end in an error.

import re  # noqa: E402

import pytest  # noqa: E402

KINDS_CASES = 1_000
CPR_FORMS = ["010190-1234", "010190\u20131234", "010190.1234", "0101901234", "101901234", "CPR 010190 1234"]
LIST_NOISE = [*NOISE, *CPR_FORMS, "\x07", "\x1b[2J", "\x00", "true", "inf", "nan", "-1", "2,5", "2999-01-01", "move",
              "§ 108", "SEL 999", "=HYPERLINK(1)", "1e20", "fewer_new"]
TOML_NOISE = ["true", "false", "inf", "nan", "-1", "1e17", "5", "[", "]", "=", '"', "\ufeff", "\n", "[refusion]",
              "[refusion.thresholds]\n2026 = ", "[activity.bands]\n", '"SEL 85" = ', "{", "}", "[1, 2]", '["§ 108"]', "æ", "#"]
BUFFER_TEXT = {
    "initiatives.csv": "name;kind;start;share;count;amount;paragraph;to_paragraph\n"
                       "Færre § 108-pladser;fewer_new;01.01.2026;0,1;;;SEL 108;\n"
                       "Egen bolig;move;01.01.2026;;5;;SEL 108;ABL 105\n"
                       "Billigere;lower_price;01.07.2025;0,05;;;;\nNyt tilbud;fixed;01.01.2026;;;-250000;;\n",
    "adjustments.csv": "account;year;period;amount;paragraph;note;who\n"
                       "5.38.50;2025;;100000;SEL 108;Efterregulering;controller\n5.38.38;;2025-09;-2500,50;;Kreditnota;\n",
}
BUFFERS_TOML = ('[other_inflow]\nhalf_life_months = 6\nper_month = { "SEL 108" = 1.5 }\n[deaths]\nenabled = true\nyears = 3\n'
                "[extensions]\nenabled = false\n")
PROGNOSE_TOML = ('[display]\nlang = "da"\nhighlight_percent = 3\n[price_index]\n2025 = 100.0\n2026 = 103.1\n'
                 '[refusion]\nshares = [0.25, 0.5]\nparagraphs = ["SEL 108"]\nmin_age = 18\n[refusion.thresholds]\n2026 = [1_100_000, 2_200_000]\n'
                 '[activity.bands]\n"SEL 85" = { measure = "hours", edges = [3, 6] }\n[billing.outstanding_months]\nprivate = 1.0\n')


def mutated_bytes(text: str, mutations, encodings=("utf-8", "utf-8-sig", "cp1252", "utf-16")) -> bytes:
    for kind, at, noise in mutations:
        text = mutate(text, kind, at, noise)
    encoding = encodings[int(mutations[0][1] * 1000) % len(encodings)]
    return text.encode(encoding, errors="replace")


# the fuzzed CPR number in any of its forms, standing on its own (not inside a longer run of digits)
FUZZED_CPR = re.compile(r"(?<!\d)0?10190\D?1234(?!\d)")


def no_cpr_and_no_control(frame) -> None:
    import polars as pl

    for column in [c for c, t in frame.schema.items() if t == pl.String]:
        for value in frame.get_column(column).drop_nulls().unique().to_list():
            assert not FUZZED_CPR.search(value), (column, value)
            assert not any(ch in value for ch in "\x00\x07\x1b"), (column, value)


def mutations_of(noise):
    kinds = ["drop_char", "insert", "double_line", "drop_line", "cut", "field"]
    return st.lists(st.tuples(st.sampled_from(kinds), st.floats(0, 0.999), st.sampled_from(noise)), min_size=1, max_size=3)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BUFFER_TEXT))
def test_fuzz_buffer_lists_are_read_or_refused_and_keep_no_cpr_number(tmp_path_factory, name):
    from prognose.errors import InputError
    from prognose.io.buffers_io import read_buffers
    from prognose.io.config import load_settings

    base = tmp_path_factory.mktemp("settings")
    options = load_settings(base)
    seen = {"read": 0, "refused": 0}

    @settings(max_examples=KINDS_CASES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(mutations_of(LIST_NOISE))
    def one(mutations):
        buffers = tmp_path_factory.mktemp("buffers")
        (buffers / name).write_bytes(mutated_bytes(BUFFER_TEXT[name], mutations))
        try:
            read = read_buffers(buffers, options, b"fuzz-key")
        except InputError as e:
            assert not any(FUZZED_CPR.search(p.render()) for p in e.problems)
            seen["refused"] += 1
            return
        frame = read.adjustments if name == "adjustments.csv" else read.initiatives
        if frame is not None:
            no_cpr_and_no_control(frame)
        seen["read"] += 1

    one()
    assert seen["read"] and seen["refused"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["prognose.toml", "buffers.toml"])
def test_fuzz_settings_files_are_read_or_refused_naming_what(tmp_path_factory, name):
    from prognose.components import check_config
    from prognose.errors import InputError
    from prognose.io.buffers_io import read_config
    from prognose.io.config import load_settings

    text = PROGNOSE_TOML if name == "prognose.toml" else BUFFERS_TOML
    seen = {"read": 0, "refused": 0}

    @settings(max_examples=KINDS_CASES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(mutations_of(TOML_NOISE))
    def one(mutations):
        ws = tmp_path_factory.mktemp("toml")
        (ws / name).write_bytes(mutated_bytes(text, mutations))
        if name == "prognose.toml":
            try:
                load_settings(ws)
                seen["read"] += 1
            except InputError as e:
                assert e.problems
                seen["refused"] += 1
            return
        config, problem = read_config(ws)
        problems = [problem] if problem else check_config(config)
        seen["refused" if problems else "read"] += 1

    one()
    assert seen["read"] and seen["refused"]
