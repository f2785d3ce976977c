"""Buffers (1) youth transfers and (2) STU, from the controller's lists.

A listed person who has meanwhile got a grant is counted there, not here (matched on the
citizen's pseudonym); a person whose expected start has passed without a grant is flagged and,
by default, kept from the day after the as-of date (`overdue = "keep"`; `"drop"` leaves them out).
A listed person without a grant yet counts with the listed probability updated for the fact that
no grant is registered: a real arrival would by now be registered with the chance that history's
registration delays give (registration.py), so a person long overdue counts for little.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from prognose.buffers import (BufferContext, BufferResult, Param, empty_events, empty_lines, events_frame, finish_lines,
                              timing_cv)
from prognose.buffers.costs import account_of, synthetic_cost
from prognose.buffers.options import Options
from prognose.buffers.registration import MIN_DELAYS, delays, gap_days, p_unregistered, still_expected
from prognose.errors import Problem
from prognose.schema import LINE
from prognose.words.message import Message

MIN_COMPLETED = 5   # completed STU courses needed to say how long one lasts
STATUS_DA = {"pending": "afventer", "overdue": "forsinket", "arrived": "har fået bevilling", "dropped": "udeladt"}


def _match(listed: pl.DataFrame, grants: pl.DataFrame, date_col: str, window: int, paragraph: str | None = None) -> pl.Series:
    """True where the listed citizen has a grant starting no earlier than `window` days before the date."""
    g = grants.select("citizen_id", "start_date", "paragraph")
    if paragraph is not None:
        g = g.filter(pl.col("paragraph") == paragraph)
    hits = (listed.with_row_index("_r").join(g, on="citizen_id", how="inner")
            .filter(pl.col("start_date") >= pl.col(date_col) - pl.duration(days=window))
            .get_column("_r").unique())
    return pl.select(pl.int_range(listed.height, dtype=pl.UInt32).is_in(hits.implode())).to_series()


def youth_transfers(ctx: BufferContext, cfg: Options) -> BufferResult:
    lst = ctx.lists.get("youth_transfers")
    if lst is None or lst.is_empty():
        return BufferResult("youth_transfers", empty_lines(), [Param("listed", 0, "estimated", 0)],
                            Message("youth_transfers.none"),
                            events=empty_events())
    window = cfg["match_window_days"]
    keep_overdue = cfg["overdue"] == "keep"
    after = ctx.as_of + dt.timedelta(days=1)
    lst = lst.with_columns(pl.col("probability").fill_null(1.0), pl.col("quantity").fill_null(1.0))
    lst = lst.with_columns(_match(lst, ctx.grants, "expected_start", window).alias("arrived"))
    status = (pl.when(pl.col("arrived")).then(pl.lit("arrived"))
              .when(pl.col("expected_start") > ctx.as_of).then(pl.lit("pending"))
              .when(keep_overdue).then(pl.lit("overdue")).otherwise(pl.lit("dropped")))
    lst = lst.with_columns(status.alias("status"), pl.format("Y{}", pl.int_range(pl.len())).alias("key"))
    # no grant registered yet: the listed chance, updated for how likely a real arrival would
    # already be registered by now (registration delays of the history years)
    seen = delays(ctx.grants, ctx.year - 3, ctx.year - 1)
    lst = lst.with_columns(pl.col("probability").alias("listed_probability"))
    if seen.len() >= MIN_DELAYS:
        lst = lst.with_columns(
            pl.when(pl.col("arrived")).then(pl.col("probability"))
            .otherwise(still_expected(lst.get_column("probability"),
                                      p_unregistered(gap_days(lst.get_column("expected_start"), ctx.as_of), seen)))
            .alias("probability"))
    counted = lst.filter(pl.col("status").is_in(["pending", "overdue"]))
    cost = synthetic_cost(counted.select("key", "unit", "rate", "quantity",
                                         pl.max_horizontal("expected_start", pl.lit(after)).alias("start_date"),
                                         pl.lit(None, pl.Date).alias("end_date"), pl.lit(None, pl.Int64).alias("price_year")),
                          ctx.year, ctx.as_of, {})
    lines = cost.join(counted.select("key", "citizen_id", "paragraph", "probability"), on="key").select(
        account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"), "paragraph", "month", "citizen_id",
        (pl.col("cost") * pl.col("probability")).alias("amount"))
    lines = finish_lines(lines)
    events = events_frame(_person_events(cost).join(counted.select("key", "paragraph", "probability"), on="key").select(
        account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"), pl.lit("youth").alias("group"),
        pl.lit("bernoulli").alias("dist"), pl.col("probability").alias("p"), "amount", "cv", pl.lit(0.0).alias("group_cv")))
    contrib = lines.group_by("citizen_id").agg(pl.col("ore").sum().alias("contribution"))
    people = lst.join(contrib, on="citizen_id", how="left").select(
        "citizen_id", "expected_start", "paragraph", "listed_probability", pl.col("probability").round(3), "status",
        pl.col("contribution").fill_null(0)).sort("expected_start", "citizen_id")
    n = {s: lst.filter(pl.col("status") == s).height for s in STATUS_DA}
    weighted = float(counted.get_column("probability").sum()) if counted.height else 0.0
    total = int(lines.get_column("ore").sum()) if lines.height else 0
    text, flags = _youth_in_words(n, counted.height, weighted, total, ctx.as_of, keep_overdue)
    params = [Param("listed", lst.height, "estimated", lst.height), Param("counted", counted.height, "estimated"),
              Param("probability_weighted_people", round(weighted, 2), "estimated"),
              Param("arrived_with_grant", n["arrived"], "estimated"), Param("overdue", n["overdue"], "estimated"),
              Param("match_window_days", window, cfg.source("match_window_days"))]
    return BufferResult("youth_transfers", lines, params, text, people, flags, events)


def _youth_in_words(n: dict[str, int], counted: int, weighted: float, total: int, as_of: dt.date,
                    keep_overdue: bool) -> tuple[Message, list[Message]]:
    """The buffer's sentence, and a flag when listed young people are overdue."""
    late = n["overdue"] + n["dropped"]
    flags = [Message("youth_transfers.late", late=late, as_of=as_of, kept=keep_overdue)] if late else []
    overdue = Message("youth_transfers.overdue", n=n["overdue"]) if n["overdue"] else None
    return Message("youth_transfers.explanation", counted=counted, weighted=weighted, total=total, arrived=n["arrived"],
                   overdue=overdue), flags


