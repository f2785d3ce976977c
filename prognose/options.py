"""One frozen record of what a run is told: the options, made once at the edge from prognose.toml,
buffers.toml's folder and the command line (io/config.py), handed to every step, stored typed in a
snapshot's meta.json and read back typed (to_stored / from_stored).

Every setting is declared here once, with its type and default; msgspec checks the types where a
record is read back, and keeps a float as the float it was (a price index of 103,4567 comes back as
103,4567).
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from prognose.bands import Bands
from prognose.paragraphs import DEFAULT_ACCOUNTS
from prognose.refusion import Rule
from prognose.words.locale import catalogue

# Months of cost a provider type typically has not yet invoiced at a month's end, used only
# where no postings are linked to grants to learn it from (see lag.py).
DEFAULT_OUTSTANDING = {"own": 0.0, "municipality": 2.0, "region": 2.0, "private": 1.0}
# where a workspace keeps things: not a setting of what is computed, and not kept in a snapshot
PATHS = ("workspace", "data", "buffers", "snapshots", "key_file", "backtest")
# what changes how the results are shown, not what is forecast (a snapshot made under other ones holds the same)
SHOWN = ("lang", "deviation_sign", "csv", "highlight_percent", "activity_bands", "strict", "origins")


class Options(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    # where (paths.*), absolute
    workspace: Path = Path(".")
    data: Path = Path("data")
    buffers: Path = Path("buffers")
    snapshots: Path = Path("snapshots")
    key_file: Path = Path(".prognose-key")
    backtest: Path | None = None
    # how it is shown ([display]; --lang, --csv-dialect)
    lang: str = "da"
    deviation_sign: str = "forecast-budget"
    csv: str | None = None               # CSV dialect, danish or international; None: danish where lang is da
    highlight_percent: float = 3.0       # the director's report marks an overspend of at least this share of its budget
    # what is computed
    paragraph_accounts: dict[str, str] = msgspec.field(default_factory=lambda: dict(DEFAULT_ACCOUNTS))
    price_index: dict[int, float] = msgspec.field(default_factory=dict)
    columns: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)
    outstanding_months: dict[str, float] = msgspec.field(default_factory=lambda: dict(DEFAULT_OUTSTANDING))
    own_settled_per_grant: bool = False
    refusion: Rule = msgspec.field(default_factory=Rule)
    activity_bands: dict[str, Bands] = msgspec.field(default_factory=dict)   # paragraph → bands ([activity.bands])
    strict: bool = False                 # --strict: every warning about the input is an error
    origins: dict[str, str] = msgspec.field(default_factory=dict)            # setting → where it came from

    @property
    def csv_dialect(self) -> str:
        """How CSV is written: as display.csv or --csv-dialect say, else danish in Danish."""
        return self.csv or catalogue(self.lang)["csv.dialect"]

    def computed(self) -> dict:
        """What changes the forecast, as a snapshot keeps it (two runs with the same are the same run)."""
        return {k: v for k, v in to_stored(self).items() if k not in SHOWN}


def to_stored(opts: Options) -> dict:
    """The options as a snapshot's meta.json keeps them: typed JSON values, without the paths."""
    return {k: v for k, v in msgspec.to_builtins(opts, enc_hook=str).items() if k not in PATHS}


def from_stored(stored: dict, **where) -> Options:
    """Options as a snapshot kept them (to_stored), typed again; `where` the paths to go with them."""
    return msgspec.convert({**stored, **{k: str(v) for k, v in where.items()}}, Options, dec_hook=_decode, strict=False)


def _decode(kind, value):
    if kind is Path:
        return Path(value)
    raise NotImplementedError(kind)
