// A restarted sidecar must sign with the CA vmcp loaded at its start: Go reads SSL_CERT_DIR once, so the Go
// client here trusts only a copy of the first run's ca.crt, as a running vmcp would.
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR } from '../contract/envNames.js';
import { serializeRouteConfig } from '../contract/routes.js';
import { CA_CERT_FILE } from '../contract/sidecar.js';
import { buildGoClient, goEnv, goGet } from '../test/unit/sidecar/goclient.js';
import { createTestPki, startUpstream, tempDir, testLookup, type TestPki, type Upstream } from '../test/unit/sidecar/harness.js';
import { CA_KEY_FILE } from './caKeyStore.js';
import { loadSidecarConfig } from './config.js';
import { createLogger } from '../contract/logging.js';
import { startSidecar, type Sidecar } from './server.js';

let root: { path: string; remove(): Promise<void> };
let pki: TestPki;
let upstream: Upstream;
let goclient: string;
const logs: string[] = [];

beforeAll(async () => {
  root = await tempDir();
  [pki, goclient] = await Promise.all([createTestPki(root.path), buildGoClient()]);
  upstream = await startUpstream(pki.serverCert);
}, 120_000);
afterAll(async () => {
  await upstream?.close();
  await root?.remove();
});

function start(caKeyDir: string, caDir: string): Promise<Sidecar> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const routes = [
    {
      entry: 'tools/secure',
      remoteUrl: `https://mcp.test:${upstream.port}/mcp`,
      plaintextHeaders: { 'X-Tenant': 'acme' },
      secretHeaders: {},
      caBundleFile: pki.caFile,
    },
  ];
  return startSidecar({
    config: loadSidecarConfig({ [ROUTES_ENV_VAR]: serializeRouteConfig({ version: 1, routes }) }),
    proxyListen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    caDir,
    caKeyDir,
    log: createLogger({ name: 'mcp-header-forward-sidecar', level: 'debug', destination: sink }),
    lookup: testLookup,
    shutdownGraceMs: 1_000,
  });
}

const proxyUrl = (sidecar: Sidecar): string => `http://127.0.0.1:${sidecar.proxyAddress.port}`;

describe('per-pod CA across a sidecar restart (--ca-key-dir)', () => {
  let keyDir: string;
  let caDir: string;
  let vmcpRoots: string; // what vmcp loaded at its start: the first run's ca.crt only
  let firstCertPem: string;

  beforeAll(async () => {
    keyDir = join(root.path, 'ca-key');
    caDir = join(root.path, 'ca');
    vmcpRoots = join(root.path, 'vmcp-roots');
    const first = await start(keyDir, caDir);
    firstCertPem = first.ca.certPem;
    await mkdir(vmcpRoots);
    await copyFile(join(caDir, CA_CERT_FILE), join(vmcpRoots, CA_CERT_FILE));
    const before = await goGet(goclient, goEnv(proxyUrl(first), [vmcpRoots]), [`https://mcp.test:${upstream.port}/mcp`]);
    expect(before.status).toBe(200);
    await first.close();
  }, 60_000);

  it('a restart with the same key dir serves leaves that a Go client trusting only the first ca.crt accepts', async () => {
    const second = await start(keyDir, caDir);
    try {
      expect(second.ca.certPem).toBe(firstCertPem);
      const result = await goGet(goclient, goEnv(proxyUrl(second), [vmcpRoots]), [`https://mcp.test:${upstream.port}/mcp`]);
      expect(result.status).toBe(200);
      expect(upstream.seen.at(-1)!.headers['x-tenant']).toBe('acme');
      expect(await readFile(join(caDir, CA_CERT_FILE), 'utf8')).toBe(firstCertPem);
    } finally {
      await second.close();
    }
  }, 60_000);

  it("a restart with an empty key dir makes a CA that the first run's trust rejects (what the key dir prevents)", async () => {
    const fresh = await start(join(root.path, 'ca-key-fresh'), join(root.path, 'ca-fresh'));
    try {
      expect(fresh.ca.certPem).not.toBe(firstCertPem);
      await expect(goGet(goclient, goEnv(proxyUrl(fresh), [vmcpRoots]), [`https://mcp.test:${upstream.port}/mcp`])).rejects.toThrow(
        /certificate signed by unknown authority/,
      );
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('never writes the key into the shared CA dir and never logs it', async () => {
    const keyPem = await readFile(join(keyDir, CA_KEY_FILE), 'utf8');
    const keyBody = keyPem
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('-----'))
      .join('');
    expect(keyBody.length).toBeGreaterThan(100);
    for (const name of await readdir(caDir)) {
      const content = await readFile(join(caDir, name), 'utf8');
      expect(content).not.toContain('PRIVATE KEY');
      expect(content.replace(/\s/g, '')).not.toContain(keyBody.slice(0, 40));
    }
    expect(logs.length).toBeGreaterThan(0);
    const output = logs.join('\n');
    expect(output).not.toContain('PRIVATE KEY');
    expect(output).not.toContain(keyBody.slice(0, 40));
  }, 60_000);
});
