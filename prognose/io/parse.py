"""Giving raw columns their types, collecting a Problem for every value that does not fit.

The decimal style (international `1234.50` or Danish `1.234,50`) is detected once per file from
all its numeric columns; dates may be ISO or Danish (the three forms are unambiguous). Nothing
is coerced: a value that does not parse is reported with its file, line, column and value. Cells
a reader left with blanks around them (RawTable.padded) are trimmed first, as the csv module's
reading trims them; in a large file each column is looked at once per distinct value.
"""

from __future__ import annotations

import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.io.table import BLANKS, RawTable, trimmed
from prognose.schema import LINE
from prognose.paragraphs import normalise_paragraph
from prognose.schema import Column
from prognose.words.message import Message

MAX_SHOWN = 20
_NUMERIC_KINDS = ("money", "number", "probability")
# A thousands group never follows a leading 0: `0.005` in a file whose thousands separator is
# the dot is a malformed number, not 5.
_DK = r"^[+-]?([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d+)?$"
MAX_KRONER_DIGITS = 12          # amounts up to 999.999.999.999 kr.; more is a typing error, not money
_MIDNIGHT = r"[ T]00:00(:00(\.0+)?)?$"
_INTL = r"^[+-]?\d+(\.\d+)?$"
_GROUPS = MAX_KRONER_DIGITS // 3 - 1    # thousands groups after the first (1.234.567.890 has three)
_DK_ORE = rf"^[+-]?([1-9]\d{{0,2}}(\.\d{{3}}){{1,{_GROUPS}}}|0*\d{{1,{MAX_KRONER_DIGITS}}})(,\d{{1,2}}0*)?$"
_INTL_ORE = rf"^[+-]?0*\d{{1,{MAX_KRONER_DIGITS}}}(\.\d{{1,2}}0*)?$"


def apply_mapping(table: RawTable, mapping: dict[str, str], spec: tuple[Column, ...]) -> RawTable:
    """Rename the file's columns onto the standard names (configured mapping, case-insensitive)."""
    wanted = {c.name for c in spec}
    lowered = {k.strip().lower(): v for k, v in mapping.items()}
    renames = {}
    for col in table.frame.columns:
        if col == LINE:
            continue
        target = lowered.get(col.strip().lower())
        if target is None and col.strip().lower() in wanted:
            target = col.strip().lower()
        if target is not None and target != col:
            renames[col] = target
    taken = [renames.get(c, c) for c in table.frame.columns]
    dupes = sorted({c for c in taken if taken.count(c) > 1})
    if dupes:
        table.problems.append(Problem(table.path.name, 1, ", ".join(dupes), None,
                                      "each standard column once (check the column mapping in prognose.toml)"))
        return table
    table.frame = table.frame.rename(renames)
    return table


