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

# A CPR number as exports hold it: ten digits, perhaps split after six — by a dash (or the en or em
# dash a word processor makes of it), a dot, a slash or a space — perhaps padded, perhaps behind a
# word ("CPR 010190-1234", an apostrophe Excel kept). A number that passed through a spreadsheet as
# a number lost the leading zero of those born on the 1st–9th: nine digits whose first is such a
# day and whose next two a month are a CPR number too.
_SEP = "[-\u2010\u2011\u2012\u2013\u2014./\\s]"
_TEN = rf"\d{{6}}{_SEP}?\d{{4}}"
_NINE = r"[1-9](?:0[1-9]|1[0-2])\d{6}"
_CPR_DIGITS = rf"(?:{_TEN}|{_NINE})"
# the same in an id column, where a number is a CPR number only when its first six digits are a
# date (day 01–31, or 61–91 for a replacement number; month 01–12): a case system's own numeric
# ids are not taken for people
_DAY_MONTH = r"(?:[0-2]\d|3[01]|[6-8]\d|9[01])(?:0[1-9]|1[0-2])"
_ID_TEN = rf"{_DAY_MONTH}\d{{2}}{_SEP}?\d{{4}}"
_ID_DIGITS = rf"(?:{_ID_TEN}|{_NINE})"
CPR_PATTERN = rf"(?:^|\D){_CPR_DIGITS}(?:\D|$)"      # a value that holds a CPR number (a citizen id)
_CPR_IN_TEXT = re.compile(rf"(?<!\d){_CPR_DIGITS}(?!\d)")
# a pseudonym of ours (P… for a citizen, G… for a grant): twelve hex digits that may hold a run of
# ten decimal ones, and are no CPR number
_PSEUDONYM = re.compile(r"(?<![0-9A-Za-z])[PG][0-9a-f]{12}(?![0-9A-Za-z])")
MASK = "[CPR]"
KEY_ENV = "PROGNOSE_PSEUDONYM_KEY"


def scrub_text(text: str) -> str:
    """Mask anything shaped like a CPR number inside free text (a message, a path, a value shown
    in an error); the engine's own pseudonyms are left as they are."""
    kept = _PSEUDONYM.split(text)
    found = _PSEUDONYM.findall(text)
    return "".join(_CPR_IN_TEXT.sub(MASK, part) + (found[i] if i < len(found) else "") for i, part in enumerate(kept))


def scrub_expr(expr: pl.Expr) -> pl.Expr:
    """Every CPR-shaped number in the text masked. A match takes the character on each side (the
    regex engine has no look-around), so two numbers one character apart need a second pass."""
    once = rf"(^|\D){_CPR_DIGITS}(\D|$)"
    return expr.str.replace_all(once, "${1}" + MASK + "${2}").str.replace_all(once, "${1}" + MASK + "${2}")


def cpr_digits(expr: pl.Expr, pattern: str = _CPR_DIGITS) -> pl.Expr:
    """The ten digits of the CPR number a value holds (a lost leading zero put back), else null."""
    found = expr.str.extract(rf"(?:^|\D)({pattern})(?:\D|$)", 1)
    return found.str.replace_all(r"\D", "").str.zfill(10)


def pseudonym(key: bytes, value: str, prefix: str = "P") -> str:
    """The same pseudonym for every way of writing one CPR number (dash, space, lost zero, a word
    before it); a value that holds none is taken by its digits (a citizen named on the command line)."""
    found = re.search(rf"(?<!\d)({_CPR_DIGITS})(?!\d)", value)
    digits = "".join(ch for ch in (found.group(1) if found else value) if ch.isdigit())
    return prefix + _pseudonym(key, digits.zfill(10))[1:]


def is_cpr(value: str) -> bool:
    """Whether a value given on the command line holds a CPR number, in any of its forms."""
    return _CPR_IN_TEXT.search(value) is not None and not _PSEUDONYM.fullmatch(value.strip())


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


def pseudonymise_column(df: pl.DataFrame, column: str, key: bytes, prefix: str = "P",
                        uniques: pl.Series | None = None) -> pl.DataFrame:
    """Replace the ids in `column` that hold a CPR number, in any form, by keyed pseudonyms (a grant
    id by one of its own, `prefix` G); other ids pass unchanged. In a grant id a number is taken for
    a CPR number only where its first six digits are a date (a case system numbers its grants).

    The HMAC runs once per distinct CPR number, not once per row (`uniques`: the column's distinct
    values, where the reader found them already).
    """
    pattern = _CPR_DIGITS if prefix == "P" else _ID_DIGITS
    return _map_distinct(df, column, rf"(?:^|\D){pattern}(?:\D|$)", lambda ids: pseudonyms(key, ids, pattern, prefix), uniques)


def pseudonyms(key: bytes, values: pl.Series, pattern: str = _CPR_DIGITS, prefix: str = "P") -> pl.Series:
    """pseudonym() of each value: the ways of writing a number made one (ten digits) as a whole
    column, then one HMAC per distinct number."""
    digits = pl.select(cpr_digits(pl.lit(values), pattern)).to_series()
    distinct = digits.unique()
    named = [prefix + _pseudonym(key, d)[1:] for d in distinct.to_list()]
    return digits.replace_strict(distinct, pl.Series(named, dtype=pl.String))


def scrub_column(df: pl.DataFrame, column: str, uniques: pl.Series | None = None) -> pl.DataFrame:
    """Mask CPR-shaped numbers in a free-text column, working once per distinct text (`uniques`,
    where the reader found them already)."""
    return _map_distinct(df, column, _CPR_DIGITS, lambda hits: pl.select(scrub_expr(pl.lit(hits))).to_series(), uniques)


def birth_date_of(expr: pl.Expr) -> pl.Expr:
    """The birth date a citizen id's CPR number gives (null where it holds none)."""
    return birth_date_from_cpr(cpr_digits(expr))


def _map_distinct(df: pl.DataFrame, column: str, pattern: str, mapping, uniques: pl.Series | None = None) -> pl.DataFrame:
    """Replace the distinct values of `column` (`uniques`, where the reader found them already) that
    match `pattern` by mapping(those values): the work runs once per distinct value, not once per row."""
    if column not in df.columns:
        return df
    if uniques is None:
        uniques = df.lazy().select(pl.col(column).drop_nulls().unique()).collect().to_series()   # lazy: 2–3 × faster
    else:
        uniques = uniques.drop_nulls()
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
