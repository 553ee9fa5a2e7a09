#!/usr/bin/env bash
# Debian packages the real-node e2e needs (containerd, runc, CNI plugins, iptables, conntrack, buildah): installed
# when missing and this runs as root; otherwise one line saying so (the real-node suite then skips, saying why).
set -euo pipefail

packages=(containerd runc containernetworking-plugins iptables conntrack buildah)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${package}")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "real node: missing Debian packages ${missing[*]} (needs root and apt-get); the real-node suite will be skipped" >&2
  exit 0
fi
echo "real node: installing ${missing[*]} from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
