"""Running the app from a shell: the `python -m kpi` command line, backup and restore, the demo data."""
