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
