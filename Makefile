# IT-portalen. Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check bench messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo "Python's venv module is missing (Debian: apt install python3-venv)."; exit 1; }
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: export ITPORTAL_DEBUG ?= 1
run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) demo --profile small --if-empty
	$(MANAGE) runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	ITPORTAL_DEBUG=1 ITPORTAL_DATABASE_URL=sqlite:///:memory: $(MANAGE) makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(PY) -m benchmarks.run $(BENCH_ARGS)

messages: $(VENV)/.installed-dev
	cd src/itportal && ../../$(MANAGE) makemessages -l sv --no-obsolete --no-location
	$(PY) -m itportal.core.compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3
