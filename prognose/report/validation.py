"""How `prognose validate` looks: what was read, per file, the postings' dates and the grants,
and the sums per account and year against the budget."""

from __future__ import annotations

import polars as pl

from prognose.report.words import label
from prognose.words.locale import date_text, kroner, number


def text(rec, style) -> str:
    """What was read, per file, and the sums per account and year against the budget."""
    return validation(rec.extract, style.lang)


def validation(ex, lang: str) -> str:
    lines = []
    for f in ex.files:
        dialect = ", ".join(f"{k}: {v}" for k, v in f.dialect.items())
        lines.append(f"{f.path}: {number(f.rows, lang)} {label(lang, 'validate.rows')} ({dialect}); sha256 {f.sha256[:12]}")
    p = ex.postings
    if p.height:
        first, last = p["posting_date"].min(), p["posting_date"].max()
        periods = f"{p['period'].min():%Y-%m} … {p['period'].max():%Y-%m}"
        lines.append(label(lang, "validate.postings").format(first=date_text(first, lang), last=date_text(last, lang),
                                                             periods=periods))
    g = ex.grants
    n, citizens, open_ended = g.height, g["citizen_id"].n_unique(), g.filter(pl.col("end_date").is_null()).height
    lines.append(label(lang, "validate.grants").format(n=number(n, lang), citizens=number(citizens, lang),
                                                       open=number(open_ended, lang)))
    sums = (p.group_by("account", pl.col("period").dt.year().alias("year")).agg(pl.col("amount").sum())
            .sort("account", "year"))
    lines.append("")
    lines.append(f"{label(lang, 'account'):<14} {label(lang, 'validate.year'):>6} {label(lang, 'actual'):>18} {label(lang, 'budget'):>18}")
    budget = {(a, y): v for a, y, v in ex.budget.select("account", "year", "amount").iter_rows()}
    for account, year, amount in sums.iter_rows():
        b = budget.get((account, year))
        lines.append(f"{account:<14} {year:>6} {kroner(amount, lang):>18} {kroner(b, lang) if b is not None else '–':>18}")
    lines.append("")
    lines.append(label(lang, "validate.ok"))
    return "\n".join(lines) + "\n"
