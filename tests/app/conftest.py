"""AppTest fixtures: the real app on a throw-away SQLite file, started as `make run` would."""
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import BACKENDS, drop_database, make_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The app on an empty database: the first run upgrades it and loads the demo."""
    monkeypatch.setenv("KPI_DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.sqlite3'}")
    monkeypatch.setenv("KPI_DEFAULT_LANGUAGE", "fi")
    st.cache_resource.clear()  # cache_resource is shared by every AppTest in this process
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    yield at
    st.cache_resource.clear()


@pytest.fixture(params=BACKENDS)
def app_on_each_backend(request, tmp_path, monkeypatch):
    """The app on an empty database of each backend (SQLite, PostgreSQL): the first run loads the demo."""
    url = make_database(request.param, tmp_path)
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEFAULT_LANGUAGE", "fi")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    st.cache_resource.clear()
    drop_database(request.param, url)
