#!/usr/bin/env bash
# Prints a directory whose `node` is the Node.js major pinned in .nvmrc. The machine's own node when it is that
# major or newer; otherwise the official binary from the npm registry package node-linux-<arch> at the exact
# .nvmrc version (npm checks its integrity), unpacked once into ~/.cache/mcp-header-forward/node-v<version>.
# Makefile and .ci/run put this directory first on PATH, so npm, tsc, vitest and every spawned CLI run on it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
version="$(tr -d ' \n' < "${repo}/.nvmrc")"
major="${version%%.*}"

machine_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if (( machine_major >= major )); then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "no node-linux-* package for $(uname -m): install Node.js ${major} yourself" >&2; exit 1 ;;
esac
cache="${XDG_CACHE_HOME:-${HOME}/.cache}/mcp-header-forward/node-v${version}-${arch}"
if [[ ! -x "${cache}/bin/node" ]]; then
  echo "node $(node --version 2>/dev/null || echo none) is older than ${major}: fetching node-linux-${arch}@${version} from the npm registry into ${cache}" >&2
  mkdir -p "$(dirname "${cache}")"
  staging="$(mktemp -d "${cache}.partial-XXXXXX")"
  trap 'rm -rf "${staging}"' EXIT
  (cd "${staging}" && npm pack --silent "node-linux-${arch}@${version}" > /dev/null)
  tar -xzf "${staging}"/node-linux-"${arch}"-"${version}".tgz -C "${staging}" package/bin/node package/LICENSE
  "${staging}/package/bin/node" --version > /dev/null
  rm -rf "${cache}"
  mv "${staging}/package" "${cache}"
fi
echo "${cache}/bin"
