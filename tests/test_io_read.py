"""Reading the standard extract: every dialect and format gives the same typed frames."""

import codecs

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import D, tiny_frames, write
from prognose.io.config import load_settings
from prognose.io.extract import read_extract

KEY = b"k"


def read(directory, tmp_path, toml=""):
    (tmp_path / "prognose.toml").write_text(toml, encoding="utf-8")
    return read_extract(directory, load_settings(tmp_path), KEY)


@pytest.mark.parametrize("layout", ["csv", "parquet", "mixed"])
def test_layouts_read_alike(tmp_path, layout):
    base = read(write(tiny_frames(), tmp_path / "a", "csv"), tmp_path)
    other = read(write(tiny_frames(), tmp_path / "b", layout), tmp_path)
    for name in ("grants", "plan_steps", "postings", "budget"):
        assert_frame_equal(getattr(base, name), getattr(other, name), check_dtypes=False)


def test_danish_dialect_windows_1252_semicolon_decimal_comma(tmp_path):
    d = tmp_path / "dk"
    write(tiny_frames(), d, "csv")
    text = (d / "postings.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    dk = ["posting_date;period;account;amount;art;citizen_id;grant_id;source;text",
          "10.02.2025;2025-02;5.38.50;100.000,00;4.9;010190-1234;G1;finance;Faktura jan",
          "10-03-2025;2025-03;5.38.50;100.000,50;4.9;010190-1234;G1;økonomi;Faktura feb",
          "28-04-2025;2025-04;5.38.38;1.234.567,89;1.1;;;løn;Løn",
          "15-01-2025;2024-12;5.38.50;-5,00;;;;finance;Kreditnota"]
    assert len(lines) == 5
    (d / "postings.csv").write_bytes("\r\n".join(dk).encode("cp1252"))
    ex = read(d, tmp_path)
    assert ex.postings.get_column("amount").to_list() == [10_000_000, 10_000_050, 123_456_789, -500]
    assert ex.postings.get_column("source").to_list() == ["finance", "finance", "payroll", "finance"]
    assert ex.postings.get_column("posting_date").to_list()[:2] == [D(2025, 2, 10), D(2025, 3, 10)]
    dialect = next(f.dialect for f in ex.files if f.name == "postings")
    assert dialect["encoding"] == "Windows-1252" and dialect["separator"] == "semicolon"
    assert dialect["decimal"].startswith("Danish")


def test_utf8_bom_is_read(tmp_path):
    d = write(tiny_frames(), tmp_path / "bom", "csv")
    (d / "budget.csv").write_bytes(codecs.BOM_UTF8 + (d / "budget.csv").read_bytes())
    ex = read(d, tmp_path)
    assert ex.budget.height == 3
    assert next(f.dialect for f in ex.files if f.name == "budget")["encoding"] == "UTF-8 with BOM"


def test_danish_thousands_without_decimals_on_semicolon_file(tmp_path):
    d = write(tiny_frames(), tmp_path / "t", "csv")
    (d / "budget.csv").write_text("account;year;amount\n5.38.50;2025;1.300.000\n5.38.38;2025;9.000.000\n5.38.50;2024;12.500\n")
    assert read(d, tmp_path).budget.get_column("amount").to_list() == [130_000_000, 900_000_000, 1_250_000]


def test_paragraph_spellings_are_normalised(tmp_path):
    frames = tiny_frames()
    spellings = ["SEL 85", "SEL §85", "§ 85", "§85", "85", "Serviceloven § 85", "ABL 105", "ABL §105", "§ 105 ABL",
                 "Almenboligloven § 105", "STU", "SEL 108"]
    n = len(spellings)
    g = frames["grants"]
    frames["grants"] = pl.concat([g.head(1)] * n).with_columns(
        pl.Series("grant_id", [f"G{i}" for i in range(n)]), pl.Series("paragraph", spellings))
    frames["plan_steps"] = frames["plan_steps"].with_columns(pl.lit("G1").alias("grant_id"))
    ex = read(write(frames, tmp_path / "p"), tmp_path)
    assert ex.grants.get_column("paragraph").to_list() == ["SEL 85"] * 6 + ["ABL 105"] * 4 + ["STU", "SEL 108"]


