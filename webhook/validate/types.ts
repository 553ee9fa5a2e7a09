import type { HeaderValueProblem } from '../../contract/headers.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import type { Reason } from './reasons.js';

/** One reason to deny, with where it is and how to fix it. */
export interface Violation {
  /** Set by the rule that found it; consumers (Events, metrics, reports) read it, never the message. */
  reason: Reason;
  /** e.g. `spec.headerForward.addHeadersFromSecret[1].valueSecretRef.key`. */
  field: string;
  message: string;
  hint?: string;
}

export interface ValidationResult {
  violations: Violation[];
  /** `field: message` lines; kubectl prints each as `Warning: ...`. */
  warnings: string[];
  /** The same warnings as data (reason code, field, message), for machine-readable output. */
  warningFindings: Violation[];
}

/** What a rule found: a violation, or a warning that never denies. */
export interface Finding extends Violation {
  severity: 'violation' | 'warning';
  /** Rule id, e.g. `header-name`; together with `subject` and `message` it identifies the finding across an UPDATE. */
  rule: string;
  /** What the finding is about, independent of array positions: `secret-header:X-Api-Key`, `remoteUrl`. */
  subject: string;
  /** Another entry of the namespace this finding is about (the one an env var collides with): found by name, not wording. */
  relatedEntry?: string;
}

/** Facts about one Secret value, computed where it is read; the value itself never reaches the rules. */
export interface SecretValueFacts {
  empty: boolean;
  /** The value ends with `\n` (the classic `echo` mistake). */
  trailingNewline: boolean;
  /** Why the value cannot be sent as a header (contract/headers.ts), if it cannot. */
  forbiddenChar?: HeaderValueProblem;
}

/** A Secret as the rules see it: names, annotations and per-key value facts. No values. */
export interface SecretFacts {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  keys: Record<string, SecretValueFacts>;
  /** Which version of the data this is (the drift loop's --follow-secrets); absent for Secrets from files. */
  revision?: SecretRevision;
}

/** Enough to tell that a Secret's data changed, and when, without keeping any value. */
export interface SecretRevision {
  resourceVersion: string;
  /** Keyed digest of every key and value (key is random per process: not comparable across processes, no oracle). */
  dataDigest: string;
  /** Latest managedFields time of a manager that owns data fields (RFC 3339, seconds): when the data last changed. */
  dataLastModified?: string;
}

/** The outcome of looking one Secret up (GET by name, a --secrets file, ...). */
export type SecretLookup =
  | { status: 'found'; secret: SecretFacts }
  | { status: 'not-found' }
  /** The check could not run: API error, timeout, forbidden. `reason` is safe to show (no values). */
  | { status: 'error'; reason: string }
  /** A SubjectAccessReview said the requesting user may not `get` it; the Secret was not read. */
  | { status: 'forbidden'; user: string }
  /** The SubjectAccessReview could not run; the Secret was not read (fail closed, nothing revealed). */
  | { status: 'access-unknown'; user: string; reason: string };

/** Lookups by Secret name, all in the entry's namespace. */
export type SecretLookupResults = ReadonlyMap<string, SecretLookup>;

export type EntryOperation = 'CREATE' | 'UPDATE';

export interface ValidationInput {
  entry: MCPServerEntry;
  /** The object before an UPDATE: findings already present there become warnings (ratchet). */
  oldEntry?: MCPServerEntry;
  operation: EntryOperation;
  /** The entry's namespace (from the AdmissionRequest, metadata, or `default` offline). */
  namespace: string;
  secrets: SecretLookupResults;
  /** The other entries of the namespace as known (informer, listed, or the same file); absent: not checked. */
  siblings?: readonly MCPServerEntry[];
}

/** What every rule gets: one entry (new or old), the lookups and the entry's namespace-mates. */
export interface RuleInput {
  entry: MCPServerEntry;
  namespace: string;
  secrets: SecretLookupResults;
  siblings?: readonly MCPServerEntry[];
}

/** A pure check. New rules (SubjectAccessReview, allowed-hosts binding, ...) are added to the list. */
export interface Rule {
  id: string;
  check(input: RuleInput): Finding[];
}
