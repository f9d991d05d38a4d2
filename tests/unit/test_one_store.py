"""Only `kpi/store` talks to the database: no other module of the app runs a query or a write of its own.

Read with `ast`, not run. Talking to the database means:

- calling `exec`, `execute`, `exec_driver_sql`, `add`, `add_all`, `delete`, `merge`, `get`, `query`, `scalar`
  or `scalars` on a session or connection: a name or attribute `session` or `…_session` (not Streamlit's
  `session_state`), a parameter typed as one (`Session`, `Connection`), or what a `with` binds from a call
  named like one (`Session(...)`, `session_scope(...)`, `own_transaction(...)`, `connect()`, `begin()`);
- building a statement: importing `select`, `insert`, `update`, `delete`, `text`, `func` and the like from
  `sqlmodel` or `sqlalchemy` (or a dialect's), or calling them on the imported module (`sa.select(...)`).

Handing a session on to a store function, typing a parameter as `Session`, catching SQLAlchemy's errors and
opening a transaction (`db.session_scope`) are not: the store does the talking inside them.

Allowed outside `kpi/store`, for its reason:

- `kpi/importing/writer.py`: the file import's bulk writer, thousands of rows a statement past the ORM (the
  README's Layout declares it; `bulk.py`, `sqlite_writer.py` and `postgres_writer.py` around it hand it
  rows and raw driver cursors, and are checked like everything else).

The engine itself (`kpi/db.py`: SQLite's PRAGMAs on connect, sessions, migrations) runs no query of its own;
whole databases (created, dropped, checked before a restore, their schema's revision) are
`kpi/store/databases.py`.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"kpi/importing/writer.py"}
TALKING = {"exec", "execute", "exec_driver_sql", "add", "add_all", "delete", "merge", "get", "query", "scalar",
           "scalars"}
BUILDERS = {"select", "insert", "update", "delete", "text", "func", "bindparam", "literal", "literal_column",
            "case", "exists", "union", "union_all", "values", "column", "table"}
DATABASE_MODULES = ("sqlmodel", "sqlalchemy")
SESSION_TYPES = {"Session", "OrmSession", "Connection"}
OPENERS = ("session", "transaction", "connect", "begin")


def _app_modules() -> list[str]:
    files = [*ROOT.glob("kpi/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    names = (str(path.relative_to(ROOT)) for path in files)
    return sorted(name for name in names if not name.startswith("kpi/store/") and name not in ALLOWED)


def _name(node: ast.AST) -> str:
    """`session` of `session`, `self.session`, `Session(...)`, `db.session_scope(...)`."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _is_database_module(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in DATABASE_MODULES


def database_talk(source: str) -> list[str]:
    """Each place in `source` that talks to the database, as "line: what"."""
    tree = ast.parse(source)
    sessions: set[str] = set()        # names bound to a session or connection
    modules: set[str] = set()         # names bound to sqlmodel / sqlalchemy modules
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None \
                and _name(node.annotation).split("[")[0] in SESSION_TYPES:
            sessions.add(node.arg)
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name) \
                and isinstance(node.context_expr, ast.Call):
            opener = _name(node.context_expr).lower()
            if opener in {t.lower() for t in SESSION_TYPES} or any(word in opener for word in OPENERS):
                sessions.add(node.optional_vars.id)
        elif isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name.split(".")[0]) for alias in node.names
                           if _is_database_module(alias.name))
        elif isinstance(node, ast.ImportFrom) and _is_database_module(node.module):
            for alias in node.names:
                if alias.name in BUILDERS:
                    found.append(f"{node.lineno}: imports {alias.name} from {node.module}")
                elif node.module.startswith("sqlalchemy.dialects") or alias.name == "dialects":
                    found.append(f"{node.lineno}: imports the dialect {alias.name}")
                elif alias.name in {"sql", "sqlalchemy"}:
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver, method = node.func.value, node.func.attr
        who = _name(receiver)
        is_session = who.lower().endswith("session") or who in sessions
        if method in TALKING and not isinstance(receiver, ast.Call) and is_session:
            found.append(f"{node.lineno}: {who}.{method}(...)")
        elif method in BUILDERS and isinstance(receiver, ast.Name) and receiver.id in modules:
            found.append(f"{node.lineno}: {receiver.id}.{method}(...)")
    return sorted(found, key=lambda text: int(text.split(":")[0]))


@pytest.mark.parametrize("path", _app_modules())
def test_no_module_outside_the_store_talks_to_the_database(path):
    assert database_talk((ROOT / path).read_text(encoding="utf-8")) == []


def test_the_declared_exceptions_still_exist_and_still_need_to_be():
    """An exception that no longer talks to the database should leave the list, not linger as a hole."""
    for path in sorted(ALLOWED):
        assert database_talk((ROOT / path).read_text(encoding="utf-8")), path


@pytest.mark.parametrize("source", [
    "def f(session):\n    session.add(row)\n",
    "def f(self):\n    self.session.execute(statement)\n",
    "def f(bind: Session):\n    bind.get(Person, 1)\n",
    "def f(session):\n    with own_transaction(session) as own:\n        own.add(person)\n",
    "def f(engine):\n    with engine.connect() as c:\n        c.exec_driver_sql('PRAGMA x')\n",
    "from sqlmodel import select\n",
    "from sqlalchemy import func\n",
    "from sqlalchemy.dialects import postgresql\n",
    "import sqlalchemy as sa\nsa.text('SELECT 1')\n",
])
def test_each_way_of_talking_to_the_database_is_seen(source):
    assert database_talk(source)


@pytest.mark.parametrize("source", [
    "from sqlmodel import Session\ndef f(session: Session):\n    return store.list_units(session)\n",
    "from sqlalchemy.exc import SQLAlchemyError\n",
    "def f(engine):\n    with db.session_scope(engine) as session:\n        return store.get_unit(session, 'X')\n",
    "def f(own):\n    return own.get('unit'), found.add(1)\n",
])
def test_passing_a_session_on_is_not_talking_to_the_database(source):
    assert database_talk(source) == []
