import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CertsOptions, runCerts } from './certs.js';

function capture(): { out: string[]; err: string[]; io: Parameters<typeof runCerts>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => new Date() } };
}

const base: CertsOptions = {
  service: 'mcp-header-forward',
  namespace: 'mcp-header-forward',
  days: 30,
  apply: false,
  webhookConfiguration: 'mcp-header-forward',
  renewBeforeDays: 7,
};

describe('mcp-header-forward certs', () => {
  it('writes tls.crt, tls.key (owner-only) and ca.crt, and prints the caBundle of that CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certs-'));
    const { out, io } = capture();
    await runCerts({ ...base, outDir: dir }, io);
    const caPem = await readFile(join(dir, 'ca.crt'), 'utf8');
    const cert = new X509Certificate(await readFile(join(dir, 'tls.crt')));
    expect(cert.checkIssued(new X509Certificate(caPem))).toBe(true);
    expect((await stat(join(dir, 'tls.key'))).mode & 0o777).toBe(0o600);
    expect(Buffer.from(out.join('').trim(), 'base64').toString('utf8')).toBe(caPem);
  });

  it('prints a kubernetes.io/tls Secret whose ca.crt matches the caBundle on stderr', async () => {
    const { out, err, io } = capture();
    await runCerts({ ...base, secretName: 'mcp-header-forward-tls', output: 'yaml' }, io);
    const secret = parse(out.join('')) as { type: string; metadata: { name: string; namespace: string }; data: Record<string, string> };
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata).toMatchObject({ name: 'mcp-header-forward-tls', namespace: 'mcp-header-forward' });
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    expect(err.join('')).toContain(`caBundle: ${secret.data['ca.crt']}\n`);
  });

  it.each<[Partial<CertsOptions>, RegExp]>([
    [{}, /--out-dir DIR, --secret-name NAME -o yaml/],
    [{ output: 'yaml' }, /add --secret-name/],
    [{ apply: true }, /add --secret-name/],
    [{ apply: true, secretName: 's', outDir: '/tmp/x' }, /keeps the private key inside the cluster/],
    [{ outDir: '/tmp/x', renewBeforeDays: 30 }, /--renew-before-days 30 must be less than --days 30/],
  ])('refuses %o with a message that says what to add or drop', async (extra, message) => {
    await expect(runCerts({ ...base, ...extra }, capture().io)).rejects.toThrow(message);
  });
});
