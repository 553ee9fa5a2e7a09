import { describe, expect, it } from 'vitest';
import { MODE_LABEL } from '../../contract/labels.js';
import { decide, effectiveMode } from './decide.js';
import { REASONS } from './reasons.js';
import type { ValidationResult } from './types.js';

const failing: ValidationResult = {
  violations: [
    { reason: REASONS.invalidRemoteUrl, field: 'spec.remoteUrl', message: 'is required', hint: 'set it' },
    {
      reason: REASONS.headerSecretNotFound,
      field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name',
      message: 'Secret "s" not found in namespace "ns"',
    },
  ],
  warnings: ['spec.headerForward.addPlaintextHeaders["Authorization"]: looks like a credential'],
  warningFindings: [],
};
const passing: ValidationResult = { violations: [], warnings: ['w'], warningFindings: [] };

describe('decide', () => {
  it('enforce denies, listing every violation with its fix, and keeps warnings', () => {
    const decision = decide(failing, 'enforce', 'MCPServerEntry ns/e');
    expect(decision.allowed).toBe(false);
    expect(decision.message).toBe(
      'MCPServerEntry ns/e has 2 problems:\n' +
        '- spec.remoteUrl: is required (fix: set it)\n' +
        '- spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "s" not found in namespace "ns"',
    );
    expect(decision.warnings).toEqual(failing.warnings);
  });

  it('warn allows and turns violations into warnings', () => {
    const decision = decide(failing, 'warn', 'MCPServerEntry ns/e');
    expect(decision.allowed).toBe(true);
    expect(decision.message).toBeUndefined();
    expect(decision.warnings).toEqual([
      'spec.remoteUrl: is required (fix: set it) [would be denied in enforce mode]',
      'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "s" not found in namespace "ns" [would be denied in enforce mode]',
      ...failing.warnings,
    ]);
  });

  it('audit allows without surfacing violations to the user', () => {
    expect(decide(failing, 'audit', 'x')).toEqual({ allowed: true, mode: 'audit', warnings: failing.warnings });
  });

  it.each(['enforce', 'warn', 'audit'] as const)('%s allows a clean result', (mode) => {
    expect(decide(passing, mode, 'x')).toEqual({ allowed: true, mode, warnings: ['w'] });
  });
});

describe('effectiveMode', () => {
  it.each([
    ['enforce', undefined, 'enforce'],
    ['enforce', 'warn', 'warn'],
    ['enforce', 'audit', 'audit'],
    ['audit', 'enforce', 'enforce'],
  ] as const)('global %s with namespace label %s -> %s', (global, label, expected) => {
    expect(effectiveMode(global, label, MODE_LABEL)).toEqual({ mode: expected });
  });

  it('keeps the global mode and says so when the label value is unknown', () => {
    expect(effectiveMode('enforce', 'off', MODE_LABEL)).toEqual({
      mode: 'enforce',
      warning: 'namespace label mcp-header-forward.dev/mode="off" is not one of enforce, warn, audit; using enforce',
    });
  });
});
