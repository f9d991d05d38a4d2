"""Links between pages, as query parameters, so any view can be opened from a meeting invitation."""
from __future__ import annotations

import streamlit as st

DRILLDOWN_PAGE = "pages/drilldown.py"
MEETING_PAGE = "pages/meeting.py"


def drilldown_params(indicator: str, period: str, unit: str | None) -> dict[str, str]:
    params = {"indicator": indicator, "period": period}
    if unit:
        params["unit"] = unit
    return params


def open_drilldown(indicator: str, period: str, unit: str | None) -> None:
    st.switch_page(DRILLDOWN_PAGE, query_params=drilldown_params(indicator, period, unit))
