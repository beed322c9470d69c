# Two commands do all set-up on a fresh Debian 12 machine:
#   make run   — install what is missing, start PostgreSQL/Redis, load boundaries, serve the portal
#   make test  — the same set-up, then the whole test suite
.PHONY: setup run demo test lint messages screenshots bench bench-maps bench-load prod prod-stop

PY := .venv/bin/python
# importlinter has no `python -m` entry point; --no-cache keeps the checkout clean.
LINT_IMPORTS := .venv/bin/lint-imports --no-cache
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run DEMO=1` (or `make demo`) first loads demo reports and one account per role.
DEMO ?=

setup:
	bash scripts/setup.sh

run: setup
	DEMO=$(DEMO) bash scripts/run.sh $(HOST) $(PORT)

demo:
	$(MAKE) run DEMO=1

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
	$(PY) scripts/check_messages.py $(MESSAGES_CHECK)
	$(PY) -m pytest $(PYTEST_ARGS)

# The slowest tests are listed at the end of every run: CI must stay under 30 minutes.
PYTEST_ARGS ?= --durations=25
# The English catalogue: `make test` fails on a missing, stale, untranslated or fuzzy msgid,
# and on Vietnamese UI text written outside gettext (scripts/_messages_scan.py).
MESSAGES_CHECK ?=
# Regenerates locale/en/LC_MESSAGES/*.po from the code (then translate the new entries) and
# compiles them.
messages:
	$(PY) scripts/check_messages.py --write

# README's screenshots of the main pages, taken by the accessibility browser test.
screenshots:
	bash scripts/setup.sh --no-boundaries --browser
	$(PY) -m pytest tests/a11y/test_pages.py -q -p no:cacheprovider
	bash scripts/screenshots.sh

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(LINT_IMPORTS)

# wrk drives the HTTP part of the locate bench (Python threads without it).
# worker_rss.py: one web worker's memory after each kind of request (issue 13, goal 3).
bench:
	bash scripts/setup.sh --bench
	$(PY) bench/locate_bench.py $(BENCH_ARGS)
	$(PY) bench/intake_bench.py $(INTAKE_BENCH_ARGS)
	$(PY) bench/worker_rss.py $(RSS_BENCH_ARGS)

# Maps layers, analysis, statistics, a peer tile server (tipg) and Lighthouse at scale,
# against a database filled once with synthetic reports (see README). It is migrated first:
# a bench of new code on an old schema measures nothing.
MAPS_BENCH_DB ?= gis_portal_maps_bench
bench-maps:
	bash scripts/setup.sh --bench
	DB_NAME=$(MAPS_BENCH_DB) $(PY) manage.py migrate --noinput -v 0
	DB_NAME=$(MAPS_BENCH_DB) $(PY) bench/maps_bench.py $(BENCH_ARGS)
	DB_NAME=$(MAPS_BENCH_DB) $(PY) bench/stats_bench.py $(STATS_BENCH_ARGS)
	DB_NAME=$(MAPS_BENCH_DB) $(PY) bench/tiles_peer.py $(TILES_PEER_ARGS)
	DB_NAME=$(MAPS_BENCH_DB) $(PY) bench/lighthouse_bench.py $(LIGHTHOUSE_BENCH_ARGS)

# Load on the production stack: locust against `make prod` (started if it is not running),
# per endpoint throughput, p50/p95/p99, CPU per request, worker RSS (see README).
bench-load: setup
	$(PY) bench/load_bench.py $(BENCH_ARGS)
