# Career Portal: `make run` serves the portal, `make test` runs the whole suite.
# Both set everything up first on a fresh machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Where `make run` and `make demo` listen: `make run PORT=8001`, or from the
# environment. (`make serve` leaves them to gunicorn.conf.py, which also
# reads .env.)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo serve audit bench mutate test lint typecheck format clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Career Portal needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(STAMP)

# Local development: DEBUG on (unless set otherwise), SQLite unless DATABASE_URL says.
run: export DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_careers content/*.yaml
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# `make run` plus 12 clearly labelled sample careers, to try directory, compare, skills.
demo: export DEBUG ?= true
demo: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_careers content/*.yaml
	$(BIN)/python manage.py seed_synthetic --careers 12
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production stack, locally: DEBUG off, settings from the environment or
# .env exactly as in production (SECRET_KEY and ALLOWED_HOSTS at least; plain
# HTTP also needs SECURE_SSL_REDIRECT=false). See docs/deploy.md.
serve: export DEBUG = false
serve: install
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/gunicorn --config gunicorn.conf.py portal.wsgi

# Lighthouse on /, /careers/ and a career page; fails below package.json's thresholds.
audit: install node_modules/.installed
	$(BIN)/python bench/audit.py

node_modules/.installed: package.json package-lock.json
	npm ci
	touch $@

test: install
	$(BIN)/python -m pytest

# The performance benchmark of the production stack on this machine (bench/README.md):
# a markdown table on stdout, JSON in bench/results/. BENCH_QUICK=1 for a smoke run.
bench: install
	$(BIN)/python bench/run.py

# Mutation testing of the modules that guard invariants (docs/testing.md):
# fails when one scores below 90%. `make mutate MUTATE_GROUPS="security import"`
# for some groups (tests/mutation/*.toml).
MUTATE_GROUPS ?= security import models cache publishing api
mutate: install
	$(BIN)/python -m tests.mutation $(MUTATE_GROUPS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs (pyproject.toml): strict on the content files and the
# API. Its Django plugin loads the settings, which need DEBUG without SECRET_KEY.
typecheck: export DEBUG ?= true
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache staticfiles
