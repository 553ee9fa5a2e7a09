# mcp-header-forward — every entry point a person or CI uses.
SHELL := /bin/bash
NODE_BIN := node_modules/.bin

.PHONY: all build test unit e2e lint demo bench clean

all: build

node_modules: package-lock.json
	npm ci
	@touch node_modules

build: node_modules
	$(NODE_BIN)/tsc -p tsconfig.build.json

## test: unit tests and the real-control-plane e2e suite (first run builds kube-apiserver/etcd, then cached)
test: build
	$(NODE_BIN)/vitest run

unit: build
	$(NODE_BIN)/vitest run --project unit

e2e: build
	$(NODE_BIN)/vitest run --project e2e

lint: node_modules
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit
	$(NODE_BIN)/eslint .

## demo: local control plane + webhook, narrated; Ctrl-C cleans up
demo: build
	@echo "make demo: not implemented yet (issue 4 adds the local control plane demo)" >&2; exit 1

## bench: sidecar vs nginx/squid/mitmproxy and webhook review rates, side by side (< 10 min; not part of test)
bench: build
	node dist/bench/run.js

clean:
	rm -rf dist