def test_account_from_paragraph_map_and_cpr_becomes_pseudonym_with_birth_date(tmp_path):
    ex = read(write(tiny_frames(), tmp_path / "m"), tmp_path)
    g = ex.grants.sort("grant_id")
    assert g.get_column("account").to_list() == ["5.38.50", "5.38.38"]
    ids = g.get_column("citizen_id").to_list()
    assert ids[0].startswith("P") and "1234" not in ids[0] and ids[1] == "P-ANON-7"
    assert g.get_column("birth_date").to_list()[0] == D(1990, 1, 1)
    assert "010190" not in " ".join(ex.postings.get_column("text").to_list())


def test_pseudonym_is_keyed_hmac_sha256_of_the_ten_digits():
    """Pseudonyms must stay the same from one version to the next (snapshots and diff compare them)."""
    import hashlib
    import hmac

    from prognose.privacy import pseudonym

    for key in (b"k", b"x" * 100):                     # a key longer than SHA-256's block is hashed first
        expected = "P" + hmac.digest(key, b"0102031234", hashlib.sha256).hex()[:12]
        assert pseudonym(key, "010203-1234") == pseudonym(key, "0102031234") == expected
    assert pseudonym(b"k", "0102031234") != pseudonym(b"other", "0102031234")


def test_column_mapped_opus_export(tmp_path):
    d = write(tiny_frames(), tmp_path / "opus", "csv")
    danish = {"posting_date": "Bogføringsdato", "period": "Periode", "account": "Funktion", "amount": "Beløb",
              "art": "Art", "citizen_id": "CPR", "grant_id": "Sagsnr", "source": "Kilde", "text": "Tekst"}
    p = pl.read_csv(d / "postings.csv", infer_schema=False).rename(danish)
    (d / "postings.csv").unlink()
    p.write_csv(d / "postings.csv", separator=";")
    mapping = "[columns.postings]\n" + "\n".join(f'"{v}" = "{k}"' for k, v in danish.items())
    mapped = read(d, tmp_path, mapping)
    plain = read(write(tiny_frames(), tmp_path / "plain", "csv"), tmp_path)
    assert_frame_equal(mapped.postings, plain.postings)


def test_cpr_century_rule():
    from prognose.privacy import birth_date_from_cpr

    cprs = ["0101901234", "010105-4321", "010158-5000", "010137-9000", "311299-3999", "010100-4000"]
    out = pl.select(birth_date_from_cpr(pl.Series(cprs))).to_series().to_list()
    assert out == [D(1990, 1, 1), D(2005, 1, 1), D(1858, 1, 1), D(1937, 1, 1), D(1999, 12, 31), D(2000, 1, 1)]


LINE_KINDS = ["", ";;", "   ", "2025-01-01;1.234,50;5.38.50", " 5.38.50 ;x;", '"a;b";"q";æøå', "-5;\t7", "1;2", "1;2;3;4"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_KINDS), max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_polars_and_the_csv_module_read_a_file_alike(lines, newline, trailing):
    """Where every line is one row, polars reads the file; the csv module reads the rest. Both must
    give the same rows, line numbers, problems and skipped lines."""
    from prognose.io import raw

    text = ("posting_date;amount;account\n" + "\n".join(lines) + ("\n" if trailing else "")).replace("\n", newline)
    text = text.replace("\r\n", "\n")
    data = raw._utf8(text)
    fast = raw._rows_vectorised(raw._line_facts(data, 0, ";"), data, ["posting_date", "amount", "account"], 0, ";", "p.csv")
    slow = raw._rows_with_csv_module(text, ";", "p.csv", 1)
    assert fast is not None
    assert_frame_equal(fast[0], slow[0])
    assert fast[1:] == slow[1:]


def test_a_utf16_file_as_excel_saves_unicode_text_is_read(tmp_path):
    """Item 21: a UTF-16 adjustments file was reported as "8 fields separated by ';', found 1"."""
    from prognose.io.raw import load_raw

    text = "account;year;amount;note\r\n5.38.50;2026;1.000,00;Forlig med Ærø\r\n"
    (tmp_path / "adjustments.csv").write_bytes(text.encode("utf-16"))
    raw = load_raw(tmp_path / "adjustments.csv", "adjustments", frozenset({"account", "year", "amount", "note"}))
    assert not raw.problems and raw.frame.get_column("note").to_list() == ["Forlig med Ærø"]
    assert raw.dialect["encoding"] == "UTF-16"
