import { describe, expect, it } from 'vitest';
import { secretFacts, valueFacts } from './secretFacts.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('secretFacts', () => {
  it('keeps names, annotations and per-key facts, and no value', () => {
    const facts = secretFacts({ metadata: { name: 's', annotations: { a: 'b' } }, data: { token: b64('SENTINEL-VALUE-123') } }, 'team-a');
    expect(facts).toEqual({
      namespace: 'team-a',
      name: 's',
      annotations: { a: 'b' },
      keys: { token: { empty: false, trailingNewline: false } },
    });
    expect(JSON.stringify(facts)).not.toContain('SENTINEL');
  });

  it('lets stringData win over data for the same key, as the API server does', () => {
    const facts = secretFacts({ data: { k: b64('') }, stringData: { k: 'set' } }, 'ns');
    expect(facts.keys.k).toEqual({ empty: false, trailingNewline: false });
  });

  it.each([
    ['', { empty: true, trailingNewline: false }],
    ['tok\n', { empty: false, trailingNewline: true, forbiddenChar: 'LF' }],
    ['tok\r\n', { empty: false, trailingNewline: true, forbiddenChar: 'CR' }],
    ['a\0b', { empty: false, trailingNewline: false, forbiddenChar: 'NUL' }],
    ['tab\tok', { empty: false, trailingNewline: false }],
  ])('valueFacts(%j)', (value, expected) => {
    expect(valueFacts(Buffer.from(value))).toEqual(expected);
  });
});

describe('secretFacts without a revision', () => {
  it('leaves the revision (an HMAC over the data) out when asked, and keeps every other fact', () => {
    const secret = { metadata: { name: 's', resourceVersion: '7' }, data: { token: Buffer.from('v').toString('base64') } };
    const { revision, ...facts } = secretFacts(secret, 'ns');
    expect(revision?.resourceVersion).toBe('7');
    expect(secretFacts(secret, 'ns', { revision: false })).toEqual(facts);
  });
});
