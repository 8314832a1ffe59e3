# Two commands do all the set-up on a fresh machine with Python >= 3.11:
#   make book   builds the site into _build/html
#   make test   runs the linters and every test (the book build included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstalled whenever pyproject.toml changes.
INSTALLED := $(VENV)/.installed

.PHONY: book test lint format clean venv bench

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,book]"
	touch $@

book: $(INSTALLED)
	$(BIN)/jupyter-book build . -W --keep-going

lint: $(INSTALLED)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py --json _build/bench.json

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
