import { describe, expect, it } from 'vitest';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import { hostBindingRule } from './hostBinding.js';
import { entry, foundSecret, lookups } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookup } from './types.js';

const NAME_PATH = 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name';
const annotated = (hosts: string): SecretLookup => foundSecret('github-token', { token: 'x' }, { [ALLOWED_HOSTS_ANNOTATION]: hosts });
const check = (lookup: SecretLookup, remoteUrl = 'https://api.example.com/mcp', requireHostBinding = false) =>
  hostBindingRule({ requireHostBinding }).check({
    entry: entry({ spec: { remoteUrl } }),
    namespace: 'team-a',
    secrets: lookups({ 'github-token': lookup }),
  });

describe('host-binding rule', () => {
  it.each([
    ['an exact host', 'api.example.com', 'https://API.example.com/mcp'],
    ['a wildcard one label deep', '*.example.org', 'https://a.example.org/mcp'],
    ['a wildcard two labels deep', 'api.example.com, *.example.org', 'https://a.b.example.org:8443/mcp'],
  ])('admits %s', (_case, hosts, remoteUrl) => {
    expect(check(annotated(hosts), remoteUrl)).toEqual([]);
  });

  it.each([
    ['another host', 'api.example.com', 'https://evil.test/mcp', 'evil.test'],
    ['the wildcard apex', '*.example.org', 'https://example.org/mcp', 'example.org'],
    ['a suffix without a label boundary', '*.example.org', 'https://badexample.org/mcp', 'badexample.org'],
  ])('denies %s', (_case, hosts, remoteUrl, host) => {
    expect(check(annotated(hosts), remoteUrl)).toEqual([
      expect.objectContaining({
        severity: 'violation',
        field: NAME_PATH,
        message: `Secret "github-token" may only be sent to ${hosts} (its ${ALLOWED_HOSTS_ANNOTATION} annotation), not to "${host}" (spec.remoteUrl)`,
        subject: `host-binding:github-token@${host}`,
      }),
    ]);
  });

  it('denies everything for an annotation that lists no host', () => {
    expect(check(annotated(''))[0]?.message).toMatch(/may only be sent to no host/);
  });

  it('denies invalid annotation entries, naming them', () => {
    expect(check(annotated('https://api.example.com, api.example.com'))[0]?.message).toBe(
      `Secret "github-token" has invalid ${ALLOWED_HOSTS_ANNOTATION} entries: "https://api.example.com"`,
    );
  });

  it('leaves unannotated Secrets alone unless --require-host-binding', () => {
    const plain = foundSecret('github-token', { token: 'x' });
    expect(check(plain)).toEqual([]);
    expect(check(plain, 'https://api.example.com/mcp', true)).toEqual([
      expect.objectContaining({
        field: NAME_PATH,
        message: expect.stringContaining('has no mcp-header-forward.dev/allowed-hosts annotation, and --require-host-binding'),
        hint: expect.stringContaining(
          'kubectl annotate secret github-token -n team-a mcp-header-forward.dev/allowed-hosts=api.example.com',
        ),
      }),
    ]);
  });

  it.each<[string, SecretLookup]>([
    ['forbidden', { status: 'forbidden', user: 'u' }],
    ['not found', { status: 'not-found' }],
    ['unknown', { status: 'error', reason: 'x' }],
  ])('says nothing about a Secret that is %s, even when binding is required', (_case, lookup) => {
    expect(check(lookup, 'https://evil.test/', true)).toEqual([]);
  });

  it('leaves an unparsable remoteUrl to the remote-url rule', () => {
    expect(check(annotated('api.example.com'), 'not a url')).toEqual([]);
  });
});
