// The parts of undici the sidecar uses, loaded without undici's index: the index also loads fetch, WebSocket,
// caches, mocks and interceptors (measured on Node 24 with undici 8.13.1: +16.6 MB RSS for these modules against
// +29.4 MB for `import 'undici'`; docs/adr/0002). Paths are undici 8's CommonJS layout: package.json pins the
// exact version, so a bump is a reviewed change that must pass the sidecar tests (they cover both agents).
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

export const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
// As undici's index does: request/connect/... on every dispatcher (ProxyAgent tunnels with `connect`).
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent;
