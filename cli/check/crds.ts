import { TESTED_TOOLHIVE_VERSION } from '../../contract/compatibility.js';
import { API_VERSIONS } from '../../contract/toolhive.js';
import { DEFAULT_TOOLHIVE_VERSION } from '../../webhook/cluster/toolhiveInformers.js';
import type { CheckResult, CrdFacts } from './types.js';

// ToolHive's CRDs, as the webhook uses them: the validating webhook is registered for API_VERSIONS, and the
// injector's informers list and watch one version (--toolhive-api-version, v1beta1 by default).

const INSTALL_CRDS = `install ToolHive's CRDs: helm upgrade -i toolhive-operator-crds oci://ghcr.io/stacklok/toolhive/toolhive-operator-crds -n toolhive-system --create-namespace (tested with ${TESTED_TOOLHIVE_VERSION})`;

export function crdCheck(facts: CrdFacts): CheckResult {
  const name = `${facts.plural}.${facts.group}`;
  const base = { id: `crd/${facts.plural}`, title: `CRD ${name}` };
  const { read } = facts;
  if (read.status === 'missing') return { ...base, status: 'fail', detail: 'not found: ToolHive is not installed', fix: INSTALL_CRDS };
  if (read.status === 'error') {
    return {
      ...base,
      status: 'fail',
      detail: `cannot read it: ${read.message}`,
      fix: `you need get on customresourcedefinitions.apiextensions.k8s.io (kubectl get crd ${name})`,
    };
  }
  const { servedVersions, established } = read.value;
  const served = servedVersions.join(', ') || 'none';
  if (!established) {
    return {
      ...base,
      status: 'fail',
      detail: `not Established yet (serves ${served})`,
      fix: `kubectl get crd ${name} -o yaml shows the conditions; a name conflict or a broken conversion webhook keeps it from being served`,
    };
  }
  const handled = servedVersions.filter((version) => (API_VERSIONS as readonly string[]).includes(version));
  if (handled.length === 0) {
    return {
      ...base,
      status: 'fail',
      detail: `serves ${served}, none of the versions this build handles (${API_VERSIONS.join(', ')})`,
      fix: `install ToolHive ${TESTED_TOOLHIVE_VERSION} (the version tested here), or a build of mcp-header-forward that knows ${served}`,
    };
  }
  if (!servedVersions.includes(DEFAULT_TOOLHIVE_VERSION)) {
    return {
      ...base,
      status: 'warn',
      detail: `serves ${served} but not ${DEFAULT_TOOLHIVE_VERSION}, which the webhook's informers watch by default`,
      fix: `run the webhook with --toolhive-api-version ${handled[handled.length - 1]!}, or upgrade ToolHive to ${TESTED_TOOLHIVE_VERSION}`,
    };
  }
  const unknown = servedVersions.filter((version) => !handled.includes(version));
  if (unknown.length > 0) {
    return {
      ...base,
      status: 'warn',
      detail: `serves ${served}; ${unknown.join(', ')} is newer than this build (matchPolicy Equivalent still sends those writes to the webhook, converted)`,
      fix: `upgrade mcp-header-forward to a build tested with this ToolHive`,
    };
  }
  return { ...base, status: 'pass', detail: `served: ${served}` };
}