def _person_events(cost: pl.DataFrame) -> pl.DataFrame:
    """key → amount (the year's rest if the event happens) and cv (its start a month either way)."""
    return cost.group_by("key").agg(pl.col("cost").sum().alias("amount"), (pl.col("cost") != 0).sum().alias("months")).with_columns(
        timing_cv(pl.col("months").cast(pl.Float64)).alias("cv"))


def typical_stu_days(grants: pl.DataFrame, as_of: dt.date) -> int | None:
    """Median length in days of the STU courses completed by the as-of date (end reason
    `transition`), or None with fewer than MIN_COMPLETED of them."""
    done = grants.filter((pl.col("paragraph") == "STU") & (pl.col("end_reason") == "transition")
                         & (pl.col("end_date") <= as_of))
    if done.height < MIN_COMPLETED:
        return None
    return int(done.select((pl.col("end_date") - pl.col("start_date")).dt.total_days().median()).item())


def _unlisted_starts(ctx: BufferContext, starts: pl.DataFrame) -> tuple[pl.DataFrame, float, pl.DataFrame]:
    """STU starts the list does not name yet: the history years' starts in the months still ahead
    (per month of the year, all provider types), less the starts already listed or granted for
    those months, at the average monthly cost of an STU grant of the history years.
    Returns (lines: account, paragraph, month, citizen_id, amount), how many, and their events."""
    from prognose.buffers.inflow import monthly_equivalent

    y0, y1 = ctx.year - 3, ctx.year - 1
    ahead = pl.DataFrame({"month": pl.date_range(dt.date(ctx.year, 1, 1), dt.date(ctx.year, 12, 1), "1mo", eager=True)}).filter(
        pl.col("month") > ctx.as_of)
    stu_g = ctx.grants.filter(pl.col("paragraph") == "STU")
    hist = stu_g.filter(pl.col("start_date").dt.year().is_between(y0, y1))
    none = (pl.DataFrame(schema={"account": pl.String, "paragraph": pl.String, "month": pl.Date, "citizen_id": pl.String,
                                 "amount": pl.Float64}), 0.0, empty_events())
    if hist.is_empty() or ahead.is_empty():
        return none
    per_moy = hist.group_by(pl.col("start_date").dt.month().alias("moy")).agg((pl.len() / 3).alias("expected"))
    grid = ahead.with_columns(pl.col("month").dt.month().alias("moy")).join(per_moy, on="moy", how="left").with_columns(
        pl.col("expected").fill_null(0.0))
    expected_rest = float(grid.get_column("expected").sum())
    listed = starts.filter(pl.col("date") > ctx.as_of).select("citizen_id")
    granted = stu_g.filter(pl.col("start_date") > ctx.as_of).select("citizen_id")
    seen = pl.concat([listed, granted]).unique().height
    missing = max(0.0, expected_rest - seen)
    if missing == 0 or expected_rest == 0:
        return none
    monthly = float(hist.select(monthly_equivalent(hist, ctx.year, ctx.price_index).mean()).item())
    arrivals = grid.select(pl.col("month").alias("arrival"), (pl.col("expected") * missing / expected_rest).alias("n"))
    account = account_of(pl.lit("STU"), ctx.paragraph_accounts)
    cost = (arrivals.join(ahead, how="cross").filter(pl.col("month") >= pl.col("arrival"))
            .with_columns(pl.when(pl.col("month") == pl.col("arrival")).then(0.5).otherwise(1.0).alias("share")))
    lines = cost.select(account.alias("account"), pl.lit("STU").alias("paragraph"), "month", pl.lit(None, pl.String).alias("citizen_id"),
                        (pl.col("n") * pl.col("share") * monthly).alias("amount"))
    events = events_frame(cost.group_by("arrival").agg(pl.col("n").first(), pl.col("share").sum()).select(
        account.alias("account"), pl.lit("stu:not listed").alias("group"), pl.lit("poisson").alias("dist"), pl.col("n").alias("p"),
        (pl.col("share") * monthly).alias("amount"), pl.lit(0.0).alias("cv"),
        pl.lit(1 / max(1.0, hist.height) ** 0.5).alias("group_cv")))
    return lines, missing, events


