// The per-pod CA: generated at start (or reused from the sidecar-only key dir after a restart, caKeyStore.ts),
// certificate published to the shared CA dir so the vmcp container trusts it (SSL_CERT_DIR). Leaf certs for
// intercepted hosts are issued once and cached.
import { isIP } from 'node:net';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createCa, issueLeaf, type Issuer } from '../certs/x509.js';
import { CA_CERT_FILE } from '../contract/sidecar.js';
import { opensslSubjectHash } from './subjectHash.js';

const HOUR = 3_600_000;
/** Outlives any realistic pod; vMCP reads its roots once at start, so the CA cannot rotate under it. */
export const CA_VALIDITY_MS = 365 * 24 * HOUR;
export const LEAF_VALIDITY_MS = 24 * HOUR;
/** Reissue a cached leaf this long before it expires. */
const LEAF_RENEW_BEFORE_MS = HOUR;
export const CA_COMMON_NAME = 'mcp-header-forward sidecar CA';
/** `openssl rehash` file names (`<8 hex>.<n>`): a CA dir holds exactly one, the current CA's. */
const HASH_LINK = /^[0-9a-f]{8}\.\d+$/;

/** A fresh CA key pair and self-signed certificate, shaped as every per-pod CA is. */
export function createPodCaIssuer(commonName = CA_COMMON_NAME): Promise<Issuer> {
  return createCa({ commonName, validForMs: CA_VALIDITY_MS });
}

interface CachedLeaf {
  context: Promise<SecureContext>;
  renewAt: number;
}

export class PodCa {
  private readonly leaves = new Map<string, CachedLeaf>();

  private constructor(
    private readonly issuer: Issuer,
    readonly certPem: string,
    readonly subjectHash: string,
    readonly notAfter: Date,
  ) {}

  static async create(commonName = CA_COMMON_NAME): Promise<PodCa> {
    return PodCa.fromIssuer(await createPodCaIssuer(commonName));
  }

  /** A CA from existing material (the key dir's, after checks in caKeyStore.ts). */
  static fromIssuer(issuer: Issuer): PodCa {
    const hash = opensslSubjectHash(new Uint8Array(issuer.certificate.subjectName.toArrayBuffer()));
    return new PodCa(issuer, issuer.certPem, hash, issuer.certificate.notAfter);
  }

  /**
   * Writes `ca.crt` and `<hash>.0` (atomically: write then rename) and removes the `<hash>.<n>` files of the CA
   * this dir named before (same bytes as its old `ca.crt`), so after a restart it names exactly this CA; other
   * files are never touched, even in a shared trust dir. Returns the paths written.
   */
  async writeTo(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const own = `${this.subjectHash}.0`;
    const previous = await readFile(join(dir, CA_CERT_FILE), 'utf8').catch(() => undefined);
    if (previous !== undefined) {
      for (const name of await readdir(dir)) {
        if (!HASH_LINK.test(name) || name === own) continue;
        // Only a regular file of exactly that size is read (never a device or a huge file someone linked here).
        const info = await stat(join(dir, name)).catch(() => undefined);
        if (info?.isFile() !== true || info.size !== Buffer.byteLength(previous)) continue;
        const content = await readFile(join(dir, name), 'utf8').catch(() => undefined);
        if (content === previous) await rm(join(dir, name), { force: true });
      }
    }
    const paths: string[] = [];
    for (const name of [CA_CERT_FILE, own]) {
      const path = join(dir, name);
      const temp = `${path}.tmp-${process.pid}`;
      await writeFile(temp, this.certPem, { mode: 0o644 });
      await rename(temp, path);
      paths.push(path);
    }
    return paths;
  }

  /** TLS context presenting a leaf for `host` (a DNS name or IP), issued on first use and cached. */
  secureContextFor(host: string, now = Date.now()): Promise<SecureContext> {
    const key = host.toLowerCase();
    const cached = this.leaves.get(key);
    if (cached !== undefined && cached.renewAt > now) return cached.context;
    const issued = this.issue(key);
    const entry: CachedLeaf = { context: issued.then((leaf) => leaf.context), renewAt: Number.POSITIVE_INFINITY };
    this.leaves.set(key, entry);
    issued.then(
      ({ notAfter }) => (entry.renewAt = notAfter.getTime() - LEAF_RENEW_BEFORE_MS),
      () => this.leaves.delete(key), // a failed issuance is retried on the next connection
    );
    return entry.context;
  }

  private async issue(host: string): Promise<{ context: SecureContext; notAfter: Date }> {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    const ip = isIP(bare) !== 0;
    const leaf = await issueLeaf(this.issuer, {
      commonName: bare,
      ...(ip ? { ipAddresses: [bare] } : { dnsNames: [bare] }),
      validForMs: LEAF_VALIDITY_MS,
    });
    const context = createSecureContext({ cert: `${leaf.certPem.trimEnd()}\n${this.certPem}`, key: leaf.keyPem });
    return { context, notAfter: leaf.notAfter };
  }
}
