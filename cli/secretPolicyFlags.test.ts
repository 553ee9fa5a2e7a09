import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addSecretPolicyOptions, secretPolicyFlags } from './secretPolicyFlags.js';

const parse = (args: string[]): ReturnType<typeof secretPolicyFlags> => {
  const command = new Command('webhook').exitOverride().configureOutput({ writeErr: () => undefined });
  addSecretPolicyOptions(command);
  command.parse(args, { from: 'user' });
  return secretPolicyFlags(command.opts());
};

describe('Secret policy flags', () => {
  it('default to the safe settings: authorise, deny missing Secrets, binding opt-in, 10 s cache', () => {
    expect(parse([])).toEqual({ authorizeSecretRefs: true, missingSecret: 'deny', requireHostBinding: false, accessReviewCacheTtl: 10_000 });
  });

  it('read every flag', () => {
    expect(
      parse(['--authorize-secret-refs=false', '--missing-secret', 'warn', '--require-host-binding', '--access-review-cache-ttl', '0']),
    ).toEqual({ authorizeSecretRefs: false, missingSecret: 'warn', requireHostBinding: true, accessReviewCacheTtl: 0 });
  });

  it.each([
    [['--authorize-secret-refs', 'no']],
    [['--missing-secret', 'ignore']],
    [['--access-review-cache-ttl', '600000']],
  ])('refuse %j', (args) => {
    expect(() => parse(args)).toThrow();
  });
});
