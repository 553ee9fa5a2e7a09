import type { V1EnvVar } from '@kubernetes/client-node';
import { manifestEnvVarName, secretEnvVarName, secretIdentifier } from '../../../contract/envNames.js';
import { hasHeaderForward, type MCPServerEntry } from '../../../contract/toolhive.js';

// The header-forward env ToolHive's operator (>= v0.27.2) puts on the vmcp container, for running the gateway as
// processes where no operator runs: buildHeaderForwardEnvVarsForEntries in
// cmd/thv-operator/controllers/virtualmcpserver_deployment.go. operatorEnv.test.ts checks it against the pod the
// real operator made (webhook/mutate/testdata/toolhive-operator/pod.yaml).

/** Go's json.Marshal of a map: keys sorted. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One manifest env var per entry with headerForward, one secretKeyRef env var per secret header; sorted by name. */
export function toolhiveOperatorEnv(entries: readonly MCPServerEntry[]): V1EnvVar[] {
  const env: V1EnvVar[] = [];
  for (const entry of entries.filter(hasHeaderForward)) {
    const name = entry.metadata.name ?? '';
    const hf = entry.spec.headerForward ?? {};
    const secrets = (hf.addHeadersFromSecret ?? []).filter((h) => h.valueSecretRef !== undefined);
    const plaintext = hf.addPlaintextHeaders ?? {};
    // vmcp.HeaderForwardConfig: both maps `omitempty`, field order as in the Go struct.
    const manifest = {
      ...(Object.keys(plaintext).length > 0 ? { addPlaintextHeaders: sortedRecord(plaintext) } : {}),
      ...(secrets.length > 0
        ? {
            addHeadersFromSecret: sortedRecord(
              Object.fromEntries(secrets.map((h) => [h.headerName, secretIdentifier(name, h.headerName)])),
            ),
          }
        : {}),
    };
    env.push({ name: manifestEnvVarName(name), value: JSON.stringify(manifest) });
    for (const header of secrets) {
      env.push({
        name: secretEnvVarName(name, header.headerName),
        valueFrom: { secretKeyRef: { name: header.valueSecretRef!.name, key: header.valueSecretRef!.key } },
      });
    }
  }
  return env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
