"""Personal data: CPR recognition, keyed pseudonyms, birth dates from CPR, scrubbing of free text.

SPEC §5: CPR numbers are replaced by a stable keyed pseudonym on reading; the key is local
configuration (a file outside the repository), so the same key always gives the same pseudonym.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re

import polars as pl

# A CPR number as exports hold it: ten digits, perhaps split after six by a dash or a space, perhaps
# padded with spaces. A column of CPR numbers that passed through Excel may have lost the leading
# zero of those born on the 1st–9th: nine digits there are a CPR number too (LOST_ZERO).
CPR_PATTERN = r"^\s*\d{6}[-\s]?\d{4}\s*$"
LOST_ZERO = r"^\s*\d{9}\s*$"
_CPR_DIGITS = r"\d{6}[-\s]?\d{4}"     # a CPR number inside text: ten digits, perhaps split after six
_CPR_IN_TEXT = re.compile(rf"(?<!\d){_CPR_DIGITS}(?!\d)")
KEY_ENV = "PROGNOSE_PSEUDONYM_KEY"


def scrub_text(text: str) -> str:
    """Mask anything shaped like a CPR number inside free text."""
    return _CPR_IN_TEXT.sub("[CPR]", text)


def scrub_expr(expr: pl.Expr) -> pl.Expr:
    """Every CPR-shaped number in the text masked. A match takes the character on each side (the
    regex engine has no look-around), so two numbers one character apart need a second pass."""
    once = rf"(^|\D){_CPR_DIGITS}(\D|$)"
    return expr.str.replace_all(once, "${1}[CPR]${2}").str.replace_all(once, "${1}[CPR]${2}")


def pseudonym(key: bytes, value: str) -> str:
    """The same pseudonym for every way of writing one CPR number (dash, space, lost zero)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return _pseudonym(key, digits.zfill(10))


@functools.lru_cache(maxsize=1 << 18)
def _pseudonym(key: bytes, digits: str) -> str:
    """Remembered within the process: grants and postings name the same citizens, and a backtest
    reads the same citizens once per month-end. Nothing of it is written anywhere."""
    keyed = _keyed(key).copy()      # HMAC-SHA256 with the key's pads already hashed: a third of the time
    keyed.update(digits.encode())
    return "P" + keyed.hexdigest()[:12]


@functools.lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def pseudonymise_column(df: pl.DataFrame, column: str, key: bytes, uniques: pl.Series | None = None) -> pl.DataFrame:
    """Replace CPR-shaped ids in `column` by keyed pseudonyms; other ids pass unchanged. Nine
    digits count as a CPR number that lost its leading zero where the column holds CPR numbers.

    The HMAC runs once per distinct CPR number, not once per row (`uniques`: the column's distinct
    values, where known).
    """
    if column not in df.columns:
        return df
    uniques = _distinct(df, column) if uniques is None else uniques.drop_nulls()
    pattern = f"{CPR_PATTERN}|{LOST_ZERO}" if uniques.str.contains(CPR_PATTERN).any() else CPR_PATTERN
    return _map_distinct(df, column, pattern, lambda cprs: pseudonyms(key, cprs), uniques)


def pseudonyms(key: bytes, values: pl.Series) -> pl.Series:
    """pseudonym() of each value: the ways of writing a number made one (digits only, ten of them)
    as a whole column, then one HMAC per distinct number."""
    digits = values.str.replace_all(r"\D", "").str.zfill(10)
    distinct = digits.unique()
    return digits.replace_strict(distinct, pl.Series([_pseudonym(key, d) for d in distinct.to_list()], dtype=pl.String))


def scrub_column(df: pl.DataFrame, column: str, uniques: pl.Series | None = None) -> pl.DataFrame:
    """Mask CPR-shaped numbers in a free-text column, working once per distinct text (`uniques`,
    where known)."""
    if column not in df.columns:
        return df
    return _map_distinct(df, column, _CPR_DIGITS, lambda hits: pl.select(scrub_expr(pl.lit(hits))).to_series(),
                         _distinct(df, column) if uniques is None else uniques.drop_nulls())


def _distinct(df: pl.DataFrame, column: str) -> pl.Series:
    return df.lazy().select(pl.col(column).drop_nulls().unique()).collect().to_series()   # lazy: 2–3 × faster


def _map_distinct(df: pl.DataFrame, column: str, pattern: str, mapping, uniques: pl.Series) -> pl.DataFrame:
    """Replace the distinct values of `column` (`uniques`) that match `pattern` by mapping(those
    values): the work runs once per distinct value, not once per row."""
    hits = uniques.filter(uniques.str.contains(pattern))
    if hits.len() == 0:
        return df
    c = pl.col(column)
    # computed as one column and put in place (not through a query over the whole frame); nulls: no lookup
    mapped = df.select(pl.when(c.is_not_null()).then(c.replace(hits, mapping(hits))).alias(column)).to_series()
    out = df.clone()
    out.replace_column(df.get_column_index(column), mapped)
    return out


def birth_date_from_cpr(expr: pl.Expr) -> pl.Expr:
    """Birth date by the standard rule: DDMMYY and the seventh digit for the century. A number
    whose first six digits are no date (replacement numbers add 60 to the day) gives none."""
    digits = expr.str.replace_all(r"\D", "").str.zfill(10)
    dd, mm = digits.str.slice(0, 2), digits.str.slice(2, 2)
    yy = digits.str.slice(4, 2).cast(pl.Int32, strict=False)
    d7 = digits.str.slice(6, 1).cast(pl.Int32, strict=False)
    century = (
        pl.when(d7 <= 3).then(1900)
        .when(d7.is_in([4, 9])).then(pl.when(yy <= 36).then(2000).otherwise(1900))
        .otherwise(pl.when(yy <= 57).then(2000).otherwise(1800))
    )
    text = pl.concat_str([(century + yy).cast(pl.String), mm, dd], separator="-")
    return text.str.to_date("%Y-%m-%d", strict=False)
