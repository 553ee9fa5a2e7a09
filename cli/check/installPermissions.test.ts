import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { asksFor, WEBHOOK_CLUSTER_RULES } from '../../webhook/registrations/rbac.js';
import {
  BASE_KINDS,
  escalationAsks,
  installAsks,
  installPermissionsCheck,
  OVERLAY_KINDS,
  OVERLAYS,
  type InstallPermissionFacts,
} from './installPermissions.js';

const manifests = new URL('../../manifests/', import.meta.url);

/** The kinds of every object a kustomization's resources create (not its patches). */
function kindsOf(dir: string): Set<string> {
  const base = new URL(`${dir}/`, manifests);
  const kustomization = parse(readFileSync(new URL('kustomization.yaml', base), 'utf8')) as { resources?: string[] };
  const files = (kustomization.resources ?? []).filter((r) => r.endsWith('.yaml'));
  expect(files.length, `${dir} lists its resources`).toBeGreaterThan(0);
  return new Set(
    files.flatMap((file) => parseAllDocuments(readFileSync(new URL(file, base), 'utf8')).map((d) => (d.toJS() as { kind: string }).kind)),
  );
}

describe('the object kinds of an install', () => {
  it('are every kind manifests/base and each overlay create', () => {
    expect(new Set(BASE_KINDS.map((k) => k.kind))).toEqual(kindsOf('base'));
    for (const overlay of OVERLAYS) {
      const own = new Set([...kindsOf(`overlays/${overlay}`)].filter((kind) => !BASE_KINDS.some((k) => k.kind === kind)));
      expect(new Set(OVERLAY_KINDS[overlay].map((k) => k.kind)), overlay).toEqual(own);
    }
    expect(readdirSync(new URL('overlays/', manifests)).sort()).toEqual([...OVERLAYS].sort());
  });

  it('become get, create and patch questions, namespaced ones in the install namespace', () => {
    const asks = installAsks('self-signed', 'hf');
    expect(asks).toContainEqual({ verb: 'create', group: '', resource: 'namespaces' });
    expect(asks).toContainEqual({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'hf' });
    expect(asks).toContainEqual({ verb: 'create', group: 'batch', resource: 'cronjobs', namespace: 'hf' });
    expect(asks).toHaveLength((BASE_KINDS.length + 2) * 3);
  });
});

const grants = asksFor(WEBHOOK_CLUSTER_RULES);
const facts = (options: { objects?: boolean; grants?: boolean; escalate?: boolean }): InstallPermissionFacts => ({
  overlay: 'self-signed',
  namespace: 'mcp-header-forward',
  objects: installAsks('self-signed', 'mcp-header-forward').map((ask) => ({ ask, allowed: options.objects ?? true })),
  grants: grants.map((ask) => ({ ask, allowed: options.grants ?? true })),
  escalation: escalationAsks('mcp-header-forward').map((ask) => ({ ask, allowed: options.escalate ?? false })),
});

describe('installPermissionsCheck', () => {
  it('passes for someone who may apply everything and holds what the webhook is granted', () => {
    expect(installPermissionsCheck(facts({}))).toEqual({
      id: 'install-permissions',
      title: 'Your permissions to install',
      status: 'pass',
      detail:
        'kubectl apply -k manifests/overlays/self-signed into namespace mcp-header-forward is allowed (39 object permissions; you hold every permission the webhook is granted)',
    });
  });

  it('passes for someone who does not hold them but may escalate and bind', () => {
    expect(installPermissionsCheck(facts({ grants: false, escalate: true })).detail).toContain('you may escalate and bind Roles');
  });

  it('fails naming what may not be applied', () => {
    const result = installPermissionsCheck({
      ...facts({}),
      objects: [{ ask: { verb: 'create', group: 'apps', resource: 'deployments', namespace: 'ns' }, allowed: false }],
    });
    expect(result).toMatchObject({ status: 'fail', detail: 'may not create deployments.apps in namespace ns' });
    expect(result.fix).toContain('kubectl auth can-i --list');
  });

  it("fails when the webhook's rules could not be granted", () => {
    const result = installPermissionsCheck(facts({ grants: false }));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(
      /^cannot grant the webhook what you do not hold yourself \(get secrets; .*\) and may not escalate clusterroles\.rbac\.authorization\.k8s\.io; bind /,
    );
  });

  it('fails when the authorizer cannot be asked', () => {
    expect(installPermissionsCheck({ error: 'HTTP 401' })).toMatchObject({ status: 'fail', detail: 'cannot ask the authorizer: HTTP 401' });
  });
});
