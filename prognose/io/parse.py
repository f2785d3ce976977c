"""Giving raw columns their types, collecting a Problem for every value that does not fit.

The decimal style (international `1234.50` or Danish `1.234,50`) is detected once per file from
all its numeric columns; dates may be ISO or Danish (the three forms are unambiguous). Nothing
is coerced: a value that does not parse is reported with its file, line, column and value.
"""

from __future__ import annotations

import polars as pl

from prognose.errors import InputWarning, Problem
from prognose.io.raw import RawTable
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
    texts = [frame.get_column(c) for c in columns if c in frame.columns and frame.schema[c] == pl.String]
    if not texts:
        return "international"
    values = pl.concat([t.drop_nulls() for t in texts]) if texts else pl.Series([], dtype=pl.String)
    if values.str.contains(",", literal=True).any():
        return "danish"
    if values.str.contains(r"^[+-]?\d{1,3}(\.\d{3}){2,}$").any():
        return "danish"
    dotted = values.filter(values.str.contains(".", literal=True))
    if separator == "semicolon" and dotted.len() > 0 and dotted.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+$").all():
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
    frame = _read_as_controllers_would(table, spec)
    numeric = [c.name for c in spec if c.kind in _NUMERIC_KINDS]
    decimal = detect_decimal(frame, numeric, table.dialect.get("separator"))
    if table.dialect.get("format") != "parquet":
        table.dialect["decimal"] = "Danish (1.234,50)" if decimal == "danish" else "international (1234.50)"
    dates = [c.name for c in spec if c.kind == "date" and c.name in frame.columns and frame.schema[c.name] == pl.String]
    if dates:
        table.dialect["dates"] = _date_styles(frame, dates)

    columns = [pl.col(LINE)]
    flags = []
    # CSV and xlsx cells were trimmed on reading (raw.py); a parquet file's are as stored
    padded = _padded_columns(frame, spec) if table.dialect.get("format") == "parquet" else set()
    for col in spec:
        if col.name not in frame.columns:
            dtype = _DTYPES.get(col.kind, pl.String)
            columns.append(pl.lit(None, dtype=dtype).alias(col.name))
            continue
        value, bad = _parse_column(frame, col, decimal, padded)
        columns.append(value.alias(col.name))
        flags.append((col, bad.alias(f"_bad_{col.name}")))
    typed = frame.select(*columns, *[f for _, f in flags])
    counts = typed.select(pl.col(f"_bad_{c.name}").sum() for c, _ in flags).row(0) if flags else ()
    for (col, _), n in zip(flags, counts):
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
    return typed.drop([f"_bad_{c.name}" for c, _ in flags])


def _read_as_controllers_would(table: RawTable, spec: tuple[Column, ...]) -> pl.DataFrame:
    """Dates written with a midnight time (`2020-07-21 00:00:00`, as SQL exports write them) are
    the date; a paragraph with its subsection (`SEL § 85, stk. 1`) is the paragraph. Each is
    read so, and said in a warning."""
    frame = table.frame
    for col in spec:
        if col.name not in frame.columns or frame.schema[col.name] != pl.String:
            continue
        if col.kind == "date":
            pattern, kind = _MIDNIGHT, "midnight_time"
        elif col.kind == "paragraph":
            pattern, kind = r"(?i)stk\.?\s*\d", "paragraph_subsection"
        else:
            continue
        if kind == "midnight_time" and not frame.select(pl.col(col.name).str.len_bytes().max() > 10).item():
            continue    # no value longer than a date: no time to look for
        hit = pl.col(col.name).str.contains(pattern).fill_null(False)
        lines = frame.filter(hit).get_column(LINE)
        if lines.len() == 0:
            continue
        table.warnings += [InputWarning(kind, table.path.name, tuple(lines.head(5).to_list()), lines.len(),
                                        Message("warning.column", column=col.name))]
        if kind == "midnight_time":
            frame = frame.with_columns(pl.col(col.name).str.replace(_MIDNIGHT, ""))
    return frame


def _parse_column(frame: pl.DataFrame, col: Column, decimal: str, padded: set[str]) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, is_bad) for one column. A column with few distinct values (accounts, codes,
    periods, kinds) is parsed once per distinct value and mapped back: the same result, without
    running string functions over millions of rows."""
    dtype = frame.schema[col.name]
    raw = pl.col(col.name)
    if (col.kind == "date" and dtype == pl.Date) or (col.kind == "text" and dtype == pl.String and frame.height >= LARGE):
        # already typed (parquet): only presence to check. Large text columns are taken as
        # stored where no value is padded or empty (the common case: no copy); else trimmed, with
        # empty strings as missing, as every smaller file is.
        if col.name in padded:
            value = pl.when(raw.str.strip_chars() != "").then(raw.str.strip_chars())
        else:
            value = raw
        bad = ~value.is_not_null() if col.required else pl.lit(False)
        return value, bad
    present = raw.is_not_null() if dtype != pl.String else raw.is_not_null() & (raw.str.strip_chars() != "")
    value, valid = _parse_expr(col, dtype, decimal)
    bad = present & ~valid.fill_null(False)
    if col.required:
        bad = bad | ~present
    typed = pl.when(present).then(value)
    if frame.height < LARGE or col.kind == "money":   # amounts are nearly all distinct: no gain in mapping
        return typed, bad
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
    bad_map = raw.replace_strict(old, lookup.get_column("_b"), default=None)
    if old.null_count():  # replace_strict cannot key on null: take the null row's results directly
        null_row = lookup.filter(pl.col(col.name).is_null())
        value_map = pl.when(raw.is_null()).then(pl.lit(null_row.get_column("_v")[0], dtype=lookup.schema["_v"])).otherwise(value_map)
        bad_map = pl.when(raw.is_null()).then(pl.lit(null_row.get_column("_b")[0])).otherwise(bad_map)
    return value_map, bad_map


def _padded_columns(frame: pl.DataFrame, spec: tuple[Column, ...]) -> set[str]:
    """The large text columns holding an empty or padded value, found in one query over all of them."""
    names = [c.name for c in spec if c.kind == "text" and c.name in frame.columns and frame.schema[c.name] == pl.String]
    if frame.height < LARGE or not names:
        return set()
    flags = frame.lazy().select([(pl.col(n).eq("") | pl.col(n).str.starts_with(" ") | pl.col(n).str.ends_with(" ")
                                  | pl.col(n).str.starts_with("\t") | pl.col(n).str.ends_with("\t")).any().alias(n)
                                 for n in names]).collect().row(0, named=True)
    return {n for n, flagged in flags.items() if flagged}


def _date_styles(frame: pl.DataFrame, columns: list[str]) -> str:
    values = pl.concat([frame.get_column(c).drop_nulls() for c in columns]).unique()   # few distinct dates
    styles = []
    for label, pattern in (("ISO (2025-03-31)", r"^\d{4}-\d{2}-\d{2}$"), ("Danish (31-03-2025)", r"^\d{2}-\d{2}-\d{4}$"),
                           ("Danish (31.03.2025)", r"^\d{2}\.\d{2}\.\d{4}$")):
        if values.str.contains(pattern).any():
            styles.append(label)
    return ", ".join(styles) or "none found"
