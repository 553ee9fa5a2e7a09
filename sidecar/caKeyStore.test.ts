import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, exportIssuerKey, issueLeaf, type Issuer } from '../certs/x509.js';
import { CA_CERT_FILE } from '../contract/sidecar.js';
import { CA_KEY_FILE, CA_REUSE_MIN_REMAINING_MS, checkStoredCa, loadOrCreatePodCa } from './caKeyStore.js';
import { createLogger } from '../contract/logging.js';
import { CA_VALIDITY_MS, createPodCaIssuer } from './podCa.js';

const DAY = 24 * 3_600_000;

let dir: string;
let ca: Issuer;
let caKeyPem: string;
let other: Issuer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mhf-cakeys-'));
  [ca, other] = await Promise.all([createPodCaIssuer(), createPodCaIssuer()]);
  caKeyPem = await exportIssuerKey(ca);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return { log: createLogger({ name: 'mcp-header-forward-sidecar', level: 'debug', destination: sink }), lines };
}

async function keyDirWith(files: Record<string, string>): Promise<string> {
  const keyDir = await mkdtemp(join(dir, 'keys-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(keyDir, name), content, { mode: 0o600 });
  return keyDir;
}

/** The base64 body of a PEM, the part that must never leak. */
function pemBody(pem: string): string {
  return pem
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('-----'))
    .join('');
}

describe('checkStoredCa', () => {
  it('accepts the pair a sidecar stored, while it has more than the renewal margin left', async () => {
    const check = await checkStoredCa({ certPem: ca.certPem, keyPem: caKeyPem }, Date.now());
    expect(check.usable).toBe(true);
    if (check.usable) expect(check.issuer.certPem).toBe(ca.certPem);
  });

  it.each([
    ['garbage certificate', () => ({ certPem: 'not a pem', keyPem: caKeyPem }), `${CA_CERT_FILE} is not a PEM certificate`],
    ['truncated certificate', () => ({ certPem: ca.certPem.slice(0, 200), keyPem: caKeyPem }), `${CA_CERT_FILE} is not a PEM certificate`],
    [
      'garbage key',
      () => ({ certPem: ca.certPem, keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }),
      `${CA_KEY_FILE} is not a PKCS#8 ECDSA P-256 private key`,
    ],
    [
      'key of another CA',
      () => ({ certPem: ca.certPem, keyPem: 'OTHER' }),
      `${CA_KEY_FILE} does not belong to ${CA_CERT_FILE} (a different key pair)`,
    ],
  ])('refuses a %s', async (_name, material, reason) => {
    const stored = material();
    if (stored.keyPem === 'OTHER') stored.keyPem = await exportIssuerKey(other);
    expect(await checkStoredCa(stored, Date.now())).toEqual({ usable: false, reason });
  });

  it('refuses a leaf certificate with its own key (not a CA)', async () => {
    const leaf = await issueLeaf(ca, { commonName: 'api.example.com', dnsNames: ['api.example.com'], validForMs: DAY });
    expect(await checkStoredCa({ certPem: leaf.certPem, keyPem: leaf.keyPem }, Date.now())).toEqual({
      usable: false,
      reason: `${CA_CERT_FILE} is not a CA certificate (basicConstraints cA is not set)`,
    });
  });

  it('refuses an expired CA, one inside the renewal margin, and one not valid yet', async () => {
    const stored = { certPem: ca.certPem, keyPem: caKeyPem };
    const notAfter = ca.certificate.notAfter.getTime();
    expect(await checkStoredCa(stored, notAfter + 1)).toMatchObject({ usable: false, reason: expect.stringMatching(/ expired at /) });
    expect(await checkStoredCa(stored, notAfter - CA_REUSE_MIN_REMAINING_MS + 60_000)).toMatchObject({
      usable: false,
      reason: expect.stringMatching(/ expires at .* within the 24 h renewal margin$/),
    });
    expect((await checkStoredCa(stored, notAfter - CA_REUSE_MIN_REMAINING_MS - 60_000)).usable).toBe(true);
    expect(await checkStoredCa(stored, ca.certificate.notBefore.getTime() - 60_000)).toMatchObject({
      usable: false,
      reason: expect.stringMatching(/ is not valid before /),
    });
  });

  it('refuses a short-lived CA that cannot cover one full leaf lifetime', async () => {
    const brief = await createCa({ commonName: 'brief', validForMs: 3_600_000 });
    const check = await checkStoredCa({ certPem: brief.certPem, keyPem: await exportIssuerKey(brief) }, Date.now());
    expect(check).toMatchObject({ usable: false, reason: expect.stringMatching(/renewal margin/) });
  });
});

describe('loadOrCreatePodCa', () => {
  it('on an empty key dir generates a CA and stores key (0600) and certificate before returning', async () => {
    const keyDir = await keyDirWith({});
    const { log, lines } = capture();
    const podCa = await loadOrCreatePodCa({ keyDir, log });
    expect((await readdir(keyDir)).sort()).toEqual([CA_CERT_FILE, CA_KEY_FILE]);
    expect(await readFile(join(keyDir, CA_CERT_FILE), 'utf8')).toBe(podCa.certPem);
    expect((await stat(join(keyDir, CA_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toContain('no per-pod CA in the key dir yet');
  });

  it('reuses what it stored: same certificate, same key', async () => {
    const keyDir = await keyDirWith({});
    const first = await loadOrCreatePodCa({ keyDir, log: capture().log });
    const keyBefore = await readFile(join(keyDir, CA_KEY_FILE), 'utf8');
    const { log, lines } = capture();
    const second = await loadOrCreatePodCa({ keyDir, log });
    expect(second.certPem).toBe(first.certPem);
    expect(second.subjectHash).toBe(first.subjectHash);
    expect(await readFile(join(keyDir, CA_KEY_FILE), 'utf8')).toBe(keyBefore);
    expect(lines.join('\n')).toContain('reusing the per-pod CA from the key dir');
  });

  it.each([
    ['a corrupt certificate', async () => ({ [CA_KEY_FILE]: caKeyPem, [CA_CERT_FILE]: 'garbage' }), 'ca.crt is not a PEM certificate'],
    [
      'a key of another CA',
      async () => ({ [CA_KEY_FILE]: await exportIssuerKey(other), [CA_CERT_FILE]: ca.certPem }),
      'ca.key does not belong to ca.crt',
    ],
    ['a missing certificate', async () => ({ [CA_KEY_FILE]: caKeyPem }), 'ca.crt is missing'],
    ['a missing key', async () => ({ [CA_CERT_FILE]: ca.certPem }), 'ca.key is missing'],
  ])('replaces %s with a new CA, logging why, never logging the key', async (_name, files, reason) => {
    const keyDir = await keyDirWith(await files());
    const { log, lines } = capture();
    const podCa = await loadOrCreatePodCa({ keyDir, log });
    expect(podCa.certPem).not.toBe(ca.certPem);
    expect(await readFile(join(keyDir, CA_CERT_FILE), 'utf8')).toBe(podCa.certPem);
    const storedKey = await readFile(join(keyDir, CA_KEY_FILE), 'utf8');
    expect(storedKey).not.toBe(caKeyPem);
    expect((await checkStoredCa({ certPem: podCa.certPem, keyPem: storedKey }, Date.now())).usable).toBe(true);
    const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string }).find((l) => l.level === 40);
    expect(warning?.msg).toMatch(/not reusing the CA in the key dir/);
    expect(warning?.reason).toContain(reason);
    const output = lines.join('\n');
    for (const key of [caKeyPem, storedKey]) expect(output).not.toContain(pemBody(key).slice(0, 40));
    expect(output).not.toContain('PRIVATE KEY');
  });

  it('replaces an expired CA (a stored pair read at a later time)', async () => {
    const keyDir = await keyDirWith({ [CA_KEY_FILE]: caKeyPem, [CA_CERT_FILE]: ca.certPem });
    const { log, lines } = capture();
    const later = Date.now() + CA_VALIDITY_MS + DAY;
    const podCa = await loadOrCreatePodCa({ keyDir, log, now: later });
    expect(podCa.certPem).not.toBe(ca.certPem);
    expect(lines.join('\n')).toMatch(/"reason":"ca.crt expired at /);
  });

  it('names the flag and the fix when the key dir cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'x');
    await expect(loadOrCreatePodCa({ keyDir: join(blocker, 'keys'), log: capture().log })).rejects.toThrow(
      /^--ca-key-dir .*a-file\/keys(\/ca\.key)?: cannot (read it|store the per-pod CA) \(ENOTDIR\); mount a writable emptyDir there or drop the flag$/,
    );
  });
});
