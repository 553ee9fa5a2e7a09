import type { V1Container, V1Pod } from '@kubernetes/client-node';

// The Kubernetes pod validation rules an injected pod can break (k8s.io/kubernetes pkg/apis/core/validation):
// names, env var names, ports, references. The e2e against a real API server is the full check; this one
// runs in every unit test and in `inject`, in milliseconds.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function podRuleViolations(pod: V1Pod): string[] {
  const problems: string[] = [];
  const spec = pod.spec;
  if (spec === undefined) return ['spec: missing'];
  const volumes = spec.volumes ?? [];
  const volumeNames = new Set<string>();
  for (const [i, v] of volumes.entries()) {
    if (!isDnsLabel(v.name)) problems.push(`spec.volumes[${i}].name: "${v.name}" is not a DNS label of at most 63 characters`);
    if (volumeNames.has(v.name)) problems.push(`spec.volumes[${i}].name: "${v.name}" is duplicated`);
    volumeNames.add(v.name);
  }
  const containerNames = new Set<string>();
  const lists = [
    ['initContainers', spec.initContainers ?? []],
    ['containers', spec.containers],
  ] as const;
  for (const [list, containers] of lists) {
    for (const [i, c] of containers.entries()) {
      const field = `spec.${list}[${i}]`;
      if (!isDnsLabel(c.name)) problems.push(`${field}.name: "${c.name}" is not a DNS label of at most 63 characters`);
      if (containerNames.has(c.name)) problems.push(`${field}.name: "${c.name}" is duplicated`);
      containerNames.add(c.name);
      problems.push(...containerViolations(c, field, volumeNames, list === 'initContainers'));
    }
  }
  return problems;
}

function containerViolations(c: V1Container, field: string, volumes: ReadonlySet<string>, init: boolean): string[] {
  const problems = [...envViolations(c, field), ...portViolations(c, field), ...mountViolations(c, field, volumes)];
  const sidecar = init && c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined && !sidecar) problems.push(`${field}.restartPolicy: only init containers may set Always`);
  if (init && !sidecar && (c.startupProbe || c.readinessProbe || c.livenessProbe)) {
    problems.push(`${field}: probes on an init container need restartPolicy: Always`);
  }
  return problems;
}

function envViolations(c: V1Container, field: string): string[] {
  const problems: string[] = [];
  for (const [i, e] of (c.env ?? []).entries()) {
    if (!C_IDENTIFIER.test(e.name)) problems.push(`${field}.env[${i}].name: "${e.name}" is not a C identifier`);
    if (e.value !== undefined && e.valueFrom !== undefined) problems.push(`${field}.env[${i}]: both value and valueFrom`);
  }
  return problems;
}

function portViolations(c: V1Container, field: string): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, p] of (c.ports ?? []).entries()) {
    if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
      problems.push(`${field}.ports[${i}].containerPort: ${p.containerPort} is not in 1-65535`);
    }
    if (p.name === undefined) continue;
    if (p.name.length > 15 || !PORT_NAME.test(p.name)) problems.push(`${field}.ports[${i}].name: "${p.name}" is not an IANA service name`);
    if (names.has(p.name)) problems.push(`${field}.ports[${i}].name: "${p.name}" is duplicated`);
    names.add(p.name);
  }
  return problems;
}

function mountViolations(c: V1Container, field: string, volumes: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const paths = new Set<string>();
  for (const [i, m] of (c.volumeMounts ?? []).entries()) {
    if (!volumes.has(m.name)) problems.push(`${field}.volumeMounts[${i}].name: volume "${m.name}" not found`);
    if (paths.has(m.mountPath)) problems.push(`${field}.volumeMounts[${i}].mountPath: "${m.mountPath}" is duplicated`);
    paths.add(m.mountPath);
  }
  return problems;
}

function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}
