"""Imports are laid out so a reader can follow them: no cycle among the modules of `kpi`, and every import
at the top of its file, except a deliberately lazy one that says why on its line (`# lazy: <why>`), such as
python-docx pulled in only when a document is made. Read with `ast`, not run.

The graph is what running the imports would load: `from . import x` where `x` is a submodule imports `x`;
importing a package imports its `__init__`, and importing `kpi.a.b` imports the package `kpi.a` first
(unless the importer sits inside `kpi.a`, whose `__init__` has then already run). Imports under
`if TYPE_CHECKING:` run nothing and are left out; lazy imports are counted, as they load modules too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY_MARK = "# lazy:"


def module_names(root: Path, package: str = "kpi") -> dict[str, Path]:
    """Every module under `root/package`, by dotted name (a package by its own name, for its `__init__`)."""
    names = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """Each import statement with whether it sits in a function body, leaving out `if TYPE_CHECKING:` blocks."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for orelse in child.orelse:
                    yield from walk(ast.Module(body=[orelse], type_ignores=[]), in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            yield from walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                      ast.Lambda)))
    yield from walk(tree, False)


def imported_modules(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of `known` that importing `module` (whose text is `source`) loads."""
    found = set()
    for node, _ in _import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = module.split(".") if is_package else module.split(".")[:-1]
                base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            if target not in known:
                continue
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                ancestor = ".".join(parts[:depth])
                inside = module == ancestor or module.startswith(ancestor + ".")
                if ancestor in known and not inside:
                    found.add(ancestor)
    return found


def import_graph(root: Path, package: str = "kpi") -> dict[str, set[str]]:
    """Each module of `package` under `root` with the modules of `package` it imports."""
    names = module_names(root, package)
    return {name: imported_modules(path.read_text(encoding="utf-8"), name, path.name == "__init__.py",
                                   set(names))
            for name, path in names.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as its path (first module repeated at the end), or None.

    A depth-first walk: a step back onto the path being walked closes a cycle."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if step in on_path:
                return path[path.index(step):] + [step]
            if step in done:
                continue
            path.append(step)
            on_path.add(step)
            stack.append(iter(sorted(graph.get(step, ()))))
    return None


def late_imports(source: str) -> list[str]:
    """Each import inside a function body whose lines carry no `# lazy:` comment, as "line: statement"."""
    lines = source.splitlines()
    found = []
    for node, in_function in _import_nodes(ast.parse(source)):
        if not in_function:
            continue
        text = lines[node.lineno - 1:node.end_lineno]
        if not any(LAZY_MARK in line for line in text):
            found.append(f"{node.lineno}: {text[0].strip()}")
    return found


def test_no_module_of_kpi_imports_itself_round_a_cycle():
    cycle = find_cycle(import_graph(ROOT))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


CHECKED = sorted([*(ROOT / "kpi").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])


@pytest.mark.parametrize("path", CHECKED, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_import_is_at_the_top_unless_it_says_why_it_is_lazy(path):
    assert late_imports(path.read_text(encoding="utf-8")) == []


# The checkers on small samples, so the tests above cannot pass by seeing nothing.

def _graph_of(files: dict[str, str]) -> dict[str, set[str]]:
    known = set(files)
    return {name: imported_modules(source, name, name in {"p", "p.q"}, known) for name, source in files.items()}


@pytest.mark.parametrize("files, cycle", [
    ({"p": "", "p.a": "from . import b\n", "p.b": "from .a import x\n"}, ["p.a", "p.b", "p.a"]),
    ({"p": "", "p.a": "import p.b\n", "p.b": "def f():\n    from p import a  # lazy: hides nothing\n"},
     ["p.a", "p.b", "p.a"]),
    ({"p": "from .a import x\n", "p.a": "", "p.q": "", "p.q.c": "from ...p import x\n",
      "p.b": "from .q.c import y\n"}, None),
    ({"p": "", "p.q": "from .c import y\n", "p.q.c": "", "p.a": "from .q.c import y\n",
      "p.q.d": "from ..a import z\n"}, None),
    ({"p": "", "p.q": "from .d import w\n", "p.q.c": "", "p.q.d": "", "p.a": "from .q.c import y\n",
      "p.q.c2": ""}, None),
    ({"p": "", "p.q": "from .d import w\n", "p.q.d": "from ..a import z\n", "p.a": "from .q.c import y\n",
      "p.q.c": ""}, ["p.a", "p.q", "p.q.d", "p.a"]),
    ({"p": "", "p.a": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
      "p.b": "from .a import A\n"}, None),
])
def test_the_cycle_finder_sees_a_cycle_through_any_kind_of_import(files, cycle):
    assert find_cycle(_graph_of(files)) == cycle


@pytest.mark.parametrize("source, found", [
    ("def f():\n    import json\n", ["2: import json"]),
    ("class C:\n    def m(self):\n        from .db import engine\n", ["3: from .db import engine"]),
    ("def f():\n    from openpyxl import (\n        Workbook)  # lazy: only when a workbook is made\n", []),
    ("def f():\n    import docx  # lazy: only when a document is made\n", []),
    ("def f():\n    import docx  # late import, for start-up time\n",
     ["2: import docx  # late import, for start-up time"]),
    ("import json\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .db import engine\n", []),
    ("def f():\n    if TYPE_CHECKING:\n        from .db import engine\n", []),
])
def test_the_late_import_finder_sees_an_import_in_a_function_without_its_reason(source, found):
    assert late_imports(source) == found


# The top of kpi/ holds only what every layer stands on, plus the app's one write path; everything else
# lives in a folder named for its layer (README: Layout), so a new module has to choose one.
FOUNDATION = {"__init__", "__main__", "db", "models", "settings", "errors", "i18n", "clock", "plain_text",
              "writes"}
LAYERS = {"access", "admin", "domain", "features", "importing", "locales", "presentation", "reports", "store",
          "ui"}


def test_the_top_of_kpi_holds_only_the_foundation_and_the_layers_folders():
    modules = {path.stem for path in (ROOT / "kpi").glob("*.py")}
    folders = {path.name for path in (ROOT / "kpi").iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert modules - FOUNDATION == set(), "put a new module in the folder of its layer"
    assert folders - LAYERS == set(), "a new layer folder belongs in the README's Layout and in LAYERS here"


def test_every_layer_folder_says_what_it_holds():
    for name in sorted(LAYERS - {"locales"}):
        assert ast.get_docstring(ast.parse((ROOT / "kpi" / name / "__init__.py").read_text(encoding="utf-8"))), name
