import { describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR, secretEnvVarName } from '../contract/envNames.js';
import { serializeRouteConfig, type RouteConfig } from '../contract/routes.js';
import { sealedPlaceholder } from '../contract/sealing.js';
import { loadSidecarConfig, SidecarConfigError } from './config.js';

const apiKeyEnv = secretEnvVarName('github', 'X-Api-Key');

function envFor(config: unknown, secrets: Record<string, string> = { [apiKeyEnv]: 'k-123' }): Record<string, string> {
  return { [ROUTES_ENV_VAR]: typeof config === 'string' ? config : JSON.stringify(config), ...secrets };
}

const good: RouteConfig = {
  version: 1,
  routes: [
    {
      entry: 'tools/github',
      remoteUrl: 'https://api.example.com/mcp',
      plaintextHeaders: { 'X-Tenant': 'acme' },
      secretHeaders: { 'X-Api-Key': apiKeyEnv },
    },
  ],
};

function errorOf(env: Record<string, string>): string {
  try {
    loadSidecarConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SidecarConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a config error');
}

describe('loadSidecarConfig', () => {
  it('resolves plaintext and secret headers from the injector format', () => {
    const config = loadSidecarConfig(envFor(serializeRouteConfig(good)));
    expect(config.routes).toEqual([
      {
        entry: 'tools/github',
        remoteUrl: 'https://api.example.com/mcp',
        headers: [
          { name: 'X-Tenant', lowerName: 'x-tenant', value: 'acme', secret: false },
          { name: 'X-Api-Key', lowerName: 'x-api-key', value: 'k-123', secret: true },
        ],
      },
    ]);
  });

  it('resolves sealed headers: the placeholder vMCP sends and the value that replaces it on this route', () => {
    const authEnv = secretEnvVarName('github', 'Authorization');
    const sealed = { ...good, routes: [{ ...good.routes[0]!, sealedHeaders: { Authorization: authEnv } }] };
    const config = loadSidecarConfig(envFor(serializeRouteConfig(sealed), { [apiKeyEnv]: 'k-123', [authEnv]: 'Bearer real' }));
    expect(config.routes[0]!.sealed).toEqual([
      { name: 'Authorization', lowerName: 'authorization', placeholder: sealedPlaceholder(authEnv), value: 'Bearer real' },
    ]);
  });

  it('refuses a sealed header whose Secret env var is missing, or that is also added', () => {
    const authEnv = secretEnvVarName('github', 'Authorization');
    const sealed = { ...good, routes: [{ ...good.routes[0]!, sealedHeaders: { Authorization: authEnv } }] };
    expect(errorOf(envFor(sealed))).toContain(
      `env var ${authEnv} is not set (needed by ${ROUTES_ENV_VAR} routes[0].sealedHeaders.Authorization (tools/github))`,
    );
    const twice = { ...good, routes: [{ ...good.routes[0]!, sealedHeaders: { 'x-api-key': apiKeyEnv } }] };
    expect(errorOf(envFor(twice))).toContain('header "x-api-key" is both added and sealed; keep one');
  });

  it('carries the upstream proxy through', () => {
    const config = loadSidecarConfig(envFor({ ...good, upstreamProxy: { https: 'http://corp:3128', noProxy: '.internal' } }));
    expect(config.upstreamProxy).toEqual({ https: 'http://corp:3128', noProxy: '.internal' });
  });

  it('refuses a missing route env var', () => {
    expect(errorOf({})).toMatch(new RegExp(`^${ROUTES_ENV_VAR} is not set`));
  });

  it('refuses bad JSON, naming the env var', () => {
    expect(errorOf(envFor('{"version":1,'))).toMatch(new RegExp(`^${ROUTES_ENV_VAR} is not valid JSON`));
  });

  it('refuses a restricted header, naming its field path', () => {
    const bad = { ...good, routes: [{ ...good.routes[0], plaintextHeaders: { Host: 'evil' } }] };
    expect(errorOf(envFor(bad))).toBe(
      `${ROUTES_ENV_VAR}: routes[0].plaintextHeaders.Host: header "Host" is a restricted header and cannot be forwarded`,
    );
  });

  it('refuses a missing secret env var, naming it', () => {
    expect(errorOf(envFor(good, {}))).toMatch(
      new RegExp(`^env var ${apiKeyEnv} is not set \\(needed by ${ROUTES_ENV_VAR} routes\\[0\\]\\.secretHeaders\\.X-Api-Key`),
    );
  });

  it('refuses an empty secret value', () => {
    expect(errorOf(envFor(good, { [apiKeyEnv]: '' }))).toMatch(new RegExp(`^env var ${apiKeyEnv} is empty`));
  });

  it('refuses a secret with a trailing newline and says why, without the value', () => {
    const message = errorOf(envFor(good, { [apiKeyEnv]: 'sentinel-value\n' }));
    expect(message).toContain('trailing newline');
    expect(message).not.toContain('sentinel-value');
  });

  it('refuses the same header twice in one route', () => {
    const bad = { ...good, routes: [{ ...good.routes[0], plaintextHeaders: { 'x-api-key': 'plain' } }] };
    expect(errorOf(envFor(bad))).toMatch(/header "X-Api-Key" is configured twice/);
  });

  it('refuses two entries on the same remoteUrl', () => {
    const bad = {
      ...good,
      routes: [good.routes[0], { ...good.routes[0], entry: 'tools/other', remoteUrl: 'https://API.example.com:443/mcp/' }],
    };
    expect(errorOf(envFor(bad))).toMatch(/entries tools\/github and tools\/other share remoteUrl/);
  });

  it('refuses an unknown config version', () => {
    expect(errorOf(envFor({ ...good, version: 2 }))).toMatch(/^MCP_HEADER_FORWARD_ROUTES: version: /);
  });

  it('accepts secret headers bound to the remoteUrl host (exact or *. on a label boundary)', () => {
    for (const patterns of [['api.example.com'], ['*.example.com'], ['other.org', 'API.example.com']]) {
      const bound = { ...good, routes: [{ ...good.routes[0]!, allowedHosts: { 'X-Api-Key': patterns } }] };
      expect(loadSidecarConfig(envFor(bound)).routes[0]!.headers).toHaveLength(2);
    }
  });

  it('refuses a route whose secret header is bound to other hosts', () => {
    for (const patterns of [['example.com'], ['*.api.example.com'], ['badapi.example.com'], []]) {
      const unbound = { ...good, routes: [{ ...good.routes[0]!, allowedHosts: { 'X-Api-Key': patterns } }] };
      expect(errorOf(envFor(unbound))).toMatch(
        /^MCP_HEADER_FORWARD_ROUTES routes\[0\] \(tools\/github\): remoteUrl host api\.example\.com is not allowed for its secret headers \(X-Api-Key may only go to /,
      );
    }
  });

  it('refuses an upstream proxy that is not an http:// URL, without echoing credentials', () => {
    const message = errorOf(envFor({ ...good, upstreamProxy: { https: 'https://user:pw@corp:3128' } }));
    expect(message).toBe(
      'MCP_HEADER_FORWARD_ROUTES upstreamProxy.https: "https://corp:3128" is not supported; give an http://host:port proxy URL',
    );
    expect(errorOf(envFor({ ...good, upstreamProxy: { http: 'corp:3128' } }))).toBe(
      'MCP_HEADER_FORWARD_ROUTES upstreamProxy.http: "corp://" is not supported; give an http://host:port proxy URL',
    );
  });
});
