# vetbot: `make run` sets up and serves on SQLite; `make test` sets up and runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint setup browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,telegram]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/vetbot db upgrade
	$(BIN)/vetbot serve

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "could not install chromium: browser tests will be skipped"; }

lint: $(STAMP)
	$(BIN)/ruff check bot intents policies storage tests benchmarks
	$(BIN)/ruff format --check bot intents policies storage tests benchmarks
	$(BIN)/mypy

test: $(STAMP) browser lint
	$(BIN)/vetbot policies check
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/vetbot bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info vetbot.db
