# CityBot — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run sandbox test bench lint emulator clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "CityBot needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,redis]'
	@touch $@

install: $(STAMP)
	$(BIN)/citybot db upgrade
	$(BIN)/citybot nlu train --if-stale

# With BOT_TOKEN: the bot. Without: the sandbox, the bot in a browser (no Telegram needed).
run: install
	@if [ -n "$$BOT_TOKEN" ]; then exec $(BIN)/citybot run; else exec $(BIN)/citybot sandbox; fi

sandbox: install
	$(BIN)/citybot sandbox

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check citybot tests bench
	$(BIN)/lint-imports  # the layers (pyproject.toml [tool.importlinter]; docs/architecture.md)

emulator: $(STAMP)
	$(BIN)/citybot emulator

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
