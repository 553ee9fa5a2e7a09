import { describe, expect, it } from 'vitest';
import { describeUpstreamError } from './upstreamErrors.js';

const withCode = (code: string, message = 'detail that must not leak'): Error => Object.assign(new Error(message), { code });

describe('describeUpstreamError', () => {
  it.each([
    [withCode('ECONNREFUSED'), 'upstream refused the connection'],
    [withCode('ENOTFOUND'), 'upstream host not found'],
    [withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'upstream TLS verification failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
    [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'upstream TLS verification failed (ERR_TLS_CERT_ALTNAME_INVALID)'],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'upstream timed out'],
    [Object.assign(new Error('wrapped'), { cause: withCode('ECONNRESET') }), 'upstream closed the connection'],
    [withCode('EWHATEVER'), 'upstream request failed (EWHATEVER)'],
    [new Error('no code'), 'upstream request failed'],
    ['not an error', 'upstream request failed'],
  ])('%s -> %s', (error, reason) => {
    expect(describeUpstreamError(error)).toBe(reason);
  });

  it('is built from codes only, never from the message', () => {
    expect(describeUpstreamError(withCode('ECONNREFUSED', 'Bearer secret'))).not.toContain('secret');
  });
});
