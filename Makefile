# Two commands do all set-up on a fresh Debian 12 machine:
#   make run   — install what is missing, start PostgreSQL/Redis, load boundaries, serve the portal
#   make test  — the same set-up, then the whole test suite
.PHONY: setup run test lint bench bench-maps bench-load prod prod-stop

PY := .venv/bin/python
# importlinter has no `python -m` entry point; --no-cache keeps the checkout clean.
LINT_IMPORTS := .venv/bin/lint-imports --no-cache
HOST ?= 127.0.0.1
PORT ?= 8000

setup:
	bash scripts/setup.sh

run: setup
	bash scripts/run.sh $(HOST) $(PORT)

# The production stack of deploy/ (nginx, gunicorn, Celery worker and beat) on this machine,
# in the background: https://127.0.0.1:8443/ (see README, "Try the production stack").
prod:
	bash scripts/prod.sh start

prod-stop:
	bash scripts/prod.sh stop

# nginx too: tests/deploy runs it (make prod, and two gunicorns behind one upstream).
test:
	bash scripts/setup.sh --no-boundaries --browser --nginx
	$(PY) -m ruff check .
	$(LINT_IMPORTS)
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(LINT_IMPORTS)

# wrk drives the HTTP part of the locate bench (Python threads without it).
bench:
	bash scripts/setup.sh --bench
	$(PY) bench/locate_bench.py $(BENCH_ARGS)
	$(PY) bench/intake_bench.py $(INTAKE_BENCH_ARGS)

# Maps layers at scale, against a database filled once with synthetic reports (see README).
MAPS_BENCH_DB ?= gis_portal_maps_bench
bench-maps: setup
	DB_NAME=$(MAPS_BENCH_DB) $(PY) bench/maps_bench.py $(BENCH_ARGS)

# Load on the production stack: locust against `make prod` (started if it is not running),
# per endpoint throughput, p50/p95/p99, CPU per request, worker RSS (see README).
bench-load: setup
	$(PY) bench/load_bench.py $(BENCH_ARGS)
