import { createHmac, randomBytes } from 'node:crypto';
import { headerValueProblem } from '../../contract/headers.js';
import type { SecretFacts, SecretRevision, SecretValueFacts } from './types.js';

/** One managedFields entry: who last wrote which fields, and when. */
export interface ManagedFieldsEntry {
  time?: string | Date | undefined;
  fieldsV1?: object | undefined;
}

/** The Secret fields we read; both API objects and `kind: Secret` YAML documents fit. */
export interface SecretObject {
  metadata?: {
    name?: string;
    namespace?: string;
    annotations?: Record<string, string> | undefined;
    resourceVersion?: string | undefined;
    managedFields?: ManagedFieldsEntry[] | undefined;
  };
  /** base64 values, as the API returns them. */
  data?: Record<string, string> | undefined;
  /** plain values (manifests); wins over `data` for the same key, as on the API server. */
  stringData?: Record<string, string> | undefined;
}

/**
 * Reduce a Secret to what the rules may see. Values are inspected here and dropped. `revision` (an HMAC over the
 * data, for --follow-secrets) only where it is read: it is a good part of a GET's cost on the admission path.
 */
export function secretFacts(
  secret: SecretObject,
  fallbackNamespace: string,
  { revision = true }: { revision?: boolean } = {},
): SecretFacts {
  const keys: Record<string, SecretValueFacts> = {};
  for (const [key, encoded] of Object.entries(secret.data ?? {})) keys[key] = valueFacts(Buffer.from(encoded, 'base64'));
  for (const [key, plain] of Object.entries(secret.stringData ?? {})) keys[key] = valueFacts(Buffer.from(plain, 'utf8'));
  const resourceVersion = secret.metadata?.resourceVersion;
  return {
    namespace: secret.metadata?.namespace ?? fallbackNamespace,
    name: secret.metadata?.name ?? '',
    annotations: { ...(secret.metadata?.annotations ?? {}) },
    keys,
    ...(revision && resourceVersion !== undefined ? { revision: secretRevision(secret, resourceVersion) } : {}),
  };
}

const LF = 0x0a;

export function valueFacts(value: Buffer): SecretValueFacts {
  const facts: SecretValueFacts = { empty: value.length === 0, trailingNewline: value.at(-1) === LF };
  const problem = headerValueProblem(value);
  if (problem !== undefined) facts.forbiddenChar = problem;
  return facts;
}

// A per-process HMAC key: the digest tells "same data or not" inside this process and nothing to anyone else
// (an unkeyed hash of a short token could be brute-forced from a log or a heap dump).
const DIGEST_KEY = randomBytes(32);

function secretRevision(secret: SecretObject, resourceVersion: string): SecretRevision {
  const mac = createHmac('sha256', DIGEST_KEY);
  for (const key of Object.keys(secret.data ?? {}).sort())
    mac.update(`${key.length}:${key}=${secret.data![key]!.length}:${secret.data![key]!};`);
  const dataLastModified = lastDataWrite(secret.metadata?.managedFields);
  return { resourceVersion, dataDigest: mac.digest('base64url'), ...(dataLastModified !== undefined ? { dataLastModified } : {}) };
}

/** The newest managedFields time among managers owning `data`/`stringData`: the API server stamps it on their write. */
function lastDataWrite(entries: readonly ManagedFieldsEntry[] | undefined): string | undefined {
  let latest: { ms: number; text: string } | undefined;
  for (const entry of entries ?? []) {
    const fields = entry.fieldsV1 as Record<string, unknown> | undefined;
    if (fields === undefined || !('f:data' in fields || 'f:stringData' in fields) || entry.time === undefined) continue;
    const ms = new Date(entry.time).getTime();
    if (Number.isNaN(ms)) continue;
    if (latest === undefined || ms > latest.ms) latest = { ms, text: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }
  return latest?.text;
}
