import { describe, expect, it } from 'vitest';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { caBundleVolumeName, planRoutes } from './routes.js';

function entry(name: string, spec: Partial<MCPServerEntry['spec']>, namespace = 'tools'): MCPServerEntry {
  return {
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
    kind: 'MCPServerEntry',
    metadata: { name, namespace },
    spec: { remoteUrl: `https://${name}.example.com/mcp`, groupRef: { name: 'g' }, ...spec },
  };
}

const secret = (headerName: string, name = 's', key = 'k') => ({ headerName, valueSecretRef: { name, key } });

describe('planRoutes', () => {
  it('gives one secretKeyRef env var per secret header with ToolHive names, sorted', () => {
    const plan = planRoutes([
      entry('b', { headerForward: { addHeadersFromSecret: [secret('X-Key'), secret('Authorization', 'auth', 'token')] } }),
    ]);
    expect(plan.secretEnv).toEqual([
      { name: 'TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_B', valueFrom: { secretKeyRef: { name: 'auth', key: 'token' } } },
      { name: 'TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ]);
    expect(plan.routes[0]!.secretHeaders).toEqual({
      'X-Key': 'TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_B',
      Authorization: 'TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_B',
    });
  });

  it('never puts a secret value or a Secret name into the route config', () => {
    const plan = planRoutes([entry('a', { headerForward: { addHeadersFromSecret: [secret('X-Key', 'very-secret-name', 'the-key')] } })]);
    expect(JSON.stringify(plan.routes)).not.toMatch(/very-secret-name|the-key/);
  });

  it.each<[string, MCPServerEntry, RegExp]>([
    [
      'a restricted header',
      entry('a', { headerForward: { addPlaintextHeaders: { 'x-forwarded-for': '1' } } }),
      /addPlaintextHeaders\["x-forwarded-for"\]: header "x-forwarded-for" is restricted/,
    ],
    [
      'a header name that is not a token',
      entry('a', { headerForward: { addPlaintextHeaders: { 'X Bad': '1' } } }),
      /"X Bad" is not a valid HTTP header name/,
    ],
    [
      'a CR/LF in a plaintext value',
      entry('a', { headerForward: { addPlaintextHeaders: { 'X-A': 'a\r\nb' } } }),
      /contains a CR character/,
    ],
    [
      'a header set twice in different case',
      entry('a', { headerForward: { addPlaintextHeaders: { 'X-A': '1' }, addHeadersFromSecret: [secret('x-a')] } }),
      /addHeadersFromSecret\[0\]\.headerName: header "x-a" duplicates "X-A"/,
    ],
    [
      'two headers with one env name',
      entry('a', { headerForward: { addHeadersFromSecret: [secret('X-Api-Key'), secret('X-Api.Key')] } }),
      /addHeadersFromSecret\[1\]\.headerName "X-Api\.Key" maps to env var TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_A/,
    ],
    [
      'a secret header without a Secret',
      entry('a', { headerForward: { addHeadersFromSecret: [{ headerName: 'X-A' }] } }),
      /addHeadersFromSecret\[0\]\.valueSecretRef needs a Secret name and key/,
    ],
    [
      'a remoteUrl that is not http(s)',
      entry('a', { remoteUrl: 'ftp://x.example/', headerForward: { addPlaintextHeaders: { 'X-A': '1' } } }),
      /spec\.remoteUrl: scheme "ftp" is not supported/,
    ],
  ])('leaves out an entry with %s, saying where', (_what, bad, message) => {
    const good = entry('good', { headerForward: { addPlaintextHeaders: { 'X-Ok': '1' } } });
    const plan = planRoutes([bad, good]);
    expect(plan.routes.map((r) => r.entry)).toEqual(['tools/good']);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/^MCPServerEntry tools\/a skipped: /);
    expect(plan.warnings[0]).toMatch(message);
  });

  it('leaves out the second of two entries whose names normalise alike, never overwriting', () => {
    const plan = planRoutes([
      entry('my-entry', { headerForward: { addHeadersFromSecret: [secret('X-Key', 'first')] } }),
      entry('my.entry', { headerForward: { addHeadersFromSecret: [secret('X-Key', 'second')] } }),
    ]);
    expect(plan.routes.map((r) => r.entry)).toEqual(['tools/my-entry']);
    expect(plan.secretEnv).toHaveLength(1);
    expect(plan.secretEnv[0]!.valueFrom!.secretKeyRef!.name).toBe('first');
    expect(plan.warnings[0]).toMatch(/tools\/my\.entry skipped: env var TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_MY_ENTRY is already used/);
  });
});

describe('caBundleVolumeName', () => {
  it.each(['ca', 'corp.ca', 'a'.repeat(253), 'x.'.repeat(60) + 'y', 'a-'.repeat(30) + 'b'])('is a DNS label for %s', (name) => {
    const volume = caBundleVolumeName(name);
    expect(volume.length).toBeLessThanOrEqual(63);
    expect(volume).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('keeps dotted and dashed names apart', () => {
    expect(caBundleVolumeName('corp.ca')).not.toBe(caBundleVolumeName('corp-ca'));
    expect(caBundleVolumeName('corp-ca')).toBe('mcp-header-forward-cab-corp-ca');
  });
});
