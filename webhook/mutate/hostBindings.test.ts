import { describe, expect, it } from 'vitest';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { referencedSecretsFor, routeBinding, secretBindingsFrom, type SecretAnnotations } from './hostBindings.js';
import { contextFromObjects } from './inject.js';
import { planRoutes } from './routes.js';
import { loadFixture, TEST_SETTINGS } from '../../test/unit/webhook/mutateFixtures.js';

function entry(name: string, remoteUrl: string, secrets: [header: string, secret: string][]): MCPServerEntry {
  return {
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
    kind: 'MCPServerEntry',
    metadata: { name, namespace: 'tools' },
    spec: {
      remoteUrl,
      groupRef: { name: 'g' },
      headerForward: {
        addHeadersFromSecret: secrets.map(([headerName, secret]) => ({ headerName, valueSecretRef: { name: secret, key: 'k' } })),
      },
    },
  };
}

const annotated = (hosts: string): SecretAnnotations => ({ [ALLOWED_HOSTS_ANNOTATION]: hosts, other: 'x' });

describe('secretBindingsFrom', () => {
  it('binds annotated Secrets to their valid patterns and leaves the others unbound', () => {
    const bindings = secretBindingsFrom(
      new Map<string, SecretAnnotations>([
        ['bound', annotated('API.example.com, *.example.org, https://bad')],
        ['plain', {}],
        ['missing', undefined],
      ]),
      false,
    );
    expect([...bindings]).toEqual([['bound', ['api.example.com', '*.example.org']]]);
  });

  it('with --require-host-binding binds an unannotated Secret to no host', () => {
    expect([...secretBindingsFrom(new Map<string, SecretAnnotations>([['plain', {}]]), true)]).toEqual([['plain', []]]);
  });
});

describe('routeBinding', () => {
  const bindings = new Map([['bound', ['*.example.org']]]);

  it('gives allowedHosts for bound headers only, and nothing when none is bound', () => {
    expect(
      routeBinding(
        entry('a', 'https://mcp.example.org/', [
          ['X-A', 'bound'],
          ['X-B', 'plain'],
        ]),
        entryHeaders([
          ['X-A', 'bound'],
          ['X-B', 'plain'],
        ]),
        bindings,
      ),
    ).toEqual({
      allowedHosts: { 'X-A': ['*.example.org'] },
    });
    expect(routeBinding(entry('a', 'https://evil.test/', [['X-B', 'plain']]), entryHeaders([['X-B', 'plain']]), bindings)).toEqual({});
  });

  it('names the headers and hosts when the remoteUrl is not allowed', () => {
    expect(routeBinding(entry('a', 'https://example.org/', [['X-A', 'bound']]), entryHeaders([['X-A', 'bound']]), bindings)).toEqual({
      problem: `spec.remoteUrl host example.org is not allowed by the ${ALLOWED_HOSTS_ANNOTATION} annotation of its Secrets (X-A may only go to *.example.org)`,
    });
  });
});

describe('planRoutes with bindings', () => {
  const bindings = new Map([
    ['bound', ['*.example.org']],
    ['nowhere', []],
  ]);

  it('writes allowedHosts into the route the sidecar reads', () => {
    const plan = planRoutes([entry('a', 'https://a.b.example.org/mcp', [['X-A', 'bound']])], bindings);
    expect(plan.routes[0]!.allowedHosts).toEqual({ 'X-A': ['*.example.org'] });
    expect(plan.warnings).toEqual([]);
  });

  it('leaves out, with a warning, an entry whose remoteUrl breaks a binding; the others still route', () => {
    const plan = planRoutes(
      [
        entry('leak', 'https://attacker.test/mcp', [['X-A', 'bound']]),
        entry('ok', 'https://ok.example.com/mcp', [['X-C', 'plain']]),
        entry('none', 'https://x.example.org/', [['X-N', 'nowhere']]),
      ],
      bindings,
    );
    expect(plan.routes.map((r) => r.entry)).toEqual(['tools/ok']);
    expect(plan.routes[0]!.allowedHosts).toBeUndefined();
    expect(plan.secretEnv.map((e) => e.name)).toEqual(['TOOLHIVE_SECRET_HEADER_FORWARD_X_C_OK']);
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /^MCPServerEntry tools\/leak skipped: spec\.remoteUrl host attacker\.test is not allowed .*X-A may only go to \*\.example\.org/,
      ),
      expect.stringMatching(/^MCPServerEntry tools\/none skipped: .*X-N may only go to \(no host\)/),
    ]);
  });
});

describe('referencedSecretsFor', () => {
  it("lists the Secrets of the entries the pod's vMCP forwards for, sorted", () => {
    const fixture = loadFixture('basic-native');
    const ctx = contextFromObjects({ vmcps: fixture.vmcps, entries: fixture.entries }, { namespace: 'tools', settings: TEST_SETTINGS });
    expect(referencedSecretsFor(fixture.pod, ctx)).toEqual(['analytics', 'github-token']);
  });

  it('is empty for a pod that is not a vMCP', () => {
    const fixture = loadFixture('basic-native');
    const ctx = contextFromObjects({ vmcps: fixture.vmcps, entries: fixture.entries }, { namespace: 'tools', settings: TEST_SETTINGS });
    expect(referencedSecretsFor({ metadata: { labels: {} }, spec: { containers: [] } }, ctx)).toEqual([]);
  });
});

function entryHeaders(secrets: [string, string][]) {
  return secrets.map(([headerName, name]) => ({ headerName, valueSecretRef: { name, key: 'k' } }));
}
