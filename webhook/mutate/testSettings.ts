import { apiServerHostsFrom, DEFAULT_SETTINGS, type InjectSettings } from './settings.js';

// Settings every fixture-based test uses: a pinned image and an in-cluster API server at 10.96.0.1.
export const TEST_SETTINGS: InjectSettings = Object.freeze({
  ...DEFAULT_SETTINGS,
  image: 'ghcr.io/example/mcp-header-forward:v0.1.0',
  apiServerHosts: apiServerHostsFrom('10.96.0.1', 'cluster.local'),
});

export const TEST_NAMESPACE = 'tools';
