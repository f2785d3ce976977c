"""The folder lock: one writer at a time, and no lock file left behind."""

import threading
import time

from prognose.io.files import folder_lock


def test_a_waiter_gets_the_lock_when_the_holder_is_done_and_nothing_is_left(tmp_path):
    order = []
    held = threading.Event()

    def first():
        with folder_lock(tmp_path, ".lock", "busy"):
            held.set()
            order.append("first in")
            time.sleep(0.3)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    held.wait()
    with folder_lock(tmp_path, ".lock", "busy", wait=5):
        order.append("second in")
    t.join()
    assert order == ["first in", "first out", "second in"]
    assert list(tmp_path.iterdir()) == []


def workspace(tmp_path):
    from conftest import tiny_frames, write

    write(tiny_frames(), tmp_path / "data", "csv")
    (tmp_path / "prognose.toml").write_text("", encoding="utf-8")
    return ["--workspace", str(tmp_path), "--as-of", "2025-06-30"]


def test_output_never_replaces_a_device_a_folder_or_a_file_the_run_reads(tmp_path):
    """Items 1 and 2: -o onto a device replaced it with a file; -o onto postings.csv emptied the extract."""
    import os
    import stat

    from typer.testing import CliRunner

    from conftest import invoke

    ws, runner = workspace(tmp_path), CliRunner()
    postings = tmp_path / "data" / "postings.csv"
    before = postings.read_bytes()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (postings, tmp_path / "data", fifo, tmp_path / "prognose.toml", tmp_path / "snapshots" / "x.json"):
        result = invoke(runner, "run", "--no-save", "--format", "json", "-o", str(target), *ws)
        assert result.exit_code == 2 and str(target.name) in result.stderr, (target, result.stderr)
    assert postings.read_bytes() == before and stat.S_ISFIFO(os.stat(fifo).st_mode)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    refused = invoke(runner, "report", "--out-dir", str(tmp_path / "file"), *ws[:2])
    assert refused.exit_code == 2 and "a file, not a folder" in refused.stderr
    refused = invoke(runner, "report", "-o", str(tmp_path / "data" / "r.xlsx"), *ws[:2])
    assert refused.exit_code == 2 and "reads" in refused.stderr
    null = os.stat(os.devnull)           # -o /dev/null (as the benchmarks run) writes through it, never replaces it
    assert invoke(runner, "run", "--no-save", "--format", "json", "-o", os.devnull, *ws).exit_code == 0
    assert (os.stat(os.devnull).st_ino, stat.S_IFMT(os.stat(os.devnull).st_mode)) == (null.st_ino, stat.S_IFMT(null.st_mode))
    ok = invoke(runner, "run", "--no-save", "--format", "json", "-o", str(tmp_path / "out.json"), *ws)
    assert ok.exit_code == 0 and (tmp_path / "out.json").stat().st_size > 0


def test_init_keeps_every_file_that_is_there_and_says_so(tmp_path):
    """Item 3: init in a folder with the controller's lists but no prognose.toml overwrote them."""
    from typer.testing import CliRunner

    from conftest import invoke

    (tmp_path / "buffers").mkdir()
    lists = {"youth_transfers.csv": "citizen_id,expected_start\n1,2026-01-01\n", "stu.csv": "a\nb\n", "buffers.toml": "[deaths]\n"}
    for name, text in lists.items():
        (tmp_path / "buffers" / name).write_text(text, encoding="utf-8")
    result = invoke(CliRunner(), "init", str(tmp_path))
    assert result.exit_code == 0
    assert all((tmp_path / "buffers" / n).read_text(encoding="utf-8") == t for n, t in lists.items())
    assert (tmp_path / "prognose.toml").exists() and result.stderr.count("kept") == 3
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    assert invoke(CliRunner(), "init", str(tmp_path / "afile")).exit_code == 2
