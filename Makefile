# vetbot: `make run` sets up and serves on SQLite; `make test` sets up and runs every check.
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
APT_LOG  := $(or $(TMPDIR),/tmp)/vetbot-chromium-apt.log

.PHONY: help run test bench lint setup browser loadgen clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  make \1\t/' | expand -t 16

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,telegram]'
	touch $(STAMP)

setup: $(STAMP) browser ## virtualenv with vetbot and its dev tools, and chromium for the browser tests

run: $(STAMP) ## set up and serve on SQLite at http://127.0.0.1:8000/
	$(BIN)/vetbot db upgrade
	$(BIN)/vetbot serve

# Debian's chromium drives the browser tests (Playwright never downloads a browser here). A
# machine where it cannot be installed still builds: the browser tests skip, saying why.
browser: ## install Debian's chromium for the browser tests, if it is missing and apt can
	@if [ -x $(CHROMIUM) ]; then \
	  echo "browser tests use $(CHROMIUM)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "no $(CHROMIUM) and no apt-get: the browser tests will be skipped"; \
	else \
	  echo "installing Debian chromium (apt) for the browser tests… (log: $(APT_LOG))"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	    >$(APT_LOG) 2>&1 \
	  || echo "could not install chromium (see $(APT_LOG)): the browser tests will be skipped"; \
	fi

lint: $(STAMP) ## ruff (lint and format) and mypy
	$(BIN)/ruff check bot intents policies storage tests benchmarks
	$(BIN)/ruff format --check bot intents policies storage tests benchmarks
	$(BIN)/mypy

test: setup lint ## set up and run every check: lint, types, knowledge-base validation, tests
	$(BIN)/vetbot policies check
	$(BIN)/pytest -q

# The HTTP benchmark needs a load generator in its own process: Debian's wrk.
loadgen: ## install Debian's wrk for the HTTP benchmark, if it is missing and apt can
	@if command -v wrk >/dev/null 2>&1; then \
	  echo "HTTP benchmark uses $$(command -v wrk)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "no wrk and no apt-get: the HTTP benchmark will be skipped"; \
	else \
	  echo "installing Debian wrk (apt) for the HTTP benchmark…"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } \
	    >/dev/null 2>&1 || echo "could not install wrk: the HTTP benchmark will be skipped"; \
	fi

bench: $(STAMP) loadgen ## speed, scale and memory (vetbot bench): understanding, engine, HTTP under wrk, bookings
	$(BIN)/vetbot bench

clean: ## remove the virtualenv, caches and the local SQLite database
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info vetbot.db
