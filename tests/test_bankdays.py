"""Postings are booked on bank days: the weekend's invoices at a Saturday or Sunday as-of date."""

import datetime as dt

import polars as pl

from prognose.bankdays import next_weekday, pending, pending_days, roll

REFUND = ("8.6",)


def postings(days: list[dt.date], account: str = "5.38.50", amount: int = 1_000_00, source: str = "finance",
             art: str = "4.9") -> pl.DataFrame:
    return pl.DataFrame({"posting_date": days, "period": [d.replace(day=1) for d in days], "account": account,
                         "amount": amount, "art": art, "source": source},
                        schema_overrides={"amount": pl.Int64})


def every_day(first: dt.date, last: dt.date, weekends: bool) -> list[dt.date]:
    days = pl.date_range(first, last, "1d", eager=True).to_list()
    return [d for d in days if weekends or d.isoweekday() <= 5]


def test_pending_days_are_the_days_after_the_last_weekday():
    assert [pending_days(dt.date(2025, 11, d)) for d in (27, 28, 29, 30)] == [0, 0, 1, 2]
    assert next_weekday(dt.date(2025, 11, 28)) == dt.date(2025, 12, 1)
    assert next_weekday(dt.date(2025, 11, 30)) == dt.date(2025, 12, 1)
    assert next_weekday(dt.date(2025, 12, 1)) == dt.date(2025, 12, 2)


def test_roll_is_read_off_the_weekdays_the_postings_fall_on():
    weekdays_only = postings(every_day(dt.date(2024, 1, 1), dt.date(2024, 12, 31), weekends=False))
    assert roll(weekdays_only.select("posting_date", "amount")) == 1.0
    all_days = postings(every_day(dt.date(2024, 1, 1), dt.date(2024, 12, 31), weekends=True))
    assert roll(all_days.select("posting_date", "amount")) == 0.0
    assert roll(all_days.head(0).select("posting_date", "amount")) == 0.0


def test_a_sunday_as_of_date_adds_two_days_of_invoices_in_the_next_weekdays_month():
    days = every_day(dt.date(2024, 12, 1), dt.date(2025, 11, 28), weekends=False)
    # 1.000 kr. on each weekday: the twelve closed months Dec 2024 – Nov 2025 hold 365 calendar days
    p = pl.concat([postings(days), postings(days, source="payroll", amount=9_999_00),
                   postings(days, art="8.6", amount=-5_000_00)])
    weekdays = len(days)
    out = pending(p, dt.date(2025, 11, 30), 2025, REFUND)
    assert (out.days, out.roll) == (2, 1.0)
    assert out.lines.to_dicts() == [{"account": "5.38.50", "month": dt.date(2025, 12, 1),
                                     "ore": round(weekdays * 1_000_00 * 2 / 365)}]
    assert out.ore == round(weekdays * 1_000_00 * 2 / 365)


def test_nothing_is_added_on_a_weekday_where_weekends_book_or_for_another_year():
    days = every_day(dt.date(2024, 12, 1), dt.date(2025, 11, 28), weekends=False)
    assert pending(postings(days), dt.date(2025, 11, 28), 2025, REFUND).lines.is_empty()
    assert pending(postings(days), dt.date(2025, 11, 30), 2026, REFUND).lines.is_empty()
    all_days = postings(every_day(dt.date(2024, 12, 1), dt.date(2025, 11, 30), weekends=True))
    assert pending(all_days, dt.date(2025, 11, 30), 2025, REFUND).lines.is_empty()


def test_a_weekend_at_the_turn_of_the_year_is_left_to_the_supplementary_period():
    days = every_day(dt.date(2022, 1, 1), dt.date(2022, 12, 30), weekends=False)
    assert pending(postings(days), dt.date(2022, 12, 31), 2022, REFUND).lines.is_empty()
    mid_december = every_day(dt.date(2022, 1, 1), dt.date(2022, 12, 16), weekends=False)
    out = pending(postings(mid_december), dt.date(2022, 12, 18), 2022, REFUND)
    assert out.days == 2 and out.lines.get_column("month").to_list() == [dt.date(2022, 12, 1)]


def test_without_a_source_column_every_posting_but_the_refund_counts():
    days = every_day(dt.date(2024, 12, 1), dt.date(2025, 11, 28), weekends=False)
    out = pending(postings(days).drop("source", "art"), dt.date(2025, 11, 30), 2025, REFUND)
    assert out.ore == round(len(days) * 1_000_00 * 2 / 365)
