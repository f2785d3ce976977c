"""Legal bases (paragraphs): normalising the spellings case systems use, and paragraph groups.

`SEL 85`, `SEL §85`, `§ 85`, `85`, `Serviceloven § 85` all become `SEL 85`;
`ABL 105`, `§ 105 ABL`, `Almenboligloven § 105` become `ABL 105`; `STU` stays `STU`.
"""

from __future__ import annotations

import polars as pl

BPA = ("SEL 95", "SEL 96")


def normalise_paragraph(expr: pl.Expr) -> pl.Expr:
    """Vectorised normalisation; a spelling that cannot be read becomes null (a reported problem)."""
    s = expr.str.to_uppercase().str.strip_chars()
    is_stu = s.str.contains(r"^(STU|SÆRLIGT TILRETTELAGT UNGDOMSUDDANNELSE)$")
    is_abl = s.str.contains(r"ABL|ALMENBOLIG")
    number = s.str.extract(r"(?:^|[^0-9])(\d{1,3}[A-Z]?)(?:[^0-9]|$)", 1)
    cleaned = s.str.replace_all(r"SERVICELOVEN|ALMENBOLIGLOVEN|SEL|ABL|§|STK\.?\s*\d+|[\s.,]", "")
    only_number = cleaned.str.contains(r"^\d{1,3}[A-Z]?$")
    return (
        pl.when(is_stu).then(pl.lit("STU"))
        .when(only_number & is_abl).then(pl.lit("ABL ") + number)
        .when(only_number).then(pl.lit("SEL ") + number)
        .otherwise(None)
    )


LAW_ORDER = {"SEL": 0, "ABL": 1, "STU": 2}


def natural_order(column: str) -> list[pl.Expr]:
    """Sort keys that put paragraphs in the order of the law (SEL 85 before SEL 103, Serviceloven
    before Almenboligloven before STU); any other text (an account, a provider type) sorts as text."""
    c = pl.col(column)
    law = c.str.extract(r"^([A-ZÆØÅ]+)", 1)
    return [law.replace_strict(LAW_ORDER, default=len(LAW_ORDER), return_dtype=pl.Int32).fill_null(len(LAW_ORDER) + 1),
            c.str.extract(r"(\d+)", 1).cast(pl.Int32, strict=False),
            c]


def order_key(paragraph: str) -> tuple:
    """natural_order for one paragraph in Python: ('SEL 85' before 'SEL 103')."""
    law, _, rest = paragraph.partition(" ")
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (LAW_ORDER.get(law, len(LAW_ORDER)), int(digits) if digits else -1, paragraph)


DEFAULT_ACCOUNTS = {
    "SEL 85": "5.38.38",
    "SEL 95": "5.38.38",
    "SEL 96": "5.38.38",
    "SEL 107": "5.38.52",
    "SEL 108": "5.38.50",
    "ABL 105": "5.38.51",
    "SEL 109": "5.38.42",
    "SEL 110": "5.38.42",
    "SEL 97": "5.38.53",
    "SEL 98": "5.38.53",
    "SEL 99": "5.38.53",
    "SEL 103": "5.38.58",
    "SEL 104": "5.38.59",
    "STU": "3.30.46",
}


def accounts_in_use(grants: pl.DataFrame, configured: dict[str, str]) -> dict[str, str]:
    """paragraph → the account the municipality's own grants of that paragraph carry most often
    (on equal counts the configured one, else the first in order); the configured map for a
    paragraph no grant with an account shows. What carries a paragraph but no account — list
    rows, expected inflow, a grant without one — is placed where the municipality books it."""
    counts = (grants.filter(pl.col("account").is_not_null())
              .group_by("paragraph", "account").agg(pl.len().alias("n"))
              .with_columns(pl.struct("paragraph", "account").is_in(
                  pl.DataFrame({"paragraph": list(configured), "account": list(configured.values())},
                               schema={"paragraph": pl.String, "account": pl.String}).to_struct().implode()
              ).alias("configured"))
              .sort(["paragraph", "n", "configured", "account"], descending=[False, True, True, False])
              .unique("paragraph", keep="first", maintain_order=True))
    learned = dict(zip(counts.get_column("paragraph").to_list(), counts.get_column("account").to_list()))
    return {**configured, **learned}
