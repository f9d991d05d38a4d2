"""Speed and memory at scale: `python -m bench --measurements N --out FILE.json` (README "Performance").

    shape.py       how big everything is for N measurements (indicators, divisions, units, the calendar)
    catalogue.py   the indicators (every aggregation rule) and the unit tree, made with the store's functions
    generate.py    realistic values as CSV files, imported through the app's own import path
    targets.py     targets for every year, set around the actuals, made with store.create_target
    database.py    a database of the bench's own (a temporary SQLite file, or a new one on a PostgreSQL server)
    app_timing.py  the app's scorecard, the database's floor, the pages in AppTest
    naive.py       the same statuses the usual way (pandas.read_sql + pandas), in a process of its own
    timing.py      median after a warm-up, peak resident size
    report.py      the table: figures, ratios, goals
    harness.py     all of it in order; __main__.py reads the command line

The older single-purpose scripts (import_bench.py, scorecard_bench.py, apptest_rerun.py, meeting_load.py)
stay as they are. Goals live here, not in timed tests.
"""
