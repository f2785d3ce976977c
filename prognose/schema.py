"""The standard extract (SPEC §1–2): each file's columns, their kinds, and the typed frames.

Money read from postings and budget is integer øre (Int64), never float. Rates and quantities
are model inputs and are held as Float64; the cost derived from them is rounded to whole øre
per grant and month so that every total in the output is a sum of integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

LINE = "_line"   # the column that holds each row's line in the file it was read from

UNITS = ("year", "month", "week", "day", "hour")
UNIT_MONTHS = {"year": 1 / 12, "month": 1.0, "week": 52 / 12, "day": 365.25 / 12, "hour": 52 / 12}   # units a month holds
UNIT_ALIASES = {"år": "year", "aar": "year", "måned": "month", "maaned": "month", "md": "month",
                "uge": "week", "dag": "day", "døgn": "day", "time": "hour", "timer": "hour"}
PROVIDER_TYPES = ("own", "municipality", "region", "private")
INITIATIVE_KINDS = ("fewer_new", "lower_price", "end_earlier", "move", "fixed")
PROVIDER_TYPE_ALIASES = {"egen": "own", "kommune": "municipality", "kommunal": "municipality",
                         "privat": "private", "regional": "region"}
END_REASONS = ("death", "moved", "transition", "other")
END_REASON_ALIASES = {"død": "death", "dødsfald": "death", "fraflytning": "moved", "flyttet": "moved",
                      "overgang": "transition", "andet": "other"}
SOURCES = ("finance", "payroll")
RECURRING_ALIASES = {"nej": "no", "ja": "yes", "x": "yes", "løbende": "yes", "engang": "no", "engangs": "no",
                     "true": "yes", "false": "no", "1": "yes", "0": "no", "recurring": "yes", "once": "no"}
NOT_PAYROLL = pl.col("source").is_null() | (pl.col("source") != "payroll")   # a posting that can be an invoice
SOURCE_ALIASES = {"økonomi": "finance", "løn": "payroll"}
STU_EVENTS = ("start", "end")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | paragraph | date | money | number | int | period | choice | cpr_text
    required: bool = True
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()

    def expected(self) -> str:
        return {
            "text": "a non-empty text",
            "paragraph": "a legal basis such as 'SEL 108', '§ 85', 'ABL 105' or 'STU'",
            "date": "a date (2025-03-31, 31-03-2025 or 31.03.2025)",
            "money": "an amount in DKK with at most 2 decimals (1234.50 or 1.234,50)",
            "number": "a number (1234.5 or 1.234,5) below 1.000.000.000.000",
            "int": "a whole number",
            "period": "an accounting period YYYY-MM",
            "choice": "one of " + ", ".join(self.choices),
            "probability": "a probability between 0 and 1",
        }.get(self.kind, self.kind)


def _choice(name: str, choices: tuple[str, ...], aliases: dict[str, str], required: bool = False) -> Column:
    return Column(name, "choice", required, choices, tuple(aliases.items()))


SPECS: dict[str, tuple[Column, ...]] = {
    "grants": (
        Column("grant_id", "text"),
        Column("citizen_id", "text"),
        Column("paragraph", "paragraph"),
        Column("account", "text", required=False),
        Column("provider", "text", required=False),
        _choice("provider_type", PROVIDER_TYPES, PROVIDER_TYPE_ALIASES),
        Column("start_date", "date"),
        Column("end_date", "date", required=False),
        _choice("end_reason", END_REASONS, END_REASON_ALIASES),
        _choice("unit", UNITS, UNIT_ALIASES, required=True),
        Column("rate", "number"),
        Column("quantity", "number", required=False),
        Column("price_year", "int", required=False),
        Column("decided_date", "date", required=False),
        Column("birth_date", "date", required=False),
        # who holds the case and their team (free text, never the citizen's: scrubbed of CPR numbers
        # on reading all the same); `prognose followup` groups its work list by them
        Column("caseworker", "text", required=False),
        Column("team", "text", required=False),
    ),
    "plan_steps": (
        Column("grant_id", "text"),
        Column("effective_date", "date"),
        Column("quantity", "number", required=False),
        Column("rate", "number", required=False),
    ),
    "postings": (
        Column("posting_date", "date"),
        Column("period", "period", required=False),
        Column("account", "text"),
        Column("amount", "money"),
        Column("art", "text", required=False),
        Column("citizen_id", "text", required=False),
        Column("grant_id", "text", required=False),
        _choice("source", SOURCES, SOURCE_ALIASES),
        Column("text", "text", required=False),
    ),
    "budget": (
        Column("account", "text"),
        Column("year", "int"),
        Column("amount", "money"),
    ),
    # the action plan's initiatives (buffers/initiatives.csv, initiatives.py): what each changes, from when
    "initiatives": (
        Column("name", "text"),
        _choice("kind", INITIATIVE_KINDS, {"færre nye": "fewer_new", "lavere pris": "lower_price",
                                           "tidligere ophør": "end_earlier", "flytning": "move", "fast beløb": "fixed"},
                required=True),
        Column("start", "date"),
        Column("share", "probability", required=False),
        Column("count", "number", required=False),
        Column("amount", "money", required=False),
        Column("cost", "money", required=False),
        Column("paragraph", "paragraph", required=False),
        Column("account", "text", required=False),
        _choice("provider_type", PROVIDER_TYPES, PROVIDER_TYPE_ALIASES),
        Column("to_paragraph", "paragraph", required=False),
    ),
    # the controller's own estimates (buffers/adjustments.csv): a month (period) or a year, an
    # amount on an account, and what it is and who entered it
    "adjustments": (
        Column("account", "text"),
        Column("period", "period", required=False),
        Column("year", "int", required=False),
        Column("amount", "money"),
        Column("paragraph", "paragraph", required=False),
        Column("note", "text"),
        Column("who", "text", required=False),
        Column("entered", "date", required=False),
        # a one-off by default (an accrual, a settlement of last year): only a row marked recurring
        # carries on into the years ahead in `project`
        _choice("recurring", ("no", "yes"), RECURRING_ALIASES),
    ),
}


# The engine's own frames, each by one name: the columns and types one step hands the next (the
# modules that make them build them from these, and the tests compare with them).
GRANT_MONTH = {"grant_id": pl.String, "month": pl.Date, "mi": pl.Int32, "after": pl.Boolean, "ore": pl.Int64}   # periodise
LINES = {"account": pl.String, "paragraph": pl.String, "provider_type": pl.String, "month": pl.Date,                # forecast
         "origin": pl.String, "grant_id": pl.String, "citizen_id": pl.String, "ore": pl.Int64}
BUFFER_LINES = {"account": pl.String, "paragraph": pl.String, "month": pl.Date, "citizen_id": pl.String,            # components
                "grant_id": pl.String, "ore": pl.Int64}   # grant_id: where a component's amount is one grant's (extensions)
EVENTS = {"account": pl.String, "group": pl.String, "dist": pl.String, "p": pl.Float64, "amount": pl.Float64,      # uncertainty
          "cv": pl.Float64, "group_cv": pl.Float64}
CITIZENS = {"citizen_id": pl.String, "account": pl.String, "paragraph": pl.String, "cost": pl.Int64,                # refusion
            "refund": pl.Int64, "band": pl.Int8}
YEARLY = {"account": pl.String, "year": pl.Int32, "booked": pl.Int64, "cost": pl.Float64}                          # forecast.yearly
MODEL = {"account": pl.String, "paragraph": pl.String, "provider_type": pl.String, "month": pl.Date,                # projection
         "source": pl.String, "arrival": pl.Date, "cost": pl.Float64}


# The columns of the controller's lists that components read (their records in components.py name them)
YOUTH_TRANSFERS_LIST = (
    Column("citizen_id", "text"),
    Column("expected_start", "date"),
    Column("paragraph", "paragraph"),
    _choice("unit", UNITS, UNIT_ALIASES, required=True),
    Column("rate", "number"),
    Column("quantity", "number", required=False),
    Column("probability", "probability", required=False),
)
STU_LIST = (
    Column("citizen_id", "text"),
    _choice("event", STU_EVENTS, {"slut": "end"}, required=True),
    Column("date", "date"),
    Column("paragraph", "paragraph", required=False),
    _choice("unit", UNITS, UNIT_ALIASES),
    Column("rate", "number", required=False),
    Column("quantity", "number", required=False),
)
