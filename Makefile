# Developer entry points: `make run` starts the app, `make test` runs the suite.
# Everything goes through .venv so the pinned requirements are what runs.

VENV := .venv
PY   := $(VENV)/bin/python
STAMP := $(VENV)/.stamp-requirements

# These name actions, not files; the venv itself is tracked by $(STAMP).
.PHONY: venv run test cluster clean

venv: $(STAMP)

# Create the venv only when it is missing (no prerequisites, so never "stale").
$(PY):
	python3 -m venv $(VENV)

# Re-run pip only when a requirements file changed since the last install.
# Order-only on $(PY): its mtime follows the symlink to the interpreter,
# which says nothing about whether the packages are current.
# The stamp is touched last, so a failed install is retried next time.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(VENV)/bin/pip install -r requirements-dev.txt
	touch $@

# Bring the schema up to date and seed demo data on a first run only,
# then serve on loopback. KPI_COOKIE_SECRET (environment or .env), when set, becomes Streamlit's
# server.cookieSecret too (through STREAMLIT_SERVER_COOKIE_SECRET: an argument would show in `ps`).
run: venv
	$(PY) -m kpi db upgrade
	$(PY) -m kpi demo load --if-empty
	@secret="$$($(PY) -c 'from kpi.settings import get_settings; s = get_settings().cookie_secret; print(s.get_secret_value() if s else "")')"; \
	if [ -n "$$secret" ]; then export STREAMLIT_SERVER_COOKIE_SECRET="$$secret"; fi; \
	echo "$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port 8501"; \
	exec $(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port 8501

# Two app servers (127.0.0.1:8601, :8602) behind nginx on 127.0.0.1:8500, on a local PostgreSQL
# database kpi_cluster (or KPI_CLUSTER_DATABASE_URL); Ctrl-C stops them all. See deploy/README.md.
cluster: venv
	$(PY) deploy/cluster.py run

# e.g. make test PYTEST_ARGS='-k postgres -x'
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

# Also the SQLite journal/WAL sidecars, so a fresh run starts from nothing.
clean:
	rm -rf $(VENV) data/*.sqlite3 data/*.sqlite3-*

# Speed and memory at scale (bench/, README "Performance"): figures in bench/results/*.json, a table on stdout.
# PostgreSQL too when KPI_BENCH_POSTGRES_URL names a server (the bench makes and drops a database of its own).
.PHONY: bench bench-full
BENCH = $(PY) -m bench

bench: venv
	$(BENCH) --measurements 100000 --out bench/results/quick-sqlite.json
	@if [ -n "$$KPI_BENCH_POSTGRES_URL" ]; then \
	  $(BENCH) --measurements 100000 --database "$$KPI_BENCH_POSTGRES_URL" --out bench/results/quick-postgresql.json; fi

bench-full: venv
	$(BENCH) --measurements 1000000 --out bench/results/1m-sqlite.json
	$(BENCH) --measurements 5000000 --out bench/results/5m-sqlite.json
	@if [ -n "$$KPI_BENCH_POSTGRES_URL" ]; then \
	  $(BENCH) --measurements 1000000 --database "$$KPI_BENCH_POSTGRES_URL" --out bench/results/1m-postgresql.json && \
	  $(BENCH) --measurements 5000000 --database "$$KPI_BENCH_POSTGRES_URL" --out bench/results/5m-postgresql.json; fi