def _stu_ends(ctx: BufferContext, ends: pl.DataFrame, after: dt.date):
    """The STU grants that end (listed, or after the usual length where nothing is listed), and
    their cost after the last STU day, taken away. Returns (the grants, those of them unlisted, the
    cost per grant and month, the lines)."""
    # ends: the STU grant's cost after its last STU day is taken away, where the grant runs on
    stu_grants = ctx.invoiced.filter(pl.col("paragraph") == "STU").join(
        ends.select("citizen_id", pl.col("date").alias("stu_end")), on="citizen_id", how="inner").filter(
        pl.col("end_date").is_null() | (pl.col("end_date") > pl.col("stu_end")))
    # running STU grants with neither an end date nor a listed end: an STU course lasts about as
    # long as the history's completed ones did, so it is expected to end then (the list may not
    # name every end yet: ends are announced a few months ahead)
    typical = typical_stu_days(ctx.grants, ctx.as_of)
    unlisted = ctx.invoiced.filter((pl.col("paragraph") == "STU") & pl.col("end_date").is_null()).join(
        ends.select("citizen_id"), on="citizen_id", how="anti")
    unlisted = (unlisted.clear() if typical is None else unlisted).with_columns(
        (pl.col("start_date") + pl.duration(days=typical or 0)).alias("stu_end")).filter(pl.col("stu_end") < dt.date(ctx.year, 12, 31))
    stu_grants = pl.concat([stu_grants, unlisted], how="diagonal_relaxed")
    cut = stu_grants.select(pl.col("grant_id").alias("key"), "unit", "rate", "quantity",
                            pl.max_horizontal(pl.col("stu_end") + pl.duration(days=1), pl.lit(after), "start_date").alias("start_date"),
                            "end_date", "price_year")
    removed_cost = synthetic_cost(cut, ctx.year, ctx.as_of, ctx.price_index)
    removed = removed_cost.join(
        stu_grants.select(pl.col("grant_id").alias("key"), "citizen_id", "account"), on="key").select(
        "account", pl.lit("STU").alias("paragraph"), "month", "citizen_id", (-pl.col("cost")).alias("amount"))
    return stu_grants, unlisted, removed_cost, removed


