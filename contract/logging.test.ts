import { describe, expect, it } from 'vitest';
import { captureLogs } from '../test/unit/webhook/logCapture.js';

describe('logger redaction (defence in depth behind "never log a value")', () => {
  it.each([
    ['a Secret', { secret: { data: { token: 'SENTINEL-A' }, stringData: { k: 'SENTINEL-A' } } }],
    [
      'an AdmissionReview request',
      { request: { object: { data: { token: 'SENTINEL-A' } }, oldObject: { data: { token: 'SENTINEL-A' } } } },
    ],
    ['request headers', { headers: { authorization: 'Bearer SENTINEL-A', cookie: 'SENTINEL-A' } }],
    ['a bare value field', { value: 'SENTINEL-A', header: { value: 'SENTINEL-A' } }],
  ])('censors %s', (_case, fields) => {
    const logs = captureLogs('info');
    logs.logger.info(fields, 'something happened');
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).not.toContain('SENTINEL-A');
    expect(logs.lines[0]).toContain('[REDACTED]');
  });
});
