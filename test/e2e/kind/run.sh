#!/usr/bin/env bash
# make e2e-kind: build the image, run it in a kind cluster installed from manifests/overlays/self-signed,
# then run the e2e suite against that cluster (the same test files as `make e2e`, another target).
# Needs docker, kind and kubectl on PATH. KEEP_CLUSTER=1 leaves the cluster running afterwards.
# Extra arguments go to vitest instead of the default file list, e.g. `test/e2e/kind/run.sh test/e2e/validate.e2e.test.ts`.
# The default list is every e2e file that does not need a process on this machine's loopback (which the kind
# API server cannot call): the install checks and the validation cases, against the in-cluster webhook.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cluster="${KIND_CLUSTER_NAME:-mcp-header-forward-e2e}"
namespace="mcp-header-forward"
version="$(node -p "require('${repo}/package.json').version")"
# The exact name and tag the manifests use: kind-loaded, so imagePullPolicy IfNotPresent never pulls.
image="ghcr.io/mcp-header-forward/mcp-header-forward:${version}"
work="$(mktemp -d)"

for tool in docker kind kubectl node; do
  command -v "${tool}" >/dev/null || { echo "run.sh: ${tool} not found on PATH" >&2; exit 2; }
done
# ToolHive's CRDs from the ToolHive Go module the project pins (test/e2e/gobuild/toolhive/go.mod), unless given.
if [[ -z "${TOOLHIVE_CRDS:-}" ]]; then
  command -v go >/dev/null || { echo "run.sh: go not found on PATH (it fetches ToolHive's CRDs); set TOOLHIVE_CRDS to a CRD directory instead" >&2; exit 2; }
  module_dir="$(cd "${repo}/test/e2e/gobuild/toolhive" && go mod download -json github.com/stacklok/toolhive | node -e 'let s="";process.stdin.on("data",(c)=>(s+=c)).on("end",()=>process.stdout.write(JSON.parse(s).Dir))')"
  TOOLHIVE_CRDS="${module_dir}/deploy/charts/operator-crds/files/crds"
fi
crds="${TOOLHIVE_CRDS}"
[[ -d "${crds}" ]] || { echo "run.sh: ToolHive CRDs not found at ${crds}; set TOOLHIVE_CRDS" >&2; exit 2; }

cleanup() {
  rm -rf "${work}"
  if [[ "${KEEP_CLUSTER:-0}" != "1" ]]; then kind delete cluster --name "${cluster}" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if ! kind get clusters | grep -qx "${cluster}"; then
  kind create cluster --name "${cluster}" --config "${repo}/test/e2e/kind/kind-config.yaml" --wait 120s
fi
kubeconfig="${work}/kubeconfig"
kind get kubeconfig --name "${cluster}" >"${kubeconfig}"
export KUBECONFIG="${kubeconfig}"

docker build --tag "${image}" "${repo}"
kind load docker-image --name "${cluster}" "${image}"

kubectl apply --server-side -f "${crds}"
kubectl wait --for condition=Established --timeout=60s crd --all

kubectl apply -k "${repo}/manifests/overlays/self-signed"
kubectl -n "${namespace}" wait --for=condition=complete --timeout=120s job/mcp-header-forward-certs
kubectl -n "${namespace}" rollout status deployment/mcp-header-forward --timeout=180s

# The cluster CA signs the restricted test users' client certs (the suite's userKubeConfig).
docker exec "${cluster}-control-plane" cat /etc/kubernetes/pki/ca.crt >"${work}/client-ca.crt"
docker exec "${cluster}-control-plane" cat /etc/kubernetes/pki/ca.key >"${work}/client-ca.key"

cd "${repo}"
if [[ $# -eq 0 ]]; then
  set -- test/e2e/manifests.e2e.test.ts test/e2e/installRbac.e2e.test.ts test/e2e/certsApply.e2e.test.ts \
    test/e2e/kind/existingCluster.e2e.test.ts test/e2e/validate.e2e.test.ts
fi
MCP_HF_E2E_KUBECONFIG="${kubeconfig}" \
MCP_HF_E2E_CLIENT_CA_FILE="${work}/client-ca.crt" \
MCP_HF_E2E_CLIENT_CA_KEY_FILE="${work}/client-ca.key" \
MCP_HF_E2E_KUBECTL="$(command -v kubectl)" \
MCP_HF_E2E_WEBHOOK=in-cluster \
  node_modules/.bin/vitest run --project e2e "$@"
