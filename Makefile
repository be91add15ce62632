# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config/scraper.toml

.PHONY: venv run test lint bench clean

# `make run` installs the product (and Datasette, for `scraper serve`); `make test` adds the
# test tools and the optional parts the tests cover (Playwright for rendering: no browser).
$(BIN)/scraper: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[serve]'
	touch $(BIN)/scraper

$(BIN)/pytest: pyproject.toml $(BIN)/scraper
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/pytest

venv: $(BIN)/scraper

run: venv
	$(BIN)/scraper run --config $(CONFIG)

lint: $(BIN)/pytest
	$(BIN)/ruff check scraper tests bench
	$(BIN)/ruff format --check scraper tests bench
	$(BIN)/mypy scraper

test: venv lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
