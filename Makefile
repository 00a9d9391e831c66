# mac: dashboards and alerts as code.
#   make build   create .venv, install mac and the preview's browser library (npm ci), compile
#                dashboards/ and alerts/ into build/
#   make test    also install the Debian packages the tests use if missing, check build/ with the real
#                consumers, run pytest (in random order)
#   make check   fail if build/ is not what the sources compile to
#   make bench   time mac against its peers on generated repositories (see BENCHMARKS.md)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: build test check bench tools clean

$(STAMP): pyproject.toml Makefile monitoring_as_code/schemas/grafana-dashboard-v11.6-sv41.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# An editable install is not byte-compiled (a regular one is): do it, or every run of
	@# mac compiles its own modules first.
	$(BIN)/python scripts/generate_validator.py
	$(BIN)/python -m compileall -q monitoring_as_code
	@touch $@

# uPlot, which `mac preview` inlines into its pages, at the version package-lock.json pins.
UPLOT := node_modules/uplot/dist/uPlot.iife.min.js
$(UPLOT): package.json package-lock.json
	@scripts/ensure-node.sh
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

build: $(STAMP) $(UPLOT)
	$(BIN)/mac compile --out build

check: $(STAMP)
	$(BIN)/mac compile --check --out build

tools:
	@scripts/ensure-tools.sh

# The committed build/ must be what the sources compile to, and every real checker must be
# there to accept it (--require-checkers: a missing one fails instead of being skipped).
test: $(STAMP) $(UPLOT) tools
	$(BIN)/mac compile --check --require-checkers --out build
	$(BIN)/python -m pytest

# grafana-foundation-sdk is pinned: an unpinned install resolves to its old 10.1 flavour.
bench: $(STAMP) tools
	$(BIN)/python -m pip install --quiet 'grafana-foundation-sdk==1769699379!11.6.0'
	$(BIN)/python bench/compile.py
	$(BIN)/python bench/alert_tests.py --sizes 100,1000 --naive-sizes 100
	$(BIN)/python bench/preview.py

clean:
	rm -rf $(VENV) .pytest_cache node_modules