def detect_decimal(frame: pl.DataFrame, columns: list[str], separator: str | None) -> str:
    """Danish where a number has a decimal comma or two thousands dots, or where on a semicolon file
    every number with a dot has it as thousands dots; else international. (Asked of every numeric
    column at once, each value looked at in place.)"""
    texts = [c for c in columns if c in frame.columns and frame.schema[c] == pl.String]
    if not texts:
        return "international"
    any_of = lambda test: pl.any_horizontal(test(pl.col(c)).any() for c in texts)  # noqa: E731
    comma = frame.lazy().select(any_of(lambda c: c.str.contains(",", literal=True))).collect().item()
    if comma:
        return "danish"
    dotted, grouped, other = frame.lazy().select(
        any_of(lambda c: c.str.contains(".", literal=True)).alias("dotted"),
        any_of(lambda c: c.str.contains(r"^[+-]?\d{1,3}(\.\d{3}){2,}$")).alias("grouped"),
        any_of(lambda c: c.str.contains(".", literal=True) & ~c.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+$")).alias("other")
    ).collect().row(0)
    if grouped or (separator == "semicolon" and dotted and not other):
        return "danish"
    return "international"


def _normalised_number(expr: pl.Expr, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    """(is_valid, text in international form) for a text column."""
    if decimal == "danish":
        valid = expr.str.contains(_DK)
        text = expr.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        valid = expr.str.contains(_INTL)
        text = expr
    return valid, text.str.strip_prefix("+")


def _money_to_ore(expr: pl.Expr, dtype: pl.DataType, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    if dtype == pl.String:
        # one pattern says it all: the file's decimal style, whole øre (trailing zeros aside) and at most
        # MAX_KRONER_DIGITS digits of kroner (leading zeros aside); the decimal's unscaled integer is then
        # the amount in øre, exactly
        valid = expr.str.contains(_DK_ORE if decimal == "danish" else _INTL_ORE)
        _, text = _normalised_number(expr, decimal)
        ore = pl.when(valid).then(text.cast(pl.Decimal(38, 2), strict=False).to_physical().cast(pl.Int64))
        return ore, valid
    limit = 10 ** MAX_KRONER_DIGITS
    if dtype.is_integer():
        valid = expr.abs() < limit
        return pl.when(valid).then(expr.cast(pl.Int64) * 100), valid
    if isinstance(dtype, pl.Decimal):
        # the same limit as a text amount: a 38-digit decimal holds sums no municipality books
        in_range = expr.cast(pl.Float64).abs() < limit
        scaled = expr.cast(pl.Decimal(38, 2), strict=False)
        whole = pl.lit(True) if dtype.scale is not None and dtype.scale <= 2 else scaled == expr   # whole øre
        valid = in_range & whole
        return pl.when(valid).then(scaled.to_physical().cast(pl.Int64, strict=False)), valid
    scaled = expr.cast(pl.Float64) * 100
    rounded = scaled.round(0)
    valid = ((scaled - rounded).abs() < 1e-6) & (scaled.abs() < limit * 100)
    return pl.when(valid).then(rounded.cast(pl.Int64)), valid


def _parse_expr(col: Column, dtype: pl.DataType, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, is_valid) for a present, non-null raw value."""
    c = pl.col(col.name)
    if col.kind == "date":
        if dtype == pl.Date:
            return c, pl.lit(True)
        if isinstance(dtype, pl.Datetime):
            return c.dt.date(), pl.lit(True)
        s = c.cast(pl.String)
        parsed = pl.coalesce(
            s.str.to_date("%Y-%m-%d", strict=False),
            s.str.to_date("%d-%m-%Y", strict=False),
            s.str.to_date("%d.%m.%Y", strict=False),
        )
        return parsed, parsed.is_not_null()
    if col.kind == "money":
        return _money_to_ore(c, dtype, decimal)
    if col.kind in ("number", "probability"):
        if dtype == pl.String:
            valid, text = _normalised_number(c, decimal)
            value = pl.when(valid).then(text.cast(pl.Float64, strict=False))
        else:
            value = c.cast(pl.Float64)
            valid = value.is_finite()
        if col.kind == "probability":
            valid = valid & (value >= 0) & (value <= 1)
        valid = valid & (value.abs() < 10 ** MAX_KRONER_DIGITS)   # a rate beyond any budget is a typing error
        return value, valid
    if col.kind == "int":
        if dtype == pl.String:
            value = c.cast(pl.Int64, strict=False)
            valid = c.str.contains(r"^[+-]?\d+$") & value.is_not_null()   # too large for the type: not valid
            return pl.when(valid).then(value), valid
        value = c.cast(pl.Float64)
        valid = value == value.round(0)
        return pl.when(valid).then(value.cast(pl.Int64)), valid
    if col.kind == "period":
        if dtype == pl.Date or isinstance(dtype, pl.Datetime):
            return c.cast(pl.Date).dt.month_start(), pl.lit(True)
        s = c.cast(pl.String)
        parsed = pl.coalesce(
            (s + "-01").str.to_date("%Y-%m-%d", strict=False),
            s.str.to_date("%Y-%m-%d", strict=False).dt.month_start(),
            ("01-" + s).str.to_date("%d-%m-%Y", strict=False),
        )
        return parsed, parsed.is_not_null()
    if col.kind == "choice":
        s = c.cast(pl.String).str.strip_chars().str.to_lowercase()
        mapped = s.replace(dict(col.aliases)) if col.aliases else s
        return mapped, mapped.is_in(list(col.choices))
    if col.kind == "paragraph":
        value = normalise_paragraph(c.cast(pl.String))
        return value, value.is_not_null()
    s = c.cast(pl.String).str.strip_chars()
    return s, pl.lit(True)


LARGE = 50_000   # rows from which a column is parsed once per distinct value, and long text taken as stored
_DTYPES = {"date": pl.Date, "money": pl.Int64, "number": pl.Float64, "probability": pl.Float64,
           "int": pl.Int64, "period": pl.Date}


def parse_table(table: RawTable, spec: tuple[Column, ...], cpr_columns: tuple[str, ...] = ()) -> pl.DataFrame:
    """Type every standard column; problems go to `table.problems`. Returns the typed frame."""
    frame = table.frame
    fname = table.path.name
    missing = [c.name for c in spec if c.required and c.name not in frame.columns]
    if missing:
        # a file without its header has a data row there (ids, dates, amounts): never echo that
        names = [c for c in frame.columns if c != LINE]
        found = (f"{len(names)} columns whose names hold digits, as data does" if any(ch.isdigit() for n in names for ch in n)
                 else ", ".join(names) or "none")
        table.problems.append(Problem(fname, 1, ", ".join(missing), None,
                                      f"the column(s) to be present (found: {found}); "
                                      f"map other names in prognose.toml [columns.{table.name}]"))
        return pl.DataFrame()
    frame, distinct = _trim_blanks(frame, spec) if table.padded else (frame, {})
    frame = _read_as_controllers_would(table, frame, spec, distinct)
    typed, counts = _typed(table, frame, spec, distinct)
    # a number is looked at for blanks around it only where it does not read as it stands
    blanked = [c.name for c in spec if counts.get(c.name) and c.kind in _NUMERIC_KINDS and frame.schema[c.name] == pl.String]
    if table.padded and frame.height >= LARGE and blanked:
        frame = frame.with_columns(trimmed(pl.col(n)).alias(n) for n in blanked)
        typed, counts = _typed(table, frame, spec, distinct)
    table.distinct = {c.name: distinct[c.name] for c in spec if c.kind == "text" and c.name in distinct}
    for col in spec:
        n = counts.get(col.name)
        if not n:
            continue
        shown = (frame.select(LINE, pl.col(col.name).cast(pl.String))
                 .filter(typed.get_column(f"_bad_{col.name}")).head(MAX_SHOWN))
        for line, value in shown.iter_rows():
            if col.name in cpr_columns and value is not None:
                value = "(a citizen id)"
            table.problems.append(Problem(fname, line, col.name, value if value is not None else "", col.expected()))
        if n > MAX_SHOWN:
            table.problems.append(Problem(fname, None, col.name, None,
                                          f"{n - MAX_SHOWN} more value(s) in this column like the ones above"))
    return typed.drop([f"_bad_{c}" for c in counts])


def _typed(table: RawTable, frame: pl.DataFrame, spec: tuple[Column, ...],
           distinct: dict[str, pl.Series]) -> tuple[pl.DataFrame, dict[str, int]]:
    """The typed frame with a `_bad_<column>` flag beside each column read, and the count of bad
    values per column; the decimal style and date forms found go to the table's dialect."""
    numeric = [c.name for c in spec if c.kind in _NUMERIC_KINDS]
    decimal = detect_decimal(frame, numeric, table.dialect.get("separator"))
    if table.dialect.get("format") != "parquet":
        table.dialect["decimal"] = "Danish (1.234,50)" if decimal == "danish" else "international (1234.50)"
    dates = [c.name for c in spec if c.kind == "date" and c.name in frame.columns and frame.schema[c.name] == pl.String]
    if dates:
        table.dialect["dates"] = _date_styles(frame, dates, distinct)
    columns = [pl.col(LINE)]
    flags = {}
    for col in spec:
        if col.name not in frame.columns:
            columns.append(pl.lit(None, dtype=_DTYPES.get(col.kind, pl.String)).alias(col.name))
            continue
        value, bad = _parse_column(frame, col, decimal, distinct.get(col.name))
        columns.append(value.alias(col.name))
        flags[col.name] = bad.alias(f"_bad_{col.name}")
    typed = frame.lazy().select(*columns, *flags.values()).collect()   # lazy: a pattern used twice runs once
    counts = typed.select(pl.col(f"_bad_{n}").sum().alias(n) for n in flags).row(0, named=True) if flags else {}
    return typed, counts


def _read_as_controllers_would(table: RawTable, frame: pl.DataFrame, spec: tuple[Column, ...],
                               distinct: dict[str, pl.Series]) -> pl.DataFrame:
    """Dates written with a midnight time (`2020-07-21 00:00:00`, as SQL exports write them) are
    the date; a paragraph with its subsection (`SEL § 85, stk. 1`) is the paragraph. Each is
    read so, and said in a warning. (Looked for among a column's distinct values where known.)"""
    for col in spec:
        if col.name not in frame.columns or frame.schema[col.name] != pl.String:
            continue
        if col.kind == "date":
            pattern, kind = _MIDNIGHT, "midnight_time"
        elif col.kind == "paragraph":
            pattern, kind = r"(?i)stk\.?\s*\d", "paragraph_subsection"
        else:
            continue
        values = distinct[col.name] if col.name in distinct else frame.get_column(col.name)
        if kind == "midnight_time" and not (values.str.len_bytes().max() or 0) > 10:
            continue    # no value longer than a date: no time to look for
        if not values.str.contains(pattern).any():
            continue
        lines = frame.filter(pl.col(col.name).str.contains(pattern).fill_null(False)).get_column(LINE)
        table.warnings += [InputWarning(kind, table.path.name, tuple(lines.head(5).to_list()), lines.len(),
                                        Message("warning.column", column=col.name))]
        if kind == "midnight_time":
            frame = frame.with_columns(pl.col(col.name).str.replace(_MIDNIGHT, ""))
            distinct.pop(col.name, None)
    return frame


def _trim_blanks(frame: pl.DataFrame, spec: tuple[Column, ...]) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The frame with the blanks around its text cells taken away (an empty cell missing), and, in
    a large file, each column's distinct values (the parsing after maps them back). There a column
    is trimmed only where one of its distinct values has blanks, and numbers (nearly all distinct)
    are left to parse_table."""
    text = [c.name for c in spec if c.name in frame.columns and frame.schema[c.name] == pl.String]
    if frame.height < LARGE:
        return frame.with_columns(trimmed(pl.col(n)).alias(n) for n in text), {}
    text = [n for n in text if n not in {c.name for c in spec if c.kind in _NUMERIC_KINDS}]   # see parse_table
    found = frame.lazy().select(pl.col(n).unique().implode() for n in text).collect()
    distinct = {n: found.get_column(n)[0] for n in text}
    padded = [n for n in text if _has_blanks(distinct[n])]
    for n in padded:
        distinct[n] = pl.select(trimmed(pl.lit(distinct[n])).unique()).to_series().rename(n)
    return frame.with_columns(trimmed(pl.col(n)).alias(n) for n in padded), distinct


def _has_blanks(values: pl.Series) -> bool:
    return bool(((values.str.len_bytes() == 0) | (values.str.strip_chars(BLANKS) != values)).any())


def _parse_column(frame: pl.DataFrame, col: Column, decimal: str, uniques: pl.Series | None) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, is_bad) for one column. A column with few distinct values (accounts, codes,
    periods, kinds) is parsed once per distinct value (`uniques`, where already known) and mapped
    back: the same result, without running string functions over millions of rows."""
    dtype = frame.schema[col.name]
    raw = pl.col(col.name)
    if (col.kind == "date" and dtype == pl.Date) or (col.kind == "text" and dtype == pl.String and frame.height >= LARGE):
        # already typed (parquet): only presence to check. Large text columns are taken as
        # stored (trimmed, where they needed it, before: no copy)
        return raw, (raw.is_null() if col.required else pl.lit(False))
    present = raw.is_not_null()     # text cells are trimmed by now, an empty one missing
    value, valid = _parse_expr(col, dtype, decimal)
    bad = present & ~valid.fill_null(False)
    if col.required:
        bad = bad | ~present
    typed = pl.when(present).then(value)
    if frame.height < LARGE or col.kind == "money":   # amounts are nearly all distinct: no gain in mapping
        return typed, bad
    if uniques is None:
        uniques = frame.lazy().select(raw.unique()).collect().to_series()   # lazy: 2–3 × faster on millions of strings
    if uniques.len() * 20 > frame.height:
        return typed, bad
    lookup = pl.DataFrame({col.name: uniques}).select(pl.col(col.name), typed.alias("_v"), bad.alias("_b"))
    present_values = lookup.filter(pl.col(col.name).is_not_null())
    if (lookup.schema["_v"] == dtype and not present_values.get_column("_b").any()
            and present_values.select((pl.col("_v") == pl.col(col.name)).all()).item()):
        # every value is already in its standard form (e.g. `finance`): nothing to map
        return raw, (raw.is_null() if col.required else pl.lit(False))
    old = lookup.get_column(col.name)
    value_map = raw.replace_strict(old, lookup.get_column("_v"), default=None)
    if not lookup.get_column("_b").any():       # no value is bad (a missing one neither): nothing to map
        return value_map, pl.lit(False)
    bad_map = raw.replace_strict(old, lookup.get_column("_b"), default=None)
    if old.null_count():  # replace_strict cannot key on null: take the null row's results directly
        null_row = lookup.filter(pl.col(col.name).is_null())
        value_map = pl.when(raw.is_null()).then(pl.lit(null_row.get_column("_v")[0], dtype=lookup.schema["_v"])).otherwise(value_map)
        bad_map = pl.when(raw.is_null()).then(pl.lit(null_row.get_column("_b")[0])).otherwise(bad_map)
    return value_map, bad_map


def _date_styles(frame: pl.DataFrame, columns: list[str], distinct: dict[str, pl.Series]) -> str:
    values = pl.concat([(distinct[c] if c in distinct else frame.get_column(c)).drop_nulls() for c in columns]).unique()
    styles = []
    for label, pattern in (("ISO (2025-03-31)", r"^\d{4}-\d{2}-\d{2}$"), ("Danish (31-03-2025)", r"^\d{2}-\d{2}-\d{4}$"),
                           ("Danish (31.03.2025)", r"^\d{2}\.\d{2}\.\d{4}$")):
        if values.str.contains(pattern).any():
            styles.append(label)
    return ", ".join(styles) or "none found"
