# mac: dashboards and alerts as code.
#   make build   create .venv, install mac, compile dashboards/ and alerts/ into build/
#   make test    also install promtool (Debian's prometheus package) if missing, run pytest
#   make check   fail if build/ is not what the sources compile to

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: build test check tools clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

build: $(STAMP)
	$(BIN)/mac compile --out build

check: $(STAMP)
	$(BIN)/mac compile --check --out build

tools:
	@scripts/ensure-tools.sh

test: $(STAMP) tools
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache
