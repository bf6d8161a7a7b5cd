# Two commands from a fresh clone:  `make demo`  and  `make test`.
# Both create .venv and install what the project needs on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## virtual sensors -> real BLE code path -> live dashboard (no hardware needed)
	$(BIN)/gait demo

browser:  ## Debian's chromium + chromedriver for the browser tests (never a downloaded browser build)
	@sh scripts/install-chromium.sh

test: $(STAMP) browser  ## the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check gait dashboard tests benchmarks

bench: $(STAMP)  ## speed and accuracy benchmarks (not part of the tests)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
