# labbook — the two commands of the README are `make demo` and `make test`; each sets up
# what it needs (npm dependencies, the TypeScript build) on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# better-sqlite3 is compiled from source against the installed Node's headers (no download).
export npm_config_nodedir := /usr

NPM_STAMP := node_modules/.install-stamp
BUILD_STAMP := dist/.build-stamp
SPAWNER := dist/bin/lb-spawn
SOURCES := $(shell find src test bench -name '*.ts' 2>/dev/null) $(wildcard src/store/*/migrations/*.sql) tsconfig.json
TEST_FILES = $(shell find dist/test -name '*.test.js' | sort)
DEMO_DIR := .demo

.PHONY: all build test test-ts lint bench demo clean

all: build

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(BUILD_STAMP): $(NPM_STAMP) $(SOURCES)
	node scripts/bundle-migrations.mjs
	npx tsc -p tsconfig.json
	@touch $@

# The process launcher of workers (see src/runner/spawner/lb-spawn.c).
$(SPAWNER): src/runner/spawner/lb-spawn.c
	@mkdir -p $(dir $@)
	cc -O2 -Wall -Wextra -std=c11 -o $@ $<

build: $(BUILD_STAMP) $(SPAWNER)

test: build lint test-ts

test-ts: build
	node --test --test-reporter=spec --test-concurrency=2 $(TEST_FILES)

lint: $(NPM_STAMP)
	node scripts/bundle-migrations.mjs --check
	npx biome check .

bench: build
	@for f in $$(find dist/bench -name '*.bench.js' | sort); do node $$f; done

demo: build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@cd $(DEMO_DIR) && ../bin/labbook init >/dev/null
	@cd $(DEMO_DIR) && ../bin/labbook add ../examples/memento-grid/sweep.yaml
	@cd $(DEMO_DIR) && ../bin/labbook status || true

clean:
	rm -rf dist $(DEMO_DIR)
