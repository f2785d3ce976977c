"""Typing raw columns: the large-file paths (each distinct value parsed once) agree with the
row-by-row rules, and typed parquet amounts are taken to the øre or reported."""

from decimal import Decimal
from pathlib import Path

import polars as pl

from conftest import D
from prognose.io.parse import LARGE, parse_table
from prognose.io.raw import RawTable
from prognose.schema import LINE
from prognose.schema import SPECS


def raw(frame: pl.DataFrame) -> RawTable:
    frame = frame.with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    return RawTable("postings", Path("postings.parquet"), frame, {"format": "parquet"})


def postings(n: int, source, period, amount, dtype=pl.Decimal(18, 2)) -> pl.DataFrame:
    return pl.DataFrame({
        "posting_date": [D(2025, 3, 10)] * n, "period": period, "account": ["5.38.50"] * n,
        "amount": pl.Series(amount, dtype=dtype), "art": ["4.9"] * n, "citizen_id": [None] * n,
        "grant_id": [None] * n, "source": source, "text": ["Faktura"] * n})


def test_large_file_choices_in_standard_form_mapped_and_wrong():
    n = LARGE + 10
    amounts = [Decimal("12.50")] * n
    standard = raw(postings(n, ["finance", "payroll"] * (n // 2), [D(2025, 3, 1)] * n, amounts))
    typed = parse_table(standard, SPECS["postings"])
    assert not standard.problems
    assert typed.get_column("source").value_counts().sort("source").rows() == [("finance", n // 2), ("payroll", n // 2)]
    danish = ["løn"] * (n - 2) + ["Økonomi", "bogus"]
    table = raw(postings(n, danish, [D(2025, 3, 17)] * n, amounts))   # a period given as a date inside the month
    typed = parse_table(table, SPECS["postings"])
    assert typed.get_column("source").head(2).to_list() == ["payroll", "payroll"]
    assert typed.get_column("source")[n - 2] == "finance"
    assert [(p.line, p.column, p.value) for p in table.problems] == [(n, "source", "bogus")]
    assert typed.get_column("period").unique().to_list() == [D(2025, 3, 1)]
    missing = raw(postings(n, ["finance"] * (n - 1) + [None], [D(2025, 3, 1)] * n, amounts))
    typed = parse_table(missing, SPECS["postings"])   # source may be left out
    assert not missing.problems and typed.get_column("source").null_count() == 1


def test_typed_decimal_amounts_to_the_ore():
    two = raw(postings(3, ["finance"] * 3, [D(2025, 3, 1)] * 3, [Decimal("1234.56"), Decimal("-0.01"), Decimal("7")]))
    assert parse_table(two, SPECS["postings"]).get_column("amount").to_list() == [123456, -1, 700]
    three = raw(postings(2, ["finance"] * 2, [D(2025, 3, 1)] * 2, [Decimal("1.230"), Decimal("1.235")],
                         dtype=pl.Decimal(18, 3)))
    typed = parse_table(three, SPECS["postings"])
    assert typed.get_column("amount").to_list()[0] == 123
    assert [(p.line, p.column, p.value) for p in three.problems] == [(2, "amount", "1.235")]


def test_large_file_text_taken_as_stored_and_empty_text_is_missing():
    n = LARGE + 10
    frame = postings(n, ["finance"] * n, [D(2025, 3, 1)] * n, [Decimal("1")] * n)
    typed = parse_table(raw(frame), SPECS["postings"])
    assert typed.get_column("text").null_count() == 0 and typed.get_column("account").null_count() == 0
    with_empty = frame.with_columns(pl.Series("text", ["Faktura"] * (n - 1) + [""]),
                                    pl.Series("account", ["5.38.50"] * (n - 1) + [""]))
    table = raw(with_empty)
    typed = parse_table(table, SPECS["postings"])
    assert typed.get_column("text")[n - 1] is None
    assert [(p.line, p.column) for p in table.problems] == [(n, "account")]   # account is required


def test_large_file_cells_with_blanks_read_as_the_csv_module_trims_them():
    """A large file read as written (a CSV file's fields, a parquet file's text): blanks around a
    value are taken away, a value of only blanks is missing, as in a small file."""
    n = LARGE + 10
    text = pl.DataFrame({
        "posting_date": ["2025-03-10"] * (n - 1) + [" 2025-03-11\t"], "period": ["2025-03"] * n,
        "account": ["5.38.50"] * (n - 1) + ["\xa05.38.50 "], "amount": ["1.50"] * (n - 2) + [" -2.25", " "],
        "art": [None] * n, "citizen_id": [None] * n, "grant_id": ["G1"] * (n - 1) + ["  "],
        "source": ["finance"] * n, "text": ["Faktura "] * n})
    table = raw(text)
    typed = parse_table(table, SPECS["postings"])
    assert [(p.line, p.column, p.value) for p in table.problems] == [(n, "amount", "")]
    assert typed.get_column("posting_date")[n - 1] == D(2025, 3, 11)
    assert typed.get_column("account").unique().to_list() == ["5.38.50"]
    assert typed.get_column("amount")[n - 2] == -225
    assert typed.get_column("grant_id")[n - 1] is None and typed.get_column("text").unique().to_list() == ["Faktura"]
def test_a_parquet_decimal_amount_has_the_same_13_digit_limit_as_text(tmp_path, runner):
    """Item 8: a 38-digit decimal skipped the limit (10¹⁵ kr. accepted, 10²⁰ an internal error)."""
    from decimal import Decimal

    from conftest import invoke, tiny_frames, write

    write(tiny_frames(), tmp_path / "data", "parquet")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    budget = pl.DataFrame({"account": ["5.38.50", "5.38.38", "5.38.50"], "year": [2025, 2025, 2024],
                           "amount": pl.Series([Decimal(10) ** 15, Decimal(10) ** 20, Decimal("1100000.00")], dtype=pl.Decimal(38, 2))})
    budget.write_parquet(tmp_path / "data" / "budget.parquet")
    out = invoke(runner, "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(tmp_path))
    assert out.exit_code == 2 and "budget.parquet, line 1, column amount" in out.stderr and "line 2" in out.stderr, out.stderr
