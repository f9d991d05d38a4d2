"""Pages read through one path and write through one: no page or UI module reaches for the database itself.

Read with `ast`, not run. A page (`pages/*.py`, `app.py`) or a module of `kpi/ui` reads through the cached
reads (`kpi.ui.data`, `kpi.ui.data_upkeep`, `kpi.ui.data_reviews`) and writes through `kpi.writes`, one
function per user action, handing it the app's session factory (`kpi.ui.context.session`) and the acting
person. So none of them may

- import `kpi.store` (or any of its modules), `kpi.db`, `kpi.access.people` (the people's store), or
  anything from `sqlmodel` / `sqlalchemy` (`kpi.writes` turns the ORM's StaleDataError into its own
  `StaleWrite`, so nobody needs to catch SQLAlchemy's errors);
- open a session: call `kpi.ui.context.session()` (imported under any name, or as `context.session()`).

An import under `if TYPE_CHECKING:` is allowed: it never runs (a type in an annotation).

Allowed, each for a reason: the read path itself (the three modules above) and `kpi/ui/context.py`, which
builds the engine and `session()` that everything else is handed.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READ_PATH = {"kpi/ui/data.py", "kpi/ui/data_upkeep.py", "kpi/ui/data_reviews.py"}
ALLOWED = READ_PATH | {"kpi/ui/context.py"}
FORBIDDEN_MODULES = ("kpi.store", "kpi.db", "kpi.access.people", "sqlmodel", "sqlalchemy")
CONTEXT = "kpi.ui.context"


def _checked_files() -> list[str]:
    files = [*ROOT.glob("pages/*.py"), ROOT / "app.py", *ROOT.glob("kpi/ui/*.py")]
    return sorted(name for name in (str(path.relative_to(ROOT)) for path in files) if name not in ALLOWED)


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN_MODULES)


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """The module an ImportFrom reads from, relative imports resolved against `module` (a dotted name)."""
    if not node.level:
        return node.module or ""
    package = module.split(".")[:-node.level]
    return ".".join(package + ([node.module] if node.module else []))


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under `if TYPE_CHECKING:` (they never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, (ast.Name, ast.Attribute)) \
                and (getattr(node.test, "id", None) or getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skipped.update(id(child) for statement in node.body for child in ast.walk(statement))
    return skipped


def page_path_breaches(source: str, module: str) -> list[str]:
    """Each place in `source` (the module named `module`, e.g. "pages.data") that leaves the two paths."""
    tree = ast.parse(source)
    skipped = _type_checking_only(tree)
    openers: set[str] = set()    # names bound to kpi.ui.context.session
    contexts: set[str] = set()   # names bound to the module kpi.ui.context
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _forbidden(alias.name):
                    found.append(f"{node.lineno}: import {alias.name}")
                elif alias.name == CONTEXT and alias.asname:
                    contexts.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(node, module)
            for alias in node.names:
                full = f"{source_module}.{alias.name}" if source_module else alias.name
                if _forbidden(source_module) or _forbidden(full):
                    found.append(f"{node.lineno}: from {source_module} import {alias.name}")
                elif source_module == CONTEXT and alias.name == "session":
                    openers.add(alias.asname or alias.name)
                elif full == CONTEXT:
                    contexts.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Name) and called.id in openers:
                found.append(f"{node.lineno}: {called.id}() opens a session")
            elif isinstance(called, ast.Attribute) and called.attr == "session" \
                    and isinstance(called.value, ast.Name) and called.value.id in contexts:
                found.append(f"{node.lineno}: {called.value.id}.session() opens a session")
    return found


@pytest.mark.parametrize("path", _checked_files())
def test_a_page_reads_through_the_cached_reads_and_writes_through_kpi_writes(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    assert page_path_breaches(source, _module_name(path)) == [], (
        f"{path} reaches the database itself: read through kpi/ui/data*.py, write through kpi/writes.py")


def test_the_read_path_and_the_session_factory_exist():
    """The exceptions name real files: a rename must not quietly widen what is allowed."""
    assert all((ROOT / path).is_file() for path in ALLOWED)
    assert (ROOT / "kpi/writes.py").is_file()


# --- the checker catches each forbidden form -----------------------------------------------------------------

@pytest.mark.parametrize("source, module, expected", [
    ("from kpi import store\n", "pages.x", "from kpi import store"),
    ("from kpi.store import list_targets\n", "pages.x", "from kpi.store import list_targets"),
    ("from kpi.store.units import UnitTree\n", "pages.x", "from kpi.store.units import UnitTree"),
    ("import kpi.store\n", "pages.x", "import kpi.store"),
    ("import kpi.store.targets as targets\n", "pages.x", "import kpi.store.targets"),
    ("from .. import store\n", "kpi.ui.widgets", "from kpi import store"),
    ("from ..store import get_unit\n", "kpi.ui.widgets", "from kpi.store import get_unit"),
    ("from kpi.db import session_scope\n", "pages.x", "from kpi.db import session_scope"),
    ("from kpi import db\n", "app", "from kpi import db"),
    ("from .. import db\n", "kpi.ui.auth", "from kpi import db"),
    ("from kpi.access import people\n", "pages.x", "from kpi.access import people"),
    ("from ..access import people\n", "kpi.ui.auth", "from kpi.access import people"),
    ("from sqlmodel import Session\n", "pages.x", "from sqlmodel import Session"),
    ("from sqlalchemy.orm.exc import StaleDataError\n", "kpi.ui.x", "from sqlalchemy.orm.exc import StaleDataError"),
    ("import sqlalchemy as sa\n", "pages.x", "import sqlalchemy"),
    ("from kpi.ui.context import session\nwith session() as db:\n    pass\n", "pages.x", "2: session() opens"),
    ("from kpi.ui.context import session as open_session\nopen_session()\n", "pages.x", "2: open_session() opens"),
    ("from .context import session\ndef f():\n    with session() as db:\n        pass\n", "kpi.ui.widgets",
     "3: session() opens"),
    ("from kpi.ui import context\nwith context.session() as db:\n    pass\n", "pages.x", "context.session() opens"),
    ("import kpi.ui.context as ctx\nctx.session()\n", "pages.x", "ctx.session() opens"),
])
def test_the_checker_finds_each_way_around_the_two_paths(source, module, expected):
    breaches = page_path_breaches(source, module)
    assert len(breaches) == 1 and expected in breaches[0], breaches


@pytest.mark.parametrize("source, module", [
    ("from kpi import writes\nfrom kpi.ui.context import current_actor, session\n"
     "writes.create_review(session, actor=current_actor(), period='2020', held_on='1.2.2020')\n", "pages.x"),
    ("from kpi.ui import data, data_upkeep\nrows = data_upkeep.targets(indicator=None, unit=None, period=None,"
     " binding=None)\n", "pages.x"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..store.units import UnitTree\n", "kpi.ui.widgets"),
    ("from kpi.errors import InputError\nfrom kpi.writes import StaleWrite\n", "kpi.ui.shortfall_widgets"),
    ("from kpi.storefront import x\n", "pages.x"),  # a name that only starts like the store
])
def test_the_checker_lets_the_two_paths_through(source, module):
    assert page_path_breaches(source, module) == []
