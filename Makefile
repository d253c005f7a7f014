# One place for the commands the README promises. Both create .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install report test lint bench clean sample

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench,lab]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

## Render the quarterly report of the bundled sample (kvanalytics.yaml) into reports/latest/
report: $(STAMP)
	$(BIN)/kvanalytics report --project kvanalytics.yaml --out reports/latest

## Lint, format check, type check, layer contract (import-linter), tests (including every notebook)
test: $(STAMP)
	$(BIN)/ruff check kvanalytics tests benchmarks notebooks scripts
	$(BIN)/ruff format --check kvanalytics tests benchmarks notebooks scripts
	$(BIN)/mypy kvanalytics
	$(BIN)/lint-imports
	$(BIN)/pytest -q -n 2 tests --nbmake notebooks

lint: $(STAMP)
	$(BIN)/ruff check kvanalytics tests benchmarks notebooks scripts
	$(BIN)/ruff format --check kvanalytics tests benchmarks notebooks scripts

## Regenerate the committed synthetic sample in data/raw/ (deterministic)
sample: $(STAMP)
	$(BIN)/python -m kvanalytics.sample --out data/raw

## Benchmarks (not part of CI): writes docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --write docs/benchmarks.md

clean:
	rm -rf $(VENV) reports data/processed/* .pytest_cache .mypy_cache .ruff_cache
