import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa, issueLeaf, type Issuer } from '../../certs/x509.js';
import { CLIENT_CPU } from '../lib/pinning.js';
import { freeLoopbackPort, startPinned, waitForPort, type ManagedProcess } from '../lib/processes.js';
import { standInFixtures } from './fixtures.js';

// The stand-in API server (a Go process on the client core) and the kubeconfig that points the webhook at it.

const HOUR = 3_600_000;
/** A Secret GET on a healthy API server costs about this much; every lookup waits it out. */
export const SECRET_LATENCY_US = 250;

export interface StandIn {
  process: ManagedProcess;
  kubeconfigFile: string;
}

export async function writeServingCert(ca: Issuer, dir: string, name: string): Promise<{ certFile: string; keyFile: string }> {
  const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: 24 * HOUR });
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  await writeFile(certFile, leaf.certPem);
  await writeFile(keyFile, leaf.keyPem, { mode: 0o600 });
  return { certFile, keyFile };
}

export function kubeconfig(server: string, caPem: string): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'webhook', user: { token: 'bench-token' } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: 'webhook' } }],
    'current-context': 'bench',
  };
  return JSON.stringify(config, null, 2);
}

export async function startStandIn(loadgen: string, dir: string): Promise<StandIn> {
  const ca = await createCa({ commonName: 'mcp-header-forward bench stand-in API server CA', validForMs: 24 * HOUR });
  const { certFile, keyFile } = await writeServingCert(ca, dir, 'standin');
  const fixturesFile = join(dir, 'standin-fixtures.json');
  await writeFile(fixturesFile, JSON.stringify(standInFixtures()));
  const port = await freeLoopbackPort();
  const args = [
    'apistandin',
    '-listen',
    `127.0.0.1:${port}`,
    '-cert',
    certFile,
    '-key',
    keyFile,
    '-fixtures',
    fixturesFile,
    '-secret-latency',
    `${SECRET_LATENCY_US}us`,
  ];
  const managed = await startPinned('standin', dir, CLIENT_CPU, loadgen, args);
  await waitForPort(managed, port);
  const kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, kubeconfig(`https://127.0.0.1:${port}`, ca.certPem), { mode: 0o600 });
  return { process: managed, kubeconfigFile };
}
