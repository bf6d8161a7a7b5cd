# Two commands from a fresh clone:  `make demo`  and  `make test`.
# Both create .venv and install what the project needs on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench bench-env browser clean

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

# gaitmap (for the side-by-side benchmark) lives only in its own venv, never in $(VENV).
BENCH_VENV  ?= .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): benchmarks/requirements-gaitmap.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	echo '*' > $(BENCH_VENV)/.gitignore
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements-gaitmap.txt
	touch $(BENCH_STAMP)

bench-env: $(BENCH_STAMP)  ## the benchmark-only venv with gaitmap

bench: $(STAMP)  ## speed and accuracy benchmarks, all modules (or BENCH="decode events"), < 15 min
	@$(MAKE) --no-print-directory bench-env || echo "no gaitmap venv: bench_gaitmap reports only our pipeline"
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache
