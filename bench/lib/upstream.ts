import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa, issueLeaf } from '../../certs/x509.js';
import { UPSTREAM_CPU } from './pinning.js';
import { freeLoopbackPort, startPinned, waitForPort, type ManagedProcess } from './processes.js';

// The fixed upstream every target talks to: plain HTTP/1.1 and HTTPS with a bench CA from certs/x509.ts.

const HOUR = 3_600_000;

export interface Upstream {
  process: ManagedProcess;
  httpPort: number;
  httpsPort: number;
  caFile: string;
}

export async function startUpstream(loadgen: string, dir: string, header: string): Promise<Upstream> {
  const ca = await createCa({ commonName: 'mcp-header-forward bench upstream CA', validForMs: 24 * HOUR });
  const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], validForMs: 24 * HOUR });
  const caFile = join(dir, 'upstream-ca.pem');
  const certFile = join(dir, 'upstream.pem');
  const keyFile = join(dir, 'upstream-key.pem');
  await writeFile(caFile, ca.certPem);
  await writeFile(certFile, leaf.certPem);
  await writeFile(keyFile, leaf.keyPem, { mode: 0o600 });
  const [httpPort, httpsPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const args = [
    'upstream',
    '-http',
    `127.0.0.1:${httpPort}`,
    '-https',
    `127.0.0.1:${httpsPort}`,
    '-cert',
    certFile,
    '-key',
    keyFile,
    '-header',
    header,
    '-sse-interval',
    '1s',
  ];
  const managed = await startPinned('upstream', dir, UPSTREAM_CPU, loadgen, args);
  await waitForPort(managed, httpPort);
  await waitForPort(managed, httpsPort);
  return { process: managed, httpPort, httpsPort, caFile };
}
