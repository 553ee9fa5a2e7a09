// A real CA and a serving cert for 127.0.0.1, written to files the way the webhook reads them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueLeaf, type Issuer } from '../../../certs/x509.js';

const HOUR = 3_600_000;

export interface LoopbackTls {
  dir: string;
  certFile: string;
  keyFile: string;
  ca: Issuer;
  /** Issue a fresh leaf from the same CA and write it over the files (a rotation). */
  rotate(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function loopbackTls(): Promise<LoopbackTls> {
  const dir = await mkdtemp(join(tmpdir(), 'mhf-webhook-tls-'));
  const ca = await createCa({ commonName: 'webhook test CA', validForMs: HOUR });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const write = async (): Promise<void> => {
    const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], validForMs: HOUR });
    await writeFile(certFile, leaf.certPem);
    await writeFile(keyFile, leaf.keyPem);
  };
  await write();
  return { dir, certFile, keyFile, ca, rotate: write, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
