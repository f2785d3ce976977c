"""The shape the style guide asks of the engine: modules under 400 lines, functions under 60,
and the layers in order (io reads and writes files; it does not import the reports or the core)."""

import ast

import pytest

from conftest import ROOT

MODULES = sorted((ROOT / "prognose").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_are_short(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"{path.name} has {len(text.splitlines())} lines"
    long = [(n.name, n.end_lineno - n.lineno + 1) for n in ast.walk(ast.parse(text))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 60]
    assert not long, f"functions over 60 lines in {path.name}: {long}"


@pytest.mark.parametrize("path", sorted((ROOT / "prognose" / "io").glob("*.py")), ids=lambda p: p.name)
def test_io_imports_neither_the_reports_nor_the_forecast(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    crossing = sorted(m for m in imported if m.startswith(("prognose.report", "prognose.forecast", "prognose.app", "prognose.cli")))
    assert not crossing, f"{path.name} imports {crossing}"


EDGE = ("io/", "app.py", "cli.py", "cli_support.py", "entry.py", "__main__.py", "background.py", "timing.py")
FILE_CALLS = {"read_parquet", "scan_parquet", "read_parquet_schema", "read_csv", "scan_csv", "read_excel", "read_text",
              "write_text", "read_bytes", "write_bytes", "open"}
TO_FILE = {"write_csv", "write_parquet", "write_json", "save"}   # to a file when given one, else to text or bytes


def _writes_a_file(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name in FILE_CALLS or (name in TO_FILE and (bool(call.args) or any(k.arg == "file" for k in call.keywords)))
PURE = [p for p in MODULES if not str(p.relative_to(ROOT / "prognose")).startswith(EDGE)]


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_middle_reads_no_file_and_starts_no_thread(path):
    """Pure modules take frames and give frames: files are read and written, and threads started,
    at the edge (io, app, cli) only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = sorted(ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call) and _writes_a_file(n))
    assert not calls, f"{path.name} calls {calls}"
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"threading", "concurrent.futures", "prognose.background", "prognose.timing"}, path.name
