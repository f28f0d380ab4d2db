# Two entry points: `make run` (triage the sample letters) and `make test`.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: setup tesseract test-services run test lint schema bench clean

setup: tesseract $(STAMP)

tesseract:
	@bash scripts/ensure-tesseract.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	@bash scripts/ensure-tesseract.sh --tesserocr $(VENV)/bin/pip
	@touch $(STAMP)

run: setup
	$(VENV)/bin/denials triage sample_letters --out out

# the tests also need PostgreSQL (store, two workers) and Chromium (report): installed as root
test-services:
	@bash scripts/start-postgres.sh install
	@bash scripts/ensure-chromium.sh

test: setup test-services
	$(VENV)/bin/python -m pytest -q

lint: setup
	$(VENV)/bin/ruff check pipeline flows tests

schema: setup
	$(VENV)/bin/denials schema --out pipeline/schema/result.schema.json

# benchmarks (figures: bench/results.json, docs/performance.md); about 35 minutes,
# most of it the 10,000-document batch of bench_scale.py
bench: setup
	$(VENV)/bin/python bench/bench_show.py
	$(VENV)/bin/python bench/check_text_layer.py
	$(VENV)/bin/python bench/bench_text_pdfs.py
	$(VENV)/bin/python bench/bench_scans.py
	$(VENV)/bin/python bench/bench_scale.py
	$(VENV)/bin/python bench/report.py

clean:
	rm -rf out .pytest_cache
