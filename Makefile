# The two commands a newcomer types: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py

.PHONY: run serve test bench install install-test browser lint format migrate seed messages compile-messages diagram clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)  ## the application's dependencies
	$(PIP) install --quiet -e .

install-test: $(PY)  ## the application's and the tests' dependencies, and Debian chromium for browser tests
	$(PIP) install --quiet -e '.[test]'
	@$(MAKE) --no-print-directory browser

browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "No /usr/bin/chromium: browser tests will be skipped (sudo apt-get install chromium fonts-noto-cjk)."; fi

run: install  ## set up, load the demo data and run web + Celery worker + beat on SQLite (no Redis needed)
	@bash scripts/run-dev.sh

serve: install  ## production processes without Docker: gunicorn + Celery worker + one beat, DEBUG off, on PostgreSQL and Redis
	@bash scripts/serve.sh

test: install-test  ## the whole test suite (DATABASE_URL / REDIS_URL select PostgreSQL and Redis), a process per core
	$(PY) -m pytest -n auto --maxprocesses=4 --dist loadfile

bench: install-test  ## benchmarks on PostgreSQL (see docs/benchmarks.md)
	$(PY) -m bench

migrate: install
	$(MANAGE) migrate

seed: migrate
	$(MANAGE) seed_demo

lint: install-test
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run

format: install-test
	$(PY) -m ruff format .

messages: install  ## refresh the translation catalogs (then translate locale/zh_Hans and run `make compile-messages`)
	$(MANAGE) makemessages -l zh_Hans -l en --no-obsolete \
	  --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*'

compile-messages: install  ## the .mo files are committed; tests/test_translations.py fails when they are stale
	$(MANAGE) compilemessages -l zh_Hans -l en --ignore '.venv/*'

diagram: install  ## docs/procedure.md from the transition table
	$(MANAGE) procedure_diagram > docs/procedure.md

clean:
	rm -rf var/celery var/results staticfiles
