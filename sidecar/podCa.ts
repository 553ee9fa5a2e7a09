// The per-pod CA: generated at start, key only in memory, certificate published to the shared CA dir so
// the vmcp container trusts it (SSL_CERT_DIR). Leaf certs for intercepted hosts are issued once and cached.
import { isIP } from 'node:net';
import { mkdir, rename, writeFile } from 'node:fs/promises';
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

  static async create(commonName = 'mcp-header-forward sidecar CA'): Promise<PodCa> {
    const issuer = await createCa({ commonName, validForMs: CA_VALIDITY_MS });
    const hash = opensslSubjectHash(new Uint8Array(issuer.certificate.subjectName.toArrayBuffer()));
    return new PodCa(issuer, issuer.certPem, hash, issuer.certificate.notAfter);
  }

  /** Writes `ca.crt` and `<hash>.0` (atomically: write then rename), returns the paths written. */
  async writeTo(dir: string): Promise<string[]> {
    await mkdir(dir, { recursive: true });
    const paths: string[] = [];
    for (const name of [CA_CERT_FILE, `${this.subjectHash}.0`]) {
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
