"""The shape the style guide asks of the engine: modules under 400 lines, functions under 60,
and the layers in order (io reads and writes files; it does not import the reports or the core);
words only at the edge, commands that do not render, one place that chooses a writer, and no
circle among the modules."""

import ast
import re

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
    crossing = sorted(m for m in imported if m.startswith(("prognose.report", "prognose.forecast", "prognose.commands",
                                                          "prognose.cli")))
    assert not crossing, f"{path.name} imports {crossing}"


EDGE = ("io/", "commands/", "cli.py", "entry.py", "__main__.py", "background.py", "timing.py")
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
    at the edge (io, commands, cli) only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = sorted(ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call) and _writes_a_file(n))
    assert not calls, f"{path.name} calls {calls}"
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"threading", "concurrent.futures", "prognose.background", "prognose.timing"}, path.name


def _name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path, top_level_only: bool = False) -> set[str]:
    """The prognose modules a module imports (at its top, or anywhere in it), as module names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("prognose"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("prognose"))
    names = {_name(p) for p in MODULES}
    return {m for m in found if m in names}


# The writers and the words they use; everything else computes, and takes no language
WRITERS = ("report/", "words/", "commands/", "cli.py")
COMPUTING = [p for p in MODULES if not str(p.relative_to(ROOT / "prognose")).startswith(WRITERS)]


@pytest.mark.parametrize("path", COMPUTING, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_language_below_the_commands(path):
    """Computing code says things as messages (words/message.py) and never chooses a language:
    no parameter named lang, no test of one, no {"da": …, "en": …} of its own."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    params = [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
              for a in (*n.args.args, *n.args.kwonlyargs) if a.arg == "lang"]
    assert not params, f"{path.name}: functions that take a language: {params}"
    assert not re.search(r"lang\s*==|==\s*lang\b", text), f"{path.name} tests a language"
    assert not re.search(r"""["']da["']\s*:""", text), f"{path.name} keeps Danish words of its own"


COMMANDS = sorted((ROOT / "prognose" / "commands").glob("*.py"))
RENDERERS = ("rich", "openpyxl", "great_tables")


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p.name)
def test_a_commands_step_imports_no_renderer(path):
    """A command reads, computes and returns a record; how it looks is the writers' (report/write/)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    steps = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name != "command"]
    for node in [*tree.body, *(x for s in steps for x in ast.walk(s))]:
        names = ([node.module or ""] if isinstance(node, ast.ImportFrom) else
                 [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        for name in names:
            assert not name.startswith(RENDERERS), f"{path.name} imports {name}"
            if name.startswith("prognose.report"):
                # the writers (report/write) and the words of a message on stderr; a report builder
                # that composes the director's sentences is the report command's own
                assert name in ("prognose.report", "prognose.report.write", "prognose.report.words",
                                "prognose.report.director", "prognose.report.diff_report"), f"{path.name} imports {name}"


def test_one_place_chooses_a_writer():
    """The format is chosen in report/write/__init__.py alone: no other module asks which format it
    is writing, and none but it reaches a writer of one format."""
    chooser = ROOT / "prognose" / "report" / "write" / "__init__.py"
    for path in MODULES:
        if path == chooser:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bfmt\s*[!=]=|format_?\s*[!=]=\s*[\"']", text), f"{path.name} chooses a format"
        reached = {m for m in _imports(path) if re.fullmatch(r"prognose\.report\.write\.(table|csv|json|xlsx|html)", m)}
        assert not reached or path.parent == chooser.parent, f"{path.name} imports the writer {reached}"


def test_no_circle_among_the_modules():
    """No module imports one that, through others, imports it again (imports inside functions count):
    every module stands above all it imports."""
    graph = {_name(p): _imports(p) - {_name(p)} for p in MODULES}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                raise AssertionError("circle: " + " → ".join(path[path.index(n):] + [n]))
            if n not in state:
                visit(n)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
