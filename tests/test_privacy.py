"""No CPR number, in any form an export holds it, reaches any output: stdout, stderr, the snapshot
(every parquet and JSON file) or the director's workbook — on a postings file large enough
(over 50.000 rows) to take the paths the engine uses for large columns."""

import datetime as dt
import re
import zipfile

import polars as pl
from conftest import invoke, tiny_frames, write

D = dt.date
# one citizen written every way, a replacement number (day + 60), and a second citizen in free text
FORMS = ["0101901234", "010190-1234", " 0101901234 ", "010190 1234", "101901234"]
REPLACEMENT = "6101901234"
OTHER = "0202905678"
DIGITS = ["0101901234", "101901234", "6101901234", "0202905678"]
SHAPES = re.compile(r"(?<!\d)(\d{6}[-\s]?\d{4}|\d{9})(?!\d)")


def large_extract(tmp_path):
    frames = tiny_frames()
    g = frames["grants"]
    frames["grants"] = pl.concat([g, g.head(1).with_columns(pl.lit("G3").alias("grant_id"),
                                                            pl.lit(REPLACEMENT).alias("citizen_id"),
                                                            pl.lit(f"Bostedet v. {OTHER}").alias("provider"))])
    # who holds the case, typed with a citizen's number in it (the follow-up's groups are these names)
    frames["grants"] = frames["grants"].with_columns(pl.Series("caseworker", ["MLJ", f"ABC {OTHER}", FORMS[1]]),
                                                     pl.Series("team", [f"Botilbud {FORMS[0].strip()}", "Bostøtte", None]))
    p = frames["postings"].head(2)
    n = 60_000
    ids = [FORMS[i % len(FORMS)] for i in range(n)]
    big = pl.concat([p] * (n // 2)).with_columns(
        pl.Series("citizen_id", ids),
        # free text holds the ten-digit forms (a lost leading zero happens to a number cell, not to text)
        pl.Series("text", [f"Faktura {FORMS[i % 4].strip()},{OTHER} {REPLACEMENT}" for i in range(n)]),
        pl.lit(None, pl.String).alias("grant_id"))
    frames["postings"] = pl.concat([frames["postings"], big])
    data = write(frames, tmp_path / "data", "csv")
    (tmp_path / "buffers").mkdir()
    (tmp_path / "buffers" / "youth_transfers.csv").write_text(
        "citizen_id,expected_start,paragraph,unit,rate,quantity,probability\n"
        f"{FORMS[3]},2025-09-01,SEL 108,year,100000,1,0.5\n{OTHER},2025-10-01,SEL 108,year,100000,1,0.5\n",
        encoding="utf-8")
    (tmp_path / "buffers" / "adjustments.csv").write_text(
        f"account,year,amount,note,who\n5.38.50,2025,1000,Aftale om {FORMS[0].strip()} og {OTHER},controller {OTHER}\n",
        encoding="utf-8")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    return data


def leaks(text: str) -> list[str]:
    return [m for m in SHAPES.findall(text) if m.replace("-", "").replace(" ", "").zfill(10) in
            {d.zfill(10) for d in DIGITS}]


def test_no_cpr_number_anywhere(runner, tmp_path):
    large_extract(tmp_path)
    ws = ["--workspace", str(tmp_path)]
    outputs = [invoke(runner, "run", "--as-of", "2025-06-30", *ws, "--format", fmt) for fmt in ("table", "json", "csv")]
    outputs += [invoke(runner, "--verbose", "validate", *ws), invoke(runner, "buffers", "--as-of", "2025-06-30", *ws),
                invoke(runner, "report", "-o", str(tmp_path / "r.xlsx"), "--with-citizens", *ws)]
    outputs += [invoke(runner, "explain", *args, *ws, "--format", fmt) for fmt in ("table", "json", "csv")
                for args in (["--account", "5.38.50", "--postings"], ["--grant", "G1"], ["--paragraph", "SEL 108"])]
    some_cpr = sorted(DIGITS)[0]
    outputs += [invoke(runner, "project", "--as-of", "2025-06-30", *ws, "--format", fmt) for fmt in ("table", "json", "csv")]
    outputs += [invoke(runner, "whatif", "--paragraph", "SEL 108", "--unit", "year", "--rate", "900000", "--start", "2025-08-01",
                       "--citizen", some_cpr, "--as-of", "2025-06-30", *ws, "--format", fmt) for fmt in ("table", "json")]
    outputs += [invoke(runner, "followup", "--as-of", "2025-06-30", *ws, "--format", fmt) for fmt in ("table", "json", "csv")]
    outputs += [invoke(runner, "followup", "--as-of", "2025-06-30", *ws, "-o", str(tmp_path / "f.xlsx"))]
    for result in outputs:
        assert result.exit_code == 0, result.stderr
        assert not leaks(result.stdout + result.stderr)
    snapshot = next((tmp_path / "snapshots").glob("2025-06-30*"))
    for path in snapshot.rglob("*"):
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for column in [c for c, t in frame.schema.items() if t == pl.String]:
                values = frame.get_column(column).drop_nulls().unique().to_list()
                assert not leaks("\n".join(values)), (path.name, column)
        elif path.is_file():
            assert not leaks(path.read_text(encoding="utf-8")), path.name
    for workbook in ("r.xlsx", "f.xlsx"):
        with zipfile.ZipFile(tmp_path / workbook) as book:
            for name in book.namelist():
                assert not leaks(book.read(name).decode("utf-8", "replace")), (workbook, name)
    pseudonyms = pl.read_parquet(snapshot / "inputs" / "postings.parquet").get_column("citizen_id").drop_nulls().unique()
    assert pseudonyms.len() == 1            # every form of the one citizen became one pseudonym


# the items 12–16 and 19: the columns that were not scrubbed, in the forms that got out
EVERY = {"0101901234": "010190\u20131234", "2411582573": "241158-2573", "0202905678": "020290.5678",
         "0504422648": "504422648", "0303905555": "CPR 030390 5555"}
EVERY_SHAPE = re.compile(r"(?<!\d)(\d{6}\D?\d{4}|\d{9})(?!\d)")


def leaked(text: str) -> list[str]:
    found = ("".join(ch for ch in m if ch.isdigit()).zfill(10) for m in EVERY_SHAPE.findall(text))
    return [d for d in found if d in EVERY]


def every_column_workspace(tmp_path):
    frames = tiny_frames()
    c, g, o, n, p = EVERY.values()
    frames["grants"] = frames["grants"].with_columns(pl.Series("grant_id", [g, "G2"]), pl.Series("citizen_id", [c, "P-ANON-7"]),
                                                     pl.Series("account", ["5.38.50", o]))
    frames["postings"] = frames["postings"].with_columns(
        pl.Series("grant_id", [g.replace("-", ""), g, None, None]), pl.Series("citizen_id", [c, c, None, n]),
        pl.Series("art", ["4.9", n, "1.1", None]), pl.Series("text", [f"Faktura {c}", f"Faktura {n}", p, "Kreditnota"]))
    frames["budget"] = frames["budget"].with_columns(pl.Series("account", ["5.38.50", "5.38.38", p]))
    write(frames, tmp_path / "data", "csv")
    (tmp_path / "buffers").mkdir()
    (tmp_path / "buffers" / "adjustments.csv").write_text(
        f"account,year,amount,note\n5.38.50,2025,1000,Aftale om {c}\x07\n{o},2025,500,\x1b[2Jrettet {p}\n", encoding="utf-8")
    (tmp_path / "buffers" / "initiatives.csv").write_text(
        f"name;kind;start;share\nFærre nye til {c};fewer_new;01.01.2026;0,1\nBillig {n}\x00;lower_price;01.01.2026;0,05\n",
        encoding="utf-8")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")


def test_every_column_and_every_form_is_scrubbed_and_control_characters_break_no_report(runner, tmp_path):
    every_column_workspace(tmp_path)
    ws = ["--workspace", str(tmp_path)]
    outputs = [invoke(runner, "run", "--as-of", "2025-06-30", *ws, "--format", "json")]
    outputs += [invoke(runner, "report", "-o", str(tmp_path / f"r-{lang}.xlsx"), "--lang", lang, *ws) for lang in ("da", "en")]
    outputs += [invoke(runner, "project", "--initiatives", "--as-of", "2025-06-30", *ws, "--format", fmt) for fmt in ("table", "json")]
    outputs += [invoke(runner, "explain", "--account", "5.38.50", "--postings", *ws, "--format", "csv"),
                invoke(runner, "explain", "--paragraph", "SEL 108", *ws, "--format", "json")]
    for result in outputs:
        assert result.exit_code == 0, result.stderr
        assert not leaked(result.stdout + result.stderr), result.stdout + result.stderr
        assert not any(ch in result.stdout for ch in "\x00\x07\x1b")
    refused = [invoke(runner, "explain", "--citizen", EVERY["0504422648"], *ws),
               invoke(runner, "whatif", "--paragraph", "SEL 108", "--unit", "year", "--rate", "900000", "--start", "2025-08-01",
                      "--citizen", EVERY["0504422648"], "--as-of", "2025-06-30", *ws)]
    found = [invoke(runner, "explain", "--grant", "241158 2573", *ws, "--format", "json"),
             invoke(runner, "explain", "--citizen", "0101901234", *ws, "--format", "json")]
    for result in found:
        assert result.exit_code == 0, result.stderr     # found by the pseudonym the number is given
    for result in refused + found:
        assert not leaked(result.stdout + result.stderr), result.stdout + result.stderr
    snapshot = next((tmp_path / "snapshots").glob("2025-06-30*"))
    for path in snapshot.rglob("*"):
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for column in [c for c, t in frame.schema.items() if t == pl.String]:
                assert not leaked("\n".join(frame.get_column(column).drop_nulls().unique().to_list())), (path.name, column)
        elif path.is_file():
            assert not leaked(path.read_text(encoding="utf-8")), path.name
    for lang in ("da", "en"):
        with zipfile.ZipFile(tmp_path / f"r-{lang}.xlsx") as book:
            for name in book.namelist():
                assert not leaked(book.read(name).decode("utf-8", "replace")), name


def test_debug_shows_where_an_internal_error_arose_but_no_cpr_number(runner, tiny, monkeypatch):
    """Item 17: --debug printed the traceback of an error whose words quoted a grants field raw."""
    import prognose.commands.edge as edge

    def broken(*_):
        try:
            int("010190-1234")
        except ValueError as e:
            raise RuntimeError(f"field {EVERY['0504422648']} in {EVERY['0101901234']}") from e

    monkeypatch.setattr(edge, "read_extract", broken)
    (tiny.parent / "prognose.toml").write_text("", encoding="utf-8")
    result = invoke(runner, "--debug", "run", "--no-save", "--as-of", "2025-06-30", "--workspace", str(tiny.parent))
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "broken" in result.stderr and "RuntimeError" in result.stderr
    assert not leaked(result.stderr), result.stderr
