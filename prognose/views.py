"""Views of a forecast: pure group-bys over its lines, all amounts in øre (Int64).

Every view is a sum of the same lines, so the accounts add up to the total, the months add up
to the forecast, and the components add up to what is still expected — to the øre.
"""

from __future__ import annotations

import polars as pl

from prognose import components as registry
from prognose.forecast import Forecast
from prognose.paragraphs import natural_order

FIGURES = ("budget", "actual_to_date", "forecast", "deviation")
UNALLOCATED = "ikke fordelt"   # the key of lines without a paragraph or provider type (label "unallocated" when shown)


def by(fc: Forecast, key: str = "account") -> pl.DataFrame:
    """budget, actual_to_date, forecast, deviation per account / paragraph / provider_type."""
    lines = fc.lines
    k = pl.col(key).fill_null(pl.lit(UNALLOCATED)) if key != "account" else pl.col("account")
    sums = lines.group_by(k.alias(key)).agg(
        pl.col("ore").filter(pl.col("origin") == "booked").sum().alias("actual_to_date"),
        pl.col("ore").sum().alias("forecast"),
    )
    if key == "account":
        out = sums.join(fc.budget.rename({"ore": "budget"}), on="account", how="full", coalesce=True)
    elif key == "provider_type":
        out = sums.with_columns(pl.lit(0, pl.Int64).alias("budget"))   # a budget belongs to an account, not to a provider
    else:
        # a budget belongs to an account; per paragraph it goes with the paragraph that carries the
        # most of the account's forecast (an account's few postings of another paragraph's grant do
        # not make its budget nobody's) — with the unallocated row where most of it has no paragraph
        # (an account with no grants) — and an account with no forecast keeps its own 'budget' row
        main = (lines.group_by("account", k.alias(key)).agg(pl.col("ore").sum().abs().alias("size"))
                .sort("account", "size", key, descending=[False, True, False]).unique("account", keep="first")
                .select("account", key))
        bud = fc.budget.join(main, on="account", how="left").with_columns(
            pl.coalesce(pl.col(key), pl.lit("budget ") + pl.col("account")).alias(key))
        out = sums.join(bud.group_by(key).agg(pl.col("ore").sum().alias("budget")), on=key, how="full", coalesce=True)
    out = out.with_columns(pl.col("budget", "actual_to_date", "forecast").fill_null(0))
    return out.with_columns((pl.col("forecast") - pl.col("budget")).alias("deviation")).select(key, *FIGURES).sort([pl.col(key) == UNALLOCATED, *natural_order(key)], nulls_last=True)


def total(table: pl.DataFrame) -> dict[str, int]:
    return {f: int(table.get_column(f).sum()) for f in FIGURES}


def months(fc: Forecast, account: str | None = None) -> pl.DataFrame:
    """month, actual (booked), expected (still to come) for the 12 months of the year."""
    lines = fc.lines if account is None else fc.lines.filter(pl.col("account") == account)
    grid = pl.DataFrame({"month": pl.date_range(pl.date(fc.year, 1, 1), pl.date(fc.year, 12, 1), "1mo", eager=True)})
    sums = lines.group_by("month").agg(
        pl.col("ore").filter(pl.col("origin") == "booked").sum().alias("actual"),
        pl.col("ore").filter(pl.col("origin") != "booked").sum().alias("expected"))
    return grid.join(sums, on="month", how="left").with_columns(pl.col("actual", "expected").fill_null(0)).sort("month")


def months_by(fc: Forecast, key: str) -> pl.DataFrame:
    """key, month, actual, expected for the 12 months of the year, per account / paragraph / provider type."""
    k = pl.col(key).fill_null(pl.lit(UNALLOCATED)) if key != "account" else pl.col("account")
    lines = fc.lines.with_columns(k.alias(key))
    grid = lines.select(key).unique().join(
        pl.DataFrame({"month": pl.date_range(pl.date(fc.year, 1, 1), pl.date(fc.year, 12, 1), "1mo", eager=True)}), how="cross")
    sums = lines.group_by(key, "month").agg(
        pl.col("ore").filter(pl.col("origin") == "booked").sum().alias("actual"),
        pl.col("ore").filter(pl.col("origin") != "booked").sum().alias("expected"))
    return grid.join(sums, on=[key, "month"], how="left").with_columns(pl.col("actual", "expected").fill_null(0)).sort([pl.col(key) == UNALLOCATED, *natural_order(key), "month"], nulls_last=True)


def components(fc: Forecast) -> dict:
    """What is still ahead, by origin: grants, each buffer (signed), each other component of the
    registry, the unexplained part, the refund of expensive cases still to come (negative: income)
    and the controller's adjustments."""
    sums = dict(fc.lines.filter(pl.col("origin") != "booked").group_by("origin").agg(pl.col("ore").sum()).iter_rows())
    return {
        "grants": int(sums.get("grants", 0)),
        "buffers": {b: int(sums.get(registry.origin(b), 0)) for b in registry.buffers()},
        **{g: int(sums.get(registry.origin(g), 0)) for g in registry.groups()},
        "unexplained": int(sums.get("unexplained", 0)),
        "refusion": int(sums.get("refusion", 0)),
        "adjustments": int(sums.get("adjustments", 0)),
    }




def component_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """The lines of the registered components, each with its component's name (column `buffer`)."""
    names = {c.origin: c.name for c in registry.REGISTRY}
    return lines.filter(pl.col("origin").is_in(list(names))).with_columns(
        pl.col("origin").replace_strict(names, return_dtype=pl.String).alias("buffer"))


def component_rows(comp: dict) -> list[tuple[str, int]]:
    """components() as (key, øre) rows in the order every report shows them: known grants, each
    buffer, each other component, the unexplained part, the refund, and adjustments where any."""
    rows = [("grants", comp["grants"]), *comp["buffers"].items(), *[(g, comp[g]) for g in registry.groups()],
            ("unexplained", comp["unexplained"]), ("refusion", comp["refusion"])]
    return rows + ([("adjustments", comp["adjustments"])] if comp["adjustments"] else [])
