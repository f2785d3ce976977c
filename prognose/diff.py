"""The bridge between two forecasts: why the year-end forecast moved, krone by krone (pure).

The lines of both forecasts are partitioned — per grant, per buffer, and the part no grant
explains — and each part's change is given one cause, so the causes add up exactly, to the øre,
to the change in the forecast:
  new grants (decided since A), by paragraph · ended grants, by end reason · end dates moved ·
  changed rate, quantity, plan or price level · known grants whose months closed between A and B
  (booked compared with what A expected) · each buffer: consumed (its people got grants, which
  now count as new grants) and re-estimated or edited · the part no grant explains: months that
  closed, and the re-estimate ahead.
Budget changes are reported beside the bridge: they move the deviation, not the forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from prognose import components
from prognose.period import known_at

ATTRS = ("rate", "quantity", "price_year", "unit", "start_date")


@dataclass
class Bridge:
    from_as_of: str
    to_as_of: str
    year_from: int
    year_to: int
    forecast_from: int
    forecast_to: int
    # cause, detail, account, paragraph, citizen_id, grant_id, amount (øre); a detail is a catalogue
    # key (words/) whose places {year_from} and {year_to} are the two forecasts' budget years
    rows: pl.DataFrame
    budget: pl.DataFrame        # account, budget_from, budget_to, change

    @property
    def change(self) -> int:
        return self.forecast_to - self.forecast_from

    def causes(self) -> pl.DataFrame:
        return (self.rows.group_by("cause", "detail").agg(pl.col("amount").sum())
                .filter(pl.col("amount") != 0).sort("amount", descending=True))


def _steps_signature(steps: pl.DataFrame | None) -> pl.DataFrame:
    if steps is None or steps.is_empty():
        return pl.DataFrame(schema={"grant_id": pl.String, "steps": pl.String})
    return steps.sort("grant_id", "effective_date").group_by("grant_id", maintain_order=True).agg(
        pl.format("{}:{}:{}", "effective_date", "quantity", "rate").str.join(";").alias("steps"))


def classify_grants(grants_a: pl.DataFrame, grants_b: pl.DataFrame, steps_a, steps_b, as_of_a: dt.date) -> pl.DataFrame:
    """grant_id → cause and detail, comparing each grant as known at A and at B."""
    known_a = known_at(grants_a, as_of_a)
    a = known_a.join(_steps_signature(steps_a), on="grant_id", how="left")
    b = grants_b.join(_steps_signature(steps_b), on="grant_id", how="left")
    cols = ["grant_id", "end_date", "end_reason", "steps", "paragraph", *ATTRS]
    j = b.select(cols).join(a.select(cols), on="grant_id", how="full", suffix="_a", coalesce=True)
    changed = pl.lit(False)
    for c in (*ATTRS, "steps"):
        changed = changed | pl.col(c).ne_missing(pl.col(f"{c}_a"))
    para = pl.coalesce("paragraph", "paragraph_a")
    return j.select("grant_id", (
        pl.when(pl.col("end_date").is_null() & pl.col("end_date_a").is_null() & pl.col("start_date").is_null())
        .then(pl.lit("other changes|grant no longer in the case system"))
        .when(pl.col("start_date_a").is_null()).then(pl.lit("new grants|") + para)
        .when(pl.col("start_date").is_null()).then(pl.lit("other changes|grant no longer in the case system"))
        .when(pl.col("end_date").ne_missing(pl.col("end_date_a")) & pl.col("end_reason").is_not_null()
              & pl.col("end_reason_a").is_null()).then(pl.lit("ended grants|") + pl.col("end_reason"))
        .when(pl.col("end_date").ne_missing(pl.col("end_date_a"))).then(pl.lit("end date moved|") + para)
        .when(changed).then(pl.lit("changed grants|rate, quantity, plan or price level"))
        .otherwise(pl.lit("closed months|known grants: booked vs expected"))
    ).alias("cause_detail"))


KEYS = ["grant_id", "account", "paragraph", "citizen_id"]


def _neg(f: pl.DataFrame) -> pl.DataFrame:
    return f.with_columns(-pl.col("ore"))


def _summed(*frames: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(frames).group_by(KEYS).agg(pl.col("ore").sum().alias("amount"))


def _cause(frame: pl.DataFrame, cause, detail) -> pl.DataFrame:
    """Rows of the bridge: a cause and its detail (text, or a column of the frame) for each amount."""
    cause = pl.lit(cause) if isinstance(cause, str) else cause
    detail = pl.lit(detail) if isinstance(detail, str) else detail
    return frame.select(cause.alias("cause"), detail.alias("detail"), *KEYS, pl.col("amount").cast(pl.Int64))


@dataclass(frozen=True)
class _Pair:
    """Two snapshots' lines and what the bridge between them needs to know of them."""
    a: object
    b: object
    la: pl.DataFrame
    lb: pl.DataFrame
    same_year: bool
    closing: pl.Expr          # months whose bookings happened between A and B

    def closed_and_ahead(self, fa: pl.DataFrame, fb: pl.DataFrame, *expected: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Change from fa to fb split in: months that closed (booked vs what A expected) and the rest."""
        closed = pl.concat([fb.filter((pl.col("origin") == "booked") & self.closing),
                            _neg(fa.filter(pl.col("origin").is_in(["booked", *expected]) & self.closing))])
        return _summed(closed), _summed(fb, _neg(fa), _neg(closed))


def bridge(a, b) -> Bridge:
    """a, b: snapshots (prognose.io.snapshots.Snapshot) loaded with their grants and plan_steps.

    Across a year boundary (A forecasts Y, B forecasts Y+1) the same partition holds; what is
    not a new, ended or changed grant or an edited buffer is "another budget year".
    """
    as_of_a, as_of_b = a.as_of_date, b.as_of_date
    same_year = a.meta["year"] == b.meta["year"]
    closing = (pl.col("month") >= as_of_a.replace(day=1)) & (pl.col("month") <= as_of_b.replace(day=1)) & pl.lit(same_year)
    pair = _Pair(a, b, a.lines, b.lines, same_year, closing)
    grant_parts, new_citizens = _grant_causes(pair, as_of_a)
    parts = [*grant_parts, *_buffer_causes(pair, new_citizens), *_unexplained_and_refund(pair)]
    # the controller's adjustments: a cause of their own, whatever else moved
    adjusted = pl.col("origin") == "adjustments"
    parts.append(_cause(_summed(pair.lb.filter(adjusted), _neg(pair.la.filter(adjusted))), "adjustments", "entered, edited or removed"))
    rows = (pl.concat(parts)
            .group_by("cause", "detail", "account", "paragraph", "citizen_id", "grant_id").agg(pl.col("amount").sum())
            .filter(pl.col("amount") != 0).sort("cause", "detail", "account", "grant_id", "citizen_id", nulls_last=True))
    return Bridge(a.as_of, b.as_of, a.meta["year"], b.meta["year"], int(pair.la["ore"].sum()), int(pair.lb["ore"].sum()), rows,
                  _budget(a, b))


def _grant_causes(pair: _Pair, as_of_a: dt.date) -> tuple[list[pl.DataFrame], pl.DataFrame]:
    """Everything tied to a grant (its booked postings and its bookings still to come), by what
    happened to the grant; and the citizens with a new grant (the lists' people who arrived)."""
    on_grant = pl.col("grant_id").is_not_null() & pl.col("origin").is_in(["booked", "grants"])
    ga, gb = pair.la.filter(on_grant), pair.lb.filter(on_grant)
    a, b = pair.a, pair.b
    cls = classify_grants(a.input("grants"), b.input("grants"), a.input("plan_steps"), b.input("plan_steps"), as_of_a)
    cls = cls.with_columns(pl.col("cause_detail").str.split_exact("|", 1).struct.rename_fields(["cause", "detail"])).unnest("cause_detail")
    ids = pl.concat([ga.select("grant_id"), gb.select("grant_id")]).unique()
    cls = ids.join(cls, on="grant_id", how="left").with_columns(
        pl.col("cause").fill_null("closed months"), pl.col("detail").fill_null("postings on grants outside the grants file"))
    steady = cls.filter(pl.col("cause") == "closed months").select("grant_id")
    moved = cls.filter(pl.col("cause") != "closed months")
    whole = (pl.concat([gb, _neg(ga)]).join(moved, on="grant_id").group_by(*KEYS, "cause", "detail")
             .agg(pl.col("ore").sum().alias("amount")))
    parts = [_cause(whole, pl.col("cause"), pl.col("detail"))]
    closed, ahead = pair.closed_and_ahead(ga.join(steady, on="grant_id", how="semi"), gb.join(steady, on="grant_id", how="semi"),
                                          "grants")
    if pair.same_year:
        parts += [_cause(closed, "closed months", "known grants: booked vs expected"),
                  _cause(ahead, "closed months", "known grants: invoices still to come re-estimated (billing timing)")]
    else:
        parts.append(_cause(ahead, "another budget year", "known grants in {year_to} against {year_from}"))
    new_citizens = (cls.filter(pl.col("cause") == "new grants").join(gb.select("grant_id", "citizen_id").unique(), on="grant_id")
                    .select("citizen_id").unique())
    return parts, new_citizens


def _buffer_causes(pair: _Pair, new_citizens: pl.DataFrame) -> list[pl.DataFrame]:
    """Each component: what the people on its list who got grants consumed of it (now new grants),
    and the rest. Its cause is named as its lines' origin ("buffer deaths", "extensions")."""
    parts = []
    for c in components.REGISTRY:
        ba, bb = pair.la.filter(pl.col("origin") == c.origin), pair.lb.filter(pl.col("origin") == c.origin)
        consumed = ba.join(new_citizens, on="citizen_id", how="semi") if c.lists else ba.head(0)
        rest = pl.concat([bb, _neg(ba.join(consumed.select("citizen_id").unique(), on="citizen_id", how="anti"))])
        label = ("list or assumptions edited, and re-estimated" if _inputs_changed(pair.a, pair.b, c) else
                 "re-estimated as time passes" if pair.same_year else "re-estimated for {year_to}")
        cause = c.origin.replace(".", " ")
        parts += [_cause(_neg(consumed).rename({"ore": "amount"}), cause, "consumed: became grants"),
                  _cause(rest.rename({"ore": "amount"}), cause, label)]
    return parts


def _unexplained_and_refund(pair: _Pair) -> list[pl.DataFrame]:
    """The part no grant explains and the refund of expensive cases: months that closed between A
    and B (booked vs expected, the refund's instalments included), and each one's re-estimate ahead;
    the refund's citizens who crossed a threshold on their own."""
    la, lb = pair.la, pair.lb
    unexpl = pl.col("grant_id").is_null() & pl.col("origin").is_in(["booked", "unexplained", "refusion"])
    closed, ahead = pair.closed_and_ahead(la.filter(unexpl), lb.filter(unexpl), "unexplained", "refusion")
    refund = pl.col("origin") == "refusion"
    refund_ahead = _summed(lb.filter(refund), _neg(la.filter(refund & ~pair.closing)))
    ahead = pl.concat([ahead, refund_ahead.with_columns(-pl.col("amount"))]).group_by(KEYS).agg(pl.col("amount").sum())
    if pair.same_year:
        parts = [_cause(closed, "unexplained part", "months that closed: booked vs expected"),
                 _cause(ahead, "unexplained part", "re-estimated ahead")]
    else:
        parts = [_cause(ahead, "another budget year", "the part no grant explains, {year_to} against {year_from}")]
    crossed = threshold_crossings(pair.a.refund_bands, pair.b.refund_bands, pair.same_year)
    refund_paragraph = pl.concat([la.filter(refund), lb.filter(refund)]).select("account", "paragraph").unique("account")
    crossed = crossed.drop("paragraph").join(refund_paragraph, on="account", how="left").select(*KEYS, "amount")
    # the refund ahead is per account; what the crossings explain of it is taken off there
    crossed_here = crossed.with_columns(-pl.col("amount"), pl.lit(None, pl.String).alias("citizen_id"))
    re_estimated = pl.concat([refund_ahead, crossed_here.select(refund_ahead.columns)]).group_by(KEYS).agg(pl.col("amount").sum())
    return [*parts, _cause(crossed, "refusion", "a citizen crossed a threshold"),
            _cause(re_estimated, "refusion", "refund re-estimated" if pair.same_year
                   else "refund for {year_to} against {year_from}")]


def threshold_crossings(bands_a: pl.DataFrame | None, bands_b: pl.DataFrame | None, same_year: bool) -> pl.DataFrame:
    """The change in refund (as income: negative when it grows) of the citizens whose band moved —
    below, between or above the two thresholds — from A to B, on B's account (grant_id, account,
    paragraph, citizen_id, amount in øre). bands: citizen_id, account, band, refund (øre) of the
    citizens above a threshold; a citizen not in them is below both (no refund)."""
    if bands_a is None or bands_b is None or not same_year:
        return pl.DataFrame(schema={"grant_id": pl.String, "account": pl.String, "paragraph": pl.String,
                                    "citizen_id": pl.String, "amount": pl.Int64})
    cols = [pl.col("citizen_id"), pl.col("account"), pl.col("band").cast(pl.Int64), pl.col("refund").cast(pl.Int64)]
    j = bands_b.select(cols).join(bands_a.select(cols), on="citizen_id", how="full", coalesce=True, suffix="_a").with_columns(
        pl.col("band", "band_a", "refund", "refund_a").fill_null(0))
    return (j.filter(pl.col("band") != pl.col("band_a"))
            .select(pl.lit(None, pl.String).alias("grant_id"), pl.coalesce("account", "account_a").alias("account"),
                    pl.lit(None, pl.String).alias("paragraph"), "citizen_id",
                    (pl.col("refund_a") - pl.col("refund")).alias("amount")))


def _inputs_changed(a, b, component) -> bool:
    """Did the controller edit this component's lists or its buffers.toml section between A and B?"""
    if (a.meta.get("buffers_config") or {}).get(component.name) != (b.meta.get("buffers_config") or {}).get(component.name):
        return True
    ha = {f["name"]: f["sha256"] for f in a.meta.get("inputs", [])}
    hb = {f["name"]: f["sha256"] for f in b.meta.get("inputs", [])}
    return any(ha.get(name) != hb.get(name) for name in component.lists)


def _budget(a, b) -> pl.DataFrame:
    """Each account's budget in A's and B's year, in øre as read (every account either forecasts)."""
    j = _budget_of(b, "budget_to").join(_budget_of(a, "budget_from"), on="account", how="full", coalesce=True).with_columns(
        pl.col("budget_from", "budget_to").fill_null(0))
    return j.with_columns((pl.col("budget_to") - pl.col("budget_from")).alias("change")).select(
        "account", "budget_from", "budget_to", "change").sort("account")


def _budget_of(snap, name: str) -> pl.DataFrame:
    accounts = snap.lines.select("account").unique()
    in_year = snap.budget.group_by("account").agg(pl.col("ore").sum().alias(name))
    return accounts.join(in_year, on="account", how="full", coalesce=True).with_columns(pl.col(name).fill_null(0).cast(pl.Int64))