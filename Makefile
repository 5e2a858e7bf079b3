# Two commands do all the set-up from a fresh clone:
#   make run    the app on http://127.0.0.1:8000 with demo data, a Celery worker and beat
#   make test   the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell (cat pyproject.toml; echo $(PYTHON)) | sha1sum | cut -c1-12)

.PHONY: run test test-clocks install lint migrate clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Local run: embedded SQLite and filesystem broker unless DATABASE_URL / REDIS_URL are set.
# Ctrl-C stops the web server, the worker and beat together.
run: export DEBUG ?= 1
run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@echo
	@echo "  housingfirst is starting on http://127.0.0.1:8000/"
	@echo "  Sign in as casemanager1, casemanager2, casemanager3, supervisor1, supervisor2,"
	@echo "  director (supervises every team),"
	@echo "  auditor or admin, all with the password: housingfirst-demo"
	@echo "  admin and auditor also ask for a two-factor code: add the key"
	@echo "  HOUSINGFIRSTDEMOHOUSINGFIRSTDEMO to an authenticator app (README)"
	@echo
	$(PY) manage.py runlocal 127.0.0.1:8000

# The whole suite. Browser tests drive Debian's chromium; where none is installed they are
# skipped with a message, except in CI (CI=true), where a missing browser fails the run.
test: export SECRET_KEY ?= test-only-secret-key-not-for-production-use-0123456789
# Tests speak plain HTTP to in-process servers and need no collected static files.
test: export SECURE_SSL_REDIRECT ?= 0
test: export STATIC_MANIFEST ?= 0
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# The date-sensitive tests again at the moments where a UTC date and the program's local date
# differ (20:30 program time is after midnight UTC; 23:30 is the local day's last hour), on
# the last day of a month and on 29 February, and just after local midnight, when the day's
# later hours are still ahead (tests/clock.py). CI runs this after `make test`.
CLOCKS := 2026-11-30T20:30 2026-12-31T23:30 2028-02-29T20:30 2028-02-29T23:30 2026-12-01T00:30
test-clocks: export SECRET_KEY ?= test-only-secret-key-not-for-production-use-0123456789
test-clocks: export SECURE_SSL_REDIRECT ?= 0
test-clocks: export STATIC_MANIFEST ?= 0
test-clocks: $(STAMP)
	set -e; for moment in $(CLOCKS); do \
	  $(PY) -m pytest -q -m "dates and not browser and not worker" --clock=$$moment $(PYTEST_ARGS); \
	done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var staticfiles
