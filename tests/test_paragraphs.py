"""Paragraph spellings and the accounts a municipality books each paragraph on."""

import polars as pl

from prognose.paragraphs import DEFAULT_ACCOUNTS, accounts_in_use, normalise_paragraph


def test_spellings():
    raw = ["SEL 85", "SEL §85", "§ 85", "85", "Serviceloven § 85", "SEL § 85, stk. 1", "ABL §105", "§ 105 ABL", "STU"]
    out = pl.select(normalise_paragraph(pl.Series(raw))).to_series().to_list()
    assert out == ["SEL 85"] * 6 + ["ABL 105"] * 2 + ["STU"]


def test_the_municipalitys_own_account_wins_over_the_default_map():
    grants = pl.DataFrame({"paragraph": ["SEL 85", "SEL 85", "SEL 85", "SEL 96", "SEL 108"],
                           "account": ["5.38.38.004", "5.38.38.004", "5.38.38.003", "5.38.38.002", None]})
    accounts = accounts_in_use(grants, DEFAULT_ACCOUNTS)
    assert accounts["SEL 85"] == "5.38.38.004" and accounts["SEL 96"] == "5.38.38.002"
    assert accounts["SEL 108"] == DEFAULT_ACCOUNTS["SEL 108"]          # no grant shows one: the configured map


def test_on_equal_counts_the_configured_account():
    grants = pl.DataFrame({"paragraph": ["SEL 107", "SEL 107"], "account": ["5.38.99", "5.38.52"]})
    assert accounts_in_use(grants, DEFAULT_ACCOUNTS)["SEL 107"] == "5.38.52"
