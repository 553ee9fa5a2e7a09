import { describe, expect, it } from 'vitest';
import { normalize, secretEnvVarName, secretIdentifier } from './envNames.js';

describe('ToolHive env naming', () => {
  // Examples from ToolHive's GenerateHeaderForwardSecretEnvVarName doc comment and tests.
  it('matches ToolHive for X-API-Key on my-owner', () => {
    expect(secretEnvVarName('my-owner', 'X-API-Key')).toBe('TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_MY_OWNER');
    expect(secretIdentifier('my-owner', 'X-API-Key')).toBe('HEADER_FORWARD_X_API_KEY_MY_OWNER');
  });

  it.each([
    ['X-Api-Key', 'X_API_KEY'],
    ['x-api.key', 'X_API_KEY'],
    ['Authorization', 'AUTHORIZATION'],
    ['my.entry-1', 'MY_ENTRY_1'],
    ['X-MCP-Toolsets', 'X_MCP_TOOLSETS'],
    ["a!#$%&'*+^`|~b", 'A____________B'],
  ])('normalize(%s) = %s', (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('is lossy, so collisions exist and must be caught by validation', () => {
    expect(secretEnvVarName('e', 'X-Api.Key')).toBe(secretEnvVarName('e', 'X-Api-Key'));
  });
});

describe('ToolHive examples (pkg/vmcp/headerforward/transport_test.go)', () => {
  // The operator stores this identifier; vMCP reads TOOLHIVE_SECRET_<identifier> from its env.
  it('X-API-Key on backend-a is HEADER_FORWARD_X_API_KEY_BACKEND_A', () => {
    expect(secretIdentifier('backend-a', 'X-API-Key')).toBe('HEADER_FORWARD_X_API_KEY_BACKEND_A');
    expect(secretEnvVarName('backend-a', 'X-API-Key')).toBe('TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_BACKEND_A');
  });
});
