"""Keys × consecutive months as flat arrays: the shape the billing-lag arithmetic runs in.

Row r = key index × width + month position, one row for every key and every month of a fixed
span, so "the month before", "the balance so far" and "the cost a months back" are plain array
shifts and cumulative sums (numpy, whole arrays at once) instead of joins and window functions
over sparse (key, month) frames. Amounts are øre: integer amounts are summed as float64, which
is exact below 2^53 øre (90 billion kroner in one sum) — `place` refuses anything larger.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from prognose.months import add_months, number_of

EXACT = 2.0 ** 53


class MonthBlocks:
    """`keys` (one column, unique values) × the months first … last (month starts)."""

    def __init__(self, keys: pl.Series, first: dt.date, last: dt.date):
        self.name = keys.name
        self.keys = keys
        self.first = first.replace(day=1)
        self.m0 = number_of(self.first)
        self.width = max(number_of(last) - self.m0 + 1, 0)
        self.size = self.keys.len() * self.width

    def months(self) -> np.ndarray:
        """Month number (year × 12 + month − 1) of every position in a block."""
        return self.m0 + np.arange(self.width)

    def place(self, index: np.ndarray, number: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Sum of `weights` per block row, for items with key position `index` (−1: none) and month
        number `number`; items outside the blocks are left out. Whole-øre weights are refused where
        their sum could pass 2^53 (a float64 would no longer hold it exactly)."""
        p = number - self.m0
        keep = (p >= 0) & (p < self.width) & (index >= 0)
        if not keep.all():
            index, p, weights = index[keep], p[keep], weights[keep]
        if weights.size and weights.dtype.kind in "iu" and int(np.abs(weights).sum()) >= EXACT:
            raise OverflowError("amounts too large to be summed exactly in øre")
        rows = np.asarray(index, dtype=np.int64) * self.width + p
        return np.bincount(rows, weights=np.asarray(weights, dtype=np.float64), minlength=self.size)

    def key_of_row(self) -> np.ndarray:
        """The key's position (0 … len(keys) − 1) of every row."""
        return np.repeat(np.arange(self.keys.len()), self.width)

    def position(self) -> np.ndarray:
        """Month position of every row (0 … width − 1)."""
        return np.tile(np.arange(self.width), self.keys.len())

    def number_of_row(self) -> np.ndarray:
        """Month number of every row."""
        return np.tile(self.months(), self.keys.len())

    def cumulative(self, x: np.ndarray) -> np.ndarray:
        """Running total within each key's block."""
        return np.cumsum(x.reshape(-1, self.width), axis=1).reshape(-1) if self.width else x

    def lagged(self, x: np.ndarray, a: int) -> np.ndarray:
        """x of a months earlier within the same block (0 before the block's first month)."""
        if a == 0:
            return x
        m = x.reshape(-1, self.width)
        out = np.zeros_like(m)
        if a < self.width:
            out[:, a:] = m[:, :-a]
        return out.reshape(-1)

    def month_of_row(self) -> pl.Series:
        months = pl.date_range(self.first, add_months(self.first, max(self.width - 1, 0)), "1mo", eager=True)
        return months.head(self.width).gather(self.position()) if self.width else months.head(0)

    def frame(self, **columns: np.ndarray) -> pl.DataFrame:
        """key, month and the given arrays, one row per block row."""
        return pl.DataFrame({self.name: self.keys.gather(self.key_of_row()), "month": self.month_of_row(), **columns})