def _stu_people(starts: pl.DataFrame, ends: pl.DataFrame, follow: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """The list's people: their event, its status and what each adds to the forecast."""
    contrib = lines.group_by("citizen_id").agg(pl.col("ore").sum().alias("contribution"))
    return pl.concat([
        starts.select("citizen_id", "event", "date", pl.lit("STU").alias("paragraph"),
                      pl.when(pl.col("consumed")).then(pl.lit("has STU grant")).otherwise(pl.lit("pending")).alias("status")),
        ends.join(follow.select("key", "consumed"), on="key", how="left").select(
            "citizen_id", "event", "date", "paragraph",
            pl.when(pl.col("consumed").fill_null(False)).then(pl.lit("follow-on granted")).otherwise(pl.lit("pending")).alias("status")),
    ]).join(contrib, on="citizen_id", how="left").with_columns(pl.col("contribution").fill_null(0)).sort("date", "citizen_id")


def _no_stu() -> BufferResult:
    return BufferResult("stu", empty_lines(), [Param("events", 0, "estimated", 0)],
                        Message("stu.none"),
                        events=empty_events())


def stu(ctx: BufferContext, cfg: Options) -> BufferResult:
    lst = ctx.lists.get("stu")
    if lst is None or lst.is_empty():
        return _no_stu()
    window = cfg["match_window_days"]
    after = ctx.as_of + dt.timedelta(days=1)
    lst = lst.with_columns(pl.col("quantity").fill_null(1.0), pl.format("S{}", pl.int_range(pl.len())).alias("key"))
    starts = lst.filter(pl.col("event") == "start")
    ends = lst.filter(pl.col("event") == "end")
    starts = starts.with_columns(_match(starts, ctx.grants, "date", window, "STU").alias("consumed"))
    ends = ends.with_columns((pl.col("date") + pl.duration(days=1)).alias("follow_start"))
    follow = ends.filter(pl.col("paragraph").is_not_null() & pl.col("rate").is_not_null())
    follow = follow.with_columns(_match(follow, ctx.grants, "follow_start", window).alias("consumed"))
    # starts not yet granted, from their date (or the day after the as-of date if overdue)
    s_rows = starts.filter(~pl.col("consumed")).select(
        "key", "unit", "rate", "quantity", pl.max_horizontal("date", pl.lit(after)).alias("start_date"),
        pl.lit(None, pl.Date).alias("end_date"), pl.lit(None, pl.Int64).alias("price_year"))
    f_rows = follow.filter(~pl.col("consumed")).select(
        "key", "unit", "rate", "quantity", pl.max_horizontal("follow_start", pl.lit(after)).alias("start_date"),
        pl.lit(None, pl.Date).alias("end_date"), pl.lit(None, pl.Int64).alias("price_year"))
    add = synthetic_cost(pl.concat([s_rows, f_rows]), ctx.year, ctx.as_of, {})
    add_lines = add.join(pl.concat([starts.select("key", "citizen_id", pl.lit("STU").alias("paragraph")),
                                    follow.select("key", "citizen_id", "paragraph")]), on="key").select(
        account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"), "paragraph", "month", "citizen_id",
        pl.col("cost").alias("amount"))
    stu_grants, unlisted, removed_cost, removed = _stu_ends(ctx, ends, after)
    expected, n_unlisted_starts, unlisted_events = _unlisted_starts(ctx, starts)
    lines = finish_lines(pl.concat([add_lines, removed, expected]))
    # a listed start or end happens (the list has no probability), but a month earlier or later
    events = events_frame(pl.concat([
        _person_events(add).join(pl.concat([starts.select("key", pl.lit("STU").alias("paragraph")),
                                            follow.select("key", "paragraph")]), on="key")
        .select(account_of(pl.col("paragraph"), ctx.paragraph_accounts).alias("account"), "amount", "cv"),
        _person_events(removed_cost).join(
            stu_grants.select(pl.col("grant_id").alias("key"), "account"), on="key")
        .select("account", (-pl.col("amount")).alias("amount"), "cv"),
    ]).with_columns(pl.lit("stu").alias("group"), pl.lit("bernoulli").alias("dist"), pl.lit(1.0).alias("p"),
                    pl.lit(0.0).alias("group_cv")))
    events = pl.concat([events, unlisted_events])
    total_unlisted = round(float(expected.get_column("amount").sum())) if expected.height else 0
    total_add = int(lines.filter(pl.col("ore") > 0).get_column("ore").sum()) - total_unlisted
    total_removed = int(lines.filter(pl.col("ore") < 0).get_column("ore").sum())
    n_start, n_start_new = starts.height, starts.filter(~pl.col("consumed")).height
    n_end, n_follow = ends.height, follow.filter(~pl.col("consumed")).height
    people = _stu_people(starts, ends, follow, lines)
    params = [Param("starts_listed", n_start, "estimated", n_start), Param("starts_not_yet_granted", n_start_new, "estimated"),
              Param("ends_listed", n_end, "estimated", n_end), Param("follow_on_not_yet_granted", n_follow, "estimated"),
              Param("typical_course_days", typical_stu_days(ctx.grants, ctx.as_of), "estimated"), Param("ends_expected_not_listed", unlisted.height, "estimated"),
              Param("starts_expected_not_listed", round(n_unlisted_starts, 1), "estimated")]
    text = Message("stu.explanation", starts_new=n_start_new, starts=n_start, added=total_add, follow=n_follow, ends=n_end,
                   unlisted=unlisted.height, removed=total_removed, unlisted_starts=n_unlisted_starts,
                   unlisted_added=total_unlisted)
    return BufferResult("stu", lines, params, text, people, events=events)


def check_stu_list(frame: pl.DataFrame, path: str) -> list[Problem]:
    """A 'start' row names the STU itself: its unit and rate."""
    bad = frame.filter((pl.col("event") == "start") & (pl.col("rate").is_null() | pl.col("unit").is_null()))
    return [Problem(path, line, "rate", "", "a unit and a rate on a 'start' row") for line in bad.get_column(LINE).head(20).to_list()]
