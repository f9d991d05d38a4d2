"""Steering-group KPI review: indicators, targets, rollups and the scorecard.

Layout: `domain` holds the pure rules, `store` is the one place that talks to the database,
`scorecard` puts the two together, `cli` is `python -m kpi`, pages in `/pages` only render.
"""
