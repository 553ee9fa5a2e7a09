import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rename, symlink, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { AdmissionregistrationV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCa, issueLeaf, type Issuer } from '../../certs/x509.js';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest, type EntriesApi } from './harness/entries.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook, type Registration } from './harness/webhookRegistration.js';

// Rotate the webhook's serving certificate under continuous MCPServerEntry traffic through the real API server,
// the way the kubelet updates a Secret volume (an atomic `..data` symlink swap), and count failed admissions:
// first a new leaf from the same CA (cert-manager renewal), then a new CA published in caBundle beforehand
// (the certs Job's order). failurePolicy is Fail, so every failed call to the webhook is a failed create.

const HOUR = 3_600_000;
const suffix = randomBytes(3).toString('hex');
const NS = `rotation-${suffix}`;
const WORKERS = 4;

let cluster: Cluster;
let webhook: WebhookProcess;
let registration: Registration;
let rbac: { remove(): Promise<void> };
let entries: EntriesApi;
let tlsDir: string;
let generation = 0;
let relay: Relay;

/**
 * A TCP relay between the API server and the webhook, counting connections: the API server keeps webhook
 * connections alive, and a rotated cert only meets it on a new handshake, so the test proves new ones happened.
 */
interface Relay {
  url: string;
  connectionsSince(time: number): number;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  const accepted: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    accepted.push(Date.now());
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    connectionsSince: (time) => accepted.filter((t) => t >= time).length,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Write tls.crt/tls.key as the kubelet does: a new timestamped dir, then one atomic rename of `..data`. */
async function publish(certPem: string, keyPem: string): Promise<void> {
  generation += 1;
  const target = `..gen_${generation}`;
  await mkdir(join(tlsDir, target));
  await writeFile(join(tlsDir, target, 'tls.crt'), certPem);
  await writeFile(join(tlsDir, target, 'tls.key'), keyPem, { mode: 0o600 });
  await symlink(target, join(tlsDir, '..data_tmp'));
  await rename(join(tlsDir, '..data_tmp'), join(tlsDir, '..data'));
}

async function leafFor(ca: Issuer): Promise<{ certPem: string; keyPem: string; fingerprint: string }> {
  const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: HOUR });
  return { ...leaf, fingerprint: new X509Certificate(leaf.certPem).fingerprint256 };
}

/** Fingerprint of the certificate the webhook presents to a new handshake (verified against `caPem`). */
function servedFingerprint(caPem: string): Promise<string> {
  const { port } = new URL(webhook.url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: Number(port), ca: caPem, servername: undefined }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

/** Milliseconds until the webhook serves `fingerprint`. */
async function untilServed(fingerprint: string, caPem: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    if ((await servedFingerprint(caPem).catch(() => '')) === fingerprint) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`the webhook did not serve the rotated certificate within 30 s; log ${webhook.logFile}`);
}

let bundleVariant = 0;
/** The CA caBundle trusts at the end of the rotation test. */
let trustedCaPem = '';

/**
 * Set caBundle. Each call changes its bytes (a trailing newline toggles), so the API server builds a new webhook
 * client and opens new connections: the next requests handshake with whatever the webhook serves now.
 */
async function setCaBundle(pems: string[]): Promise<void> {
  bundleVariant += 1;
  const bundle = pems.map((pem) => pem.trim()).join('\n') + '\n'.repeat(bundleVariant % 2 === 0 ? 1 : 2);
  const api = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  await api.patchValidatingWebhookConfiguration(
    {
      name: registration.name,
      body: [{ op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: Buffer.from(bundle).toString('base64') }],
    },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  // The API server's webhook client cache follows a configuration change within about a second.
  await sleep(2_000);
}

interface Traffic {
  stop(): Promise<{ admitted: number; failures: string[] }>;
}

/** WORKERS loops creating valid entries (named `<prefix>-<worker>-<n>`) back to back until stopped. */
function startTraffic(prefix: string): Traffic {
  let running = true;
  let admitted = 0;
  const failures: string[] = [];
  const worker = async (id: number): Promise<void> => {
    for (let n = 0; running; n += 1) {
      const outcome = await entries.create(entryManifest(`${prefix}-${id}-${n}`, { addPlaintextHeaders: { 'X-Tenant': 'acme' } }));
      if (outcome.admitted) admitted += 1;
      else failures.push(`${outcome.status}: ${outcome.message}`);
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, id) => worker(id));
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return { admitted, failures };
    },
  };
}

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  rbac = await applyWebhookRbac(cluster.admin);
  tlsDir = await mkdtemp(join(cluster.info.workDir, 'rotation-tls-'));
  await symlink('..data/tls.crt', join(tlsDir, 'tls.crt'));
  await symlink('..data/tls.key', join(tlsDir, 'tls.key'));
  entries = entriesApi(cluster.admin, NS);
});

