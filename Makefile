# drawreview — the two commands a newcomer needs:
#   make demo   set up, load demo data and serve http://127.0.0.1:8000
#   make test   set up and run the whole test suite (SQLite, and PostgreSQL + Redis)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test setup viewer browser-deps serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

viewer:
	@if [ -f viewer/package.json ]; then \
	  cd viewer && ( [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund ) && npm run build; \
	fi

setup: $(VENV)/.installed viewer

browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdfsig >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' \
	    || ! fc-list 2>/dev/null | grep -qi 'HanaMinB' || ! fc-list 2>/dev/null | grep -qi 'BabelStone Han' \
	    || ! fc-list 2>/dev/null | grep -qi 'Symbola' \
	    || [ ! -x /usr/sbin/nginx ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-hanazono fonts-babelstone-han fonts-symbola poppler-utils nginx >/dev/null; \
	fi

demo: setup
	$(BIN)/drawreview demo
	$(BIN)/drawreview serve --port $(PORT)

serve: setup
	$(BIN)/drawreview serve --port $(PORT)

test: setup browser-deps
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var viewer/node_modules drawreview/web/static/viewer
