# Thin wrappers over scripts/; every target uses the project's own .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint typecheck generate check pin bench bump spec-diff format

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(INSTALLED)

# Prism (the local mock CareCloud), pinned in package.json / package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

install: $(INSTALLED) node_modules/.installed

demo: install
	$(PY) -m scripts.demo

test: install
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

typecheck: install
	$(PY) -m mypy

generate: install
	$(PY) -m scripts.generate

check: install
	$(PY) -m scripts.check

# Provenance and overrides for pin/bump: COMMIT=<sha> DATE=YYYY-MM-DD FORCE=1 CHECK=path/to/app
PROVENANCE = $(if $(COMMIT),--commit $(COMMIT)) $(if $(DATE),--date $(DATE)) $(if $(FORCE),--force)

pin: install
	$(PY) -m scripts.pin $(SPEC) $(PROVENANCE)

bench: install
	$(PY) -m bench

bump: install
	$(PY) -m scripts.bump $(SPEC) $(PROVENANCE) $(if $(CHECK),--check $(CHECK))

spec-diff: install
	$(PY) -m scripts.spec_diff $(OLD) $(NEW)
