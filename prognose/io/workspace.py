"""`prognose init`: a new municipality's workspace with a commented prognose.toml."""

from __future__ import annotations

from pathlib import Path

from prognose.components import toml_template
from prognose.errors import UsageError
from prognose.paragraphs import DEFAULT_ACCOUNTS

TEMPLATE = '''# prognose.toml — the workspace's settings. `prognose config` prints what is in force.

[paths]
data = "data"            # the extract: grants, postings, budget (+ plan_steps) as .csv/.xlsx/.parquet
buffers = "buffers"      # the controller's assumptions: youth_transfers.csv, stu.csv, buffers.toml
snapshots = "snapshots"  # one folder per forecast run
backtest = "backtest"    # month-end extracts of a past year (YYYY-MM-DD/), for `prognose backtest`
key_file = ".prognose-key"  # key for CPR pseudonyms: local, never in version control

[display]
lang = "da"                    # da or en
deviation = "forecast-budget"  # or "budget-forecast" (then + is mindreforbrug)

[grants]
own_settled_per_grant = false  # true if own institutions settle per grant (else their cost is payroll)

# Months of cost typically not yet invoiced at a month's end, per provider type. Used only where
# postings are not linked to grants; otherwise it is learned from the postings.
[billing.outstanding_months]
own = 0.0
municipality = 2.0
region = 2.0
private = 1.0

# Price index (e.g. KL's pris- og lønskøn): rates with a price_year are scaled index[year]/index[price_year].
[price_index]
# 2023 = 100.0
# 2024 = 102.3

# Where a grant has no account, its paragraph gives it (SPEC §6). Edit to your chart of accounts.
[paragraph_accounts]
{accounts}

# The state's refund of particularly expensive single cases (kind 8.6). Left as it is, the engine
# learns how you settle and the thresholds you are refunded at from the refunds booked; set the
# year's thresholds (DKK) once they are published, or anything your municipality does otherwise.
[refusion]
# enabled = "auto"           # auto: where refunds have been booked; on; off
# settlement = "learn"       # learn | quarterly | after_year
# shares = [0.25, 0.50]
# paragraphs = []            # empty: every paragraph but STU
# min_age = 18
# own_provision = true
# [refusion.thresholds]
# 2026 = [1_100_000, 2_200_000]

# Column names of your exports mapped onto the standard names, per file, e.g. an Opus export:
# [columns.postings]
# "Bogføringsdato" = "posting_date"
# "Beløb" = "amount"
# "Funktion" = "account"
'''

def init_workspace(directory: Path) -> tuple[list[Path], list[Path]]:
    """The workspace's folders and starting files: (created, kept). A file that is there already
    is kept as it is, never overwritten: a folder with the controller's lists but no settings yet
    gets the settings and keeps the lists."""
    directory = Path(directory)
    cfg = directory / "prognose.toml"
    if cfg.exists():
        raise UsageError(f"{cfg} exists already; init never overwrites a workspace")
    for folder in (directory, directory / "data", directory / "buffers", directory / "snapshots"):
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder} is a file; init lays out a workspace in a folder (give a new or an existing folder)")
    accounts = "\n".join(f'"{p}" = "{a}"' for p, a in DEFAULT_ACCOUNTS.items())
    created, kept = [], []
    for sub in ("data", "buffers", "snapshots"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
        created.append(directory / sub)
    files = {cfg: TEMPLATE.format(accounts=accounts), directory / ".gitignore": ".prognose-key\nsnapshots/\n",
             directory / "buffers" / "youth_transfers.csv": "citizen_id,expected_start,paragraph,unit,rate,quantity,probability\n",
             directory / "buffers" / "stu.csv": "citizen_id,event,date,paragraph,unit,rate,quantity\n",
             directory / "buffers" / "buffers.toml": toml_template()}
    for path, text in files.items():
        try:
            with open(path, "x", encoding="utf-8") as f:     # "x": never onto a file that is there
                f.write(text)
            created.append(path)
        except FileExistsError:
            kept.append(path)
    return created, kept
