"""AppTest fixtures: the real app on a throw-away SQLite file, started as `make run` would."""
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

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
