"""`kpi/domain` holds the rules on plain values: its modules import the standard library and each other,
nothing else (no Streamlit, no database, no ORM rows, no other part of `kpi`). Read with `ast`, not run."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "kpi" / "domain"


def outside_imports(source: str) -> list[str]:
    """Each import in `source` that reaches past the standard library and `kpi.domain`, as "line: module"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1 or (node.level == 0 and (node.module or "").startswith("kpi.domain")):
                continue  # a sibling rule
            names = [("." * node.level) + (node.module or "")]
        else:
            continue
        for name in names:
            if name.startswith(".") or name.split(".")[0] not in sys.stdlib_module_names:
                found.append(f"{node.lineno}: {name}")
    return found


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda path: path.name)
def test_a_domain_module_imports_only_the_standard_library_and_other_rules(path):
    assert outside_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source", [
    "import streamlit as st\n",
    "from sqlmodel import Session\n",
    "from ..models import Target\n",
    "from kpi.models import Target\n",
    "from .. import store\n",
])
def test_each_way_of_reaching_outside_the_domain_is_seen(source):
    assert outside_imports(source)


def test_the_standard_library_and_sibling_rules_are_fine():
    assert outside_imports("from __future__ import annotations\nfrom datetime import date\n"
                           "from .rollup import Rollup\nfrom kpi.domain.periods import Period\n") == []
