// The per-pod CA kept across sidecar restarts. vMCP (Go) reads its trusted roots once at start, so a restarted
// sidecar must keep signing with the CA vmcp already trusts. Key + certificate live in the key dir: an in-memory
// emptyDir that only the sidecar mounts (never vmcp: the gateway must not read the key) and that lives as long as
// the pod. On start the stored pair is checked and reused, or replaced (with a log line saying why) before serving.
// @peculiar/x509 needs the metadata polyfill before it loads (see certs/x509.ts).
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { Logger } from 'pino';
import { certificateNotAfter, exportIssuerKey, loadCa, type Issuer } from '../certs/x509.js';
import { CA_CERT_FILE } from '../contract/sidecar.js';
import { createPodCaIssuer, LEAF_VALIDITY_MS, PodCa } from './podCa.js';

export const CA_KEY_FILE = 'ca.key';

/**
 * Reuse rule: a stored CA is kept while it can still sign a full-length leaf (24 h), i.e. it is valid now and
 * does not expire within LEAF_VALIDITY_MS. Leaves are clamped to the CA's notAfter, so a CA closer to its end
 * would hand out ever shorter leaves and fail every intercepted connection soon anyway; a new one (valid a year)
 * serves vmcp again from its next start. Anything unparseable, not a self-signed CA, or with a key that does not
 * match the certificate is never trusted.
 */
export const CA_REUSE_MIN_REMAINING_MS = LEAF_VALIDITY_MS;

export interface StoredCa {
  certPem: string;
  keyPem: string;
}

export type StoredCaCheck = { usable: true; issuer: Issuer } | { usable: false; reason: string };

const SIGNATURE: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** May the sidecar keep signing with this stored pair at `now`? Reasons name the file, never its content. */
export async function checkStoredCa(stored: StoredCa, now: number): Promise<StoredCaCheck> {
  let notAfter: Date;
  try {
    notAfter = certificateNotAfter(stored.certPem);
  } catch {
    return { usable: false, reason: `${CA_CERT_FILE} is not a PEM certificate` };
  }
  let issuer: Issuer;
  try {
    issuer = await loadCa(stored.certPem, stored.keyPem);
  } catch {
    return { usable: false, reason: `${CA_KEY_FILE} is not a PKCS#8 ECDSA P-256 private key` };
  }
  const { certificate } = issuer;
  if (certificate.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
    return { usable: false, reason: `${CA_CERT_FILE} is not a CA certificate (basicConstraints cA is not set)` };
  }
  if (now < certificate.notBefore.getTime()) {
    return { usable: false, reason: `${CA_CERT_FILE} is not valid before ${certificate.notBefore.toISOString()}` };
  }
  if (notAfter.getTime() <= now) return { usable: false, reason: `${CA_CERT_FILE} expired at ${notAfter.toISOString()}` };
  if (notAfter.getTime() - now < CA_REUSE_MIN_REMAINING_MS) {
    return {
      usable: false,
      reason: `${CA_CERT_FILE} expires at ${notAfter.toISOString()}, within the ${CA_REUSE_MIN_REMAINING_MS / 3_600_000} h renewal margin`,
    };
  }
  if (!(await certificate.isSelfSigned())) return { usable: false, reason: `${CA_CERT_FILE} is not self-signed by its own key` };
  if (!(await keyMatches(issuer)))
    return { usable: false, reason: `${CA_KEY_FILE} does not belong to ${CA_CERT_FILE} (a different key pair)` };
  return { usable: true, issuer };
}

// Sign with the stored private key, verify with the certificate's public key: true only for one key pair.
async function keyMatches(issuer: Issuer): Promise<boolean> {
  const challenge = randomBytes(32);
  try {
    const signature = await webcrypto.subtle.sign(SIGNATURE, issuer.privateKey, challenge);
    const publicKey = await issuer.certificate.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
    return await webcrypto.subtle.verify(SIGNATURE, publicKey as webcrypto.CryptoKey, signature, challenge);
  } catch {
    return false;
  }
}

async function readOptional(path: string, flag: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); mount a writable emptyDir there or drop the flag`,
      { cause: error },
    );
  }
}

/** Key first, then certificate, each written to a temp file and renamed: a crash in between leaves a mismatch, which the next start replaces. */
async function store(keyDir: string, issuer: Issuer, flag: string): Promise<void> {
  const files: [string, string, number][] = [
    [CA_KEY_FILE, await exportIssuerKey(issuer), 0o600],
    [CA_CERT_FILE, issuer.certPem, 0o644],
  ];
  try {
    await mkdir(keyDir, { recursive: true });
    for (const [name, content, mode] of files) {
      const path = join(keyDir, name);
      const temp = `${path}.tmp`;
      await rm(temp, { force: true }); // a leftover would keep its old mode
      await writeFile(temp, content, { mode, flag: 'wx' });
      await rename(temp, path);
    }
  } catch (error: unknown) {
    throw new Error(
      `${flag} ${keyDir}: cannot store the per-pod CA (${(error as NodeJS.ErrnoException).code ?? 'error'}); mount a writable emptyDir there or drop the flag`,
      { cause: error },
    );
  }
}

export interface KeyDirOptions {
  keyDir: string;
  log: Logger;
  now?: number;
  /** The flag that set keyDir, for error messages. */
  flag?: string;
}

/** The CA this sidecar signs with: the key dir's if it passes checkStoredCa, otherwise a new one stored there first. */
export async function loadOrCreatePodCa({ keyDir, log, now = Date.now(), flag = '--ca-key-dir' }: KeyDirOptions): Promise<PodCa> {
  const keyPem = await readOptional(join(keyDir, CA_KEY_FILE), flag);
  const certPem = await readOptional(join(keyDir, CA_CERT_FILE), flag);
  if (keyPem === undefined && certPem === undefined) {
    log.info({ keyDir }, 'no per-pod CA in the key dir yet; generating one');
  } else {
    const check =
      keyPem === undefined || certPem === undefined
        ? { usable: false as const, reason: `${keyPem === undefined ? CA_KEY_FILE : CA_CERT_FILE} is missing` }
        : await checkStoredCa({ certPem, keyPem }, now);
    if (check.usable) {
      const ca = PodCa.fromIssuer(check.issuer);
      log.info(
        { keyDir, caSubjectHash: ca.subjectHash, caNotAfter: ca.notAfter.toISOString() },
        'reusing the per-pod CA from the key dir (sidecar restart)',
      );
      return ca;
    }
    log.warn(
      { keyDir, reason: check.reason },
      'not reusing the CA in the key dir; generating a new one (a running vmcp trusts it only after it restarts)',
    );
  }
  const issuer = await createPodCaIssuer();
  await store(keyDir, issuer, flag);
  return PodCa.fromIssuer(issuer);
}