afterAll(async () => {
  await registration?.remove();
  await relay?.close();
  await webhook?.stop();
  await rbac?.remove();
});

describe('serving certificate rotation under traffic', () => {
  it('loses no admission across a leaf renewal and a CA rotation', async () => {
    const firstCa = await createCa({ commonName: 'rotation CA 1', validForMs: 2 * HOUR });
    const first = await leafFor(firstCa);
    await publish(first.certPem, first.keyPem);
    webhook = await startWebhookProcess(cluster, {
      tls: { certFile: join(tlsDir, 'tls.crt'), keyFile: join(tlsDir, 'tls.key'), caPem: firstCa.certPem },
    });
    relay = await startRelay(new URL(webhook.url));
    registration = await registerValidatingWebhook(cluster.admin, { ...webhook, url: relay.url }, { probeNamespace: NS });

    const traffic = startTraffic('rotate');
    await sleep(2_000);

    // cert-manager style: same CA, new leaf; caBundle keeps trusting the same CA.
    const renewed = await leafFor(firstCa);
    await publish(renewed.certPem, renewed.keyPem);
    const leafReloadMs = await untilServed(renewed.fingerprint, firstCa.certPem);
    const afterLeaf = Date.now();
    await setCaBundle([firstCa.certPem]);
    await sleep(2_000);
    const leafHandshakes = relay.connectionsSince(afterLeaf);

    // certs Job style: trust new + old CA first, then swap the files, then drop the old CA.
    const secondCa = await createCa({ commonName: 'rotation CA 2', validForMs: 2 * HOUR });
    await setCaBundle([secondCa.certPem, firstCa.certPem]);
    const rotated = await leafFor(secondCa);
    await publish(rotated.certPem, rotated.keyPem);
    const caReloadMs = await untilServed(rotated.fingerprint, secondCa.certPem);
    const afterCa = Date.now();
    await setCaBundle([secondCa.certPem]);
    trustedCaPem = secondCa.certPem;
    await sleep(2_000);
    const caHandshakes = relay.connectionsSince(afterCa);

    const { admitted, failures } = await traffic.stop();
    process.stderr.write(
      `[rotation] ${admitted} entries admitted, ${failures.length} failed; new cert served ${leafReloadMs} ms (same CA) and ${caReloadMs} ms (new CA) after the ..data swap; ` +
        `API server connections on the rotated certs: ${leafHandshakes} (same CA), ${caHandshakes} (new CA only)\n`,
    );
    expect(failures).toEqual([]);
    expect(leafHandshakes).toBeGreaterThan(0);
    expect(caHandshakes).toBeGreaterThan(0);
    expect(admitted).toBeGreaterThan(20);
    expect(await webhook.readLog()).toContain('reloaded TLS certificate');
  });

  it('does count failures when a new CA is served before caBundle trusts it (why the order matters)', async () => {
    const traffic = startTraffic('untrusted');
    await sleep(1_000);
    const untrustedCa = await createCa({ commonName: 'rotation CA 3, not in caBundle', validForMs: 2 * HOUR });
    const untrusted = await leafFor(untrustedCa);
    await publish(untrusted.certPem, untrusted.keyPem);
    await untilServed(untrusted.fingerprint, untrustedCa.certPem);
    // New connections (as after any pod restart or idle timeout) meet the untrusted cert.
    await setCaBundle([trustedCaPem]);
    await sleep(2_000);
    const { failures } = await traffic.stop();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/failed calling webhook.*(x509|certificate)/);
  });
});
