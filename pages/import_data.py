"""(being built)"""
import streamlit as st

from kpi.ui.context import leave_legacy_pages_mode

leave_legacy_pages_mode()
st.title("…")
