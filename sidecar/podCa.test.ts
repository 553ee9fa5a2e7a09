import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x509 from '@peculiar/x509';
import { createCa } from '../certs/x509.js';
import { PodCa } from './podCa.js';
import { opensslSubjectHash } from './subjectHash.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mhf-podca-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function opensslHash(certPem: string): Promise<string> {
  const file = join(dir, `h-${Math.random().toString(36).slice(2)}.pem`);
  await writeFile(file, certPem);
  return execFileSync('openssl', ['x509', '-hash', '-noout', '-in', file], { encoding: 'utf8' }).trim();
}

describe('opensslSubjectHash', () => {
  it.each(['mcp-header-forward sidecar CA', '  Mixed   CASE  Name ', 'ünïcödé CA'])(
    'matches `openssl x509 -hash` for CN=%s',
    async (commonName) => {
      const ca = await createCa({ commonName, validForMs: 60_000 });
      const ours = opensslSubjectHash(new Uint8Array(ca.certificate.subjectName.toArrayBuffer()));
      expect(ours).toMatch(/^[0-9a-f]{8}$/);
      expect(ours).toBe(await opensslHash(ca.certPem));
    },
  );

  it('matches openssl for a multi-attribute subject with PrintableString values', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'C=DE, O=Example  Org, OU=Platform, CN=Some Root',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 60_000),
    });
    expect(opensslSubjectHash(new Uint8Array(cert.subjectName.toArrayBuffer()))).toBe(await opensslHash(cert.toString('pem')));
  });
});

describe('PodCa', () => {
  it('writes ca.crt and <hash>.0 with the same certificate and the hash openssl computes', async () => {
    const ca = await PodCa.create();
    const caDir = join(dir, 'ca');
    await ca.writeTo(caDir);
    expect((await readdir(caDir)).sort()).toEqual([`${ca.subjectHash}.0`, 'ca.crt'].sort());
    const written = await readFile(join(caDir, 'ca.crt'), 'utf8');
    expect(written).toBe(ca.certPem);
    expect(await readFile(join(caDir, `${ca.subjectHash}.0`), 'utf8')).toBe(written);
    expect(await opensslHash(written)).toBe(ca.subjectHash);
    expect(written).not.toContain('PRIVATE KEY');
  });

  it("removes another CA's <hash>.N file on rewrite, so the dir names only the current CA", async () => {
    const caDir = join(dir, 'ca-stale');
    await PodCa.create('an earlier CA').then((old) => old.writeTo(caDir));
    await writeFile(join(caDir, 'unrelated.pem'), 'kept');
    // Someone else's hash link in a shared trust dir: not ours, never removed.
    await writeFile(join(caDir, '0123abcd.0'), 'another CA');
    const ca = await PodCa.create();
    await ca.writeTo(caDir);
    expect((await readdir(caDir)).sort()).toEqual([`${ca.subjectHash}.0`, '0123abcd.0', 'ca.crt', 'unrelated.pem'].sort());
  });

  it('caches leaf contexts per host, case-insensitively', async () => {
    const ca = await PodCa.create();
    const first = await ca.secureContextFor('api.example.com');
    expect(await ca.secureContextFor('API.example.com')).toBe(first);
    expect(await ca.secureContextFor('other.example.com')).not.toBe(first);
  });

  it('reissues a leaf near its expiry', async () => {
    const ca = await PodCa.create();
    const first = await ca.secureContextFor('api.example.com');
    const later = Date.now() + 24 * 3_600_000;
    expect(await ca.secureContextFor('api.example.com', later)).not.toBe(first);
  });
});
