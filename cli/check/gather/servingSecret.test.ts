import { describe, expect, it } from 'vitest';
import { servingPemsFromSecret } from './servingSecret.js';

// The serving Secret's private key must never reach check's facts (and so its output): a sentinel in tls.key
// and in every other key but the two public ones.

const SENTINEL = 'SENTINEL-tls-key-b6f1c9d2';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('servingPemsFromSecret', () => {
  it('keeps tls.crt and ca.crt, decoded, and nothing else', () => {
    const facts = servingPemsFromSecret({
      metadata: { name: 'mcp-header-forward-tls', annotations: { note: SENTINEL } },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': b64('CERT PEM'),
        'ca.crt': b64('CA PEM'),
        'tls.key': b64(`-----BEGIN PRIVATE KEY-----\n${SENTINEL}\n`),
        extra: b64(SENTINEL),
      },
    });
    expect(facts).toEqual({ certPem: 'CERT PEM', caPem: 'CA PEM' });
    const serialized = JSON.stringify(facts);
    expect(serialized).not.toContain(SENTINEL);
    expect(serialized).not.toContain(b64(SENTINEL).slice(0, 12));
  });

  it('an absent or empty key is undefined', () => {
    expect(servingPemsFromSecret({ data: { 'tls.crt': '' } })).toEqual({ certPem: undefined, caPem: undefined });
    expect(servingPemsFromSecret({})).toEqual({ certPem: undefined, caPem: undefined });
  });
});
