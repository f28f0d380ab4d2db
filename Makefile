# Two entry points: `make run` (triage the sample letters) and `make test`.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: setup tesseract run test lint schema clean

setup: tesseract $(STAMP)

tesseract:
	@bash scripts/ensure-tesseract.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: setup
	$(VENV)/bin/denials triage sample_letters --out out

test: setup
	$(VENV)/bin/python -m pytest -q

lint: setup
	$(VENV)/bin/ruff check pipeline flows tests

schema: setup
	$(VENV)/bin/denials schema --out pipeline/schema/result.schema.json

clean:
	rm -rf out .pytest_cache
