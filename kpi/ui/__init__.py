"""Streamlit glue shared by app.py and the pages: the cached engine, the language, period pickers.

The only part of `kpi` that imports Streamlit; the rules and the store stay free of it.
"""
