"""Reading the standard extract: every dialect and format gives the same typed frames."""

import codecs
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import D, tiny_frames, write
from prognose.io.parse import LARGE
from write import PRISME, Dialect, write_csv
from prognose.errors import InputWarning
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


DIALECTS = [Dialect(encoding, newline, "," if decimal == "point" else ";", decimal, dates)
            for encoding in ("utf-8", "utf-8-sig", "cp1252") for newline in ("\n", "\r\n")
            for decimal in ("point", "comma", "grouped") for dates in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_every_dialect_reads_alike(tmp_path, dialect):
    """Every dialect SPEC §1 allows gives the same frames as the international CSV: a small file,
    and postings large enough to be typed once per distinct value."""
    frames = tiny_frames()
    base = read(write(frames, tmp_path / "base", "csv"), tmp_path)
    d = write(frames, tmp_path / "d", "csv")
    for name, frame in frames.items():
        write_csv(frame, d / f"{name}.csv", name, dialect=dialect)
    ex = read(d, tmp_path)
    for name in ("grants", "plan_steps", "postings", "budget"):
        assert_frame_equal(getattr(ex, name), getattr(base, name), check_dtypes=False)
    dialects = {f.name: f.dialect for f in ex.files}
    assert dialects["postings"]["encoding"] == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}[
        dialect.encoding]


@pytest.mark.parametrize("dialect", [PRISME, Dialect("utf-8-sig", "\r\n", ";", "grouped", "%d.%m.%Y"), Dialect()],
                         ids=lambda d: d.name)
def test_a_large_file_reads_alike_in_every_dialect(tmp_path, dialect):
    frames = tiny_frames()
    n = LARGE // frames["postings"].height + 1
    frames["postings"] = pl.concat([frames["postings"]] * n)
    base = read(write(frames, tmp_path / "base", "csv"), tmp_path)
    d = write(frames, tmp_path / "d", "csv")
    write_csv(frames["postings"], d / "postings.csv", "postings", dialect=dialect)
    assert_frame_equal(read(d, tmp_path).postings, base.postings)


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


LINE_KINDS = ["", ";;", "   ", "2025-01-01;1.234,50;5.38.50", " 5.38.50 ;x;", '"a;b";"q";æøå', "-5;\t7", "1;2", "1;2;3;4",
              "31.03.2025;-7,5;Løn fastansatte", "\xa0x\x0c;\x1c;€ ", "a;b\r;c", " ;\t; "]
ROWS = [k for k in LINE_KINDS if k.count(";") == 2 and '"' not in k]     # as a plain export's lines are
HEADER = "posting_date;amount;account"
KNOWN = frozenset(HEADER.split(";"))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINE_KINDS), max_size=12) | st.lists(st.sampled_from(ROWS), max_size=12),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_every_reading_of_a_file_is_the_csv_modules(lines, encoding, newline, trailing, title):
    """Whichever way polars reads a file (its fields once, or its lines and fields), or the csv
    module does, in every encoding and with either line end: the same rows, line numbers,
    problems and skipped lines as the csv module's reading of the text, once cells are trimmed."""
    from prognose.io.csv_read import _rows_with_csv_module, read_csv_bytes
    from prognose.io.table import trimmed

    text = ("Posteringer;;\n" if title else "") + HEADER + "\n" + "\n".join(lines) + ("\n" if trailing else "")
    table = read_csv_bytes(text.replace("\n", newline).encode(encoding), Path("p.csv"), "postings", KNOWN)
    frame, problems, skipped, _ = _rows_with_csv_module(text.replace("\r", "\n"), ";", "p.csv", 1 + title)
    read = table.frame.with_columns(trimmed(pl.col(c)).alias(c) for c in HEADER.split(";")) if table.padded else table.frame
    assert_frame_equal(read, frame)
    assert table.problems == problems
    assert table.warnings == InputWarning.rows("title_row", "p.csv", [1] if title else []) + \
        InputWarning.rows("separator_row", "p.csv", skipped)
    plain = text.isascii() or (encoding == "cp1252" and not any(ch in text for ch in "æøåø€\xa0"))
    assert table.dialect["encoding"] == ("UTF-8 with BOM" if encoding == "utf-8-sig" else
                                         "UTF-8" if encoding == "utf-8" or plain else "Windows-1252")


@pytest.mark.parametrize("body, read", [
    ("2025-01-01;1,50;5.38.50\n2025-01-02;2;5.38.51\n", True),
    ("2025-01-01; 1,50 ;5.38.50\n2025-01-02;;\n", True),             # blanks and empty cells: read, then trimmed
    ("2025-01-01;1,50;5.38.50\n\n2025-01-02;2;5.38.51\n", False),     # a blank line
    ("2025-01-01;1,50;5.38.50\n;;\n", False),                         # only separators
    ("2025-01-01;1,50\n2025-01-02;2;\n", False),                      # a line short of a field
    ("2025-01-01;1,50;5.38.50;\n", False),                             # one field too many
    ('2025-01-01;"1,50";5.38.50\n', False),                            # quoted
])
def test_fields_are_read_once_where_every_line_is_a_plain_row(body, read):
    from prognose.io.csv_read import _rows_by_fields

    data = (HEADER + "\r\n" + body.replace("\n", "\r\n")).encode()
    frame = _rows_by_fields(data, data, HEADER.split(";"), len(HEADER) + 2, 0, ";")
    assert (frame is not None) == read
    if read:
        assert frame.get_column("_line").to_list() == list(range(2, 2 + body.count("\n")))


def test_a_utf16_file_as_excel_saves_unicode_text_is_read(tmp_path):
    """Item 21: a UTF-16 adjustments file was reported as "8 fields separated by ';', found 1"."""
    from prognose.io.raw import load_raw

    text = "account;year;amount;note\r\n5.38.50;2026;1.000,00;Forlig med Ærø\r\n"
    (tmp_path / "adjustments.csv").write_bytes(text.encode("utf-16"))
    raw = load_raw(tmp_path / "adjustments.csv", "adjustments", frozenset({"account", "year", "amount", "note"}))
    assert not raw.problems and raw.frame.get_column("note").to_list() == ["Forlig med Ærø"]
    assert raw.dialect["encoding"] == "UTF-16"
