import { MODE_LABEL, type Mode } from '../../contract/labels.js';
import type { SecretUser } from './references.js';

// The Secret-deletion guard's decision, pure: which entries would lose a Secret (or key) they forward, and what
// the mode makes of it. Deleting a namespace deletes its Secrets and its entries together: never in the way.

export interface SecretChange {
  operation: 'DELETE' | 'UPDATE';
  namespace: string;
  secret: string;
  /** Keys before the request (oldObject); undefined when the API server sent none. */
  oldKeys: readonly string[] | undefined;
  /** Keys after an UPDATE. */
  newKeys?: readonly string[];
  /** The namespace is terminating (namespace informer), or the namespace controller sent the request. */
  namespaceTerminating: boolean;
  users: readonly SecretUser[];
}

export type GuardOutcome = 'unreferenced' | 'namespace-terminating' | 'allowed' | 'denied' | 'warned' | 'audited';

export interface GuardDecision {
  allowed: boolean;
  outcome: GuardOutcome;
  message?: string;
  warnings: string[];
  /** The entries that break, for logs. */
  broken: SecretUser[];
}

export function decideSecretChange(change: SecretChange, mode: Mode): GuardDecision {
  if (change.users.length === 0) return { allowed: true, outcome: 'unreferenced', warnings: [], broken: [] };
  if (change.namespaceTerminating) return { allowed: true, outcome: 'namespace-terminating', warnings: [], broken: [] };
  const broken = brokenUsers(change);
  if (broken.length === 0) return { allowed: true, outcome: 'allowed', warnings: [], broken };
  const problem = describe(change, broken);
  switch (mode) {
    case 'enforce':
      return { allowed: false, outcome: 'denied', message: problem, warnings: [], broken };
    case 'warn':
      return { allowed: true, outcome: 'warned', warnings: [`${problem} [would be denied in enforce mode]`], broken };
    case 'audit':
      return { allowed: true, outcome: 'audited', warnings: [], broken };
  }
}

/** DELETE breaks every user; an UPDATE breaks the users of the keys it removes. */
function brokenUsers(change: SecretChange): SecretUser[] {
  if (change.operation === 'DELETE') return [...change.users];
  // Without the old object we cannot tell which keys went away; the key check then relies on the background scan.
  if (change.oldKeys === undefined) return [];
  const remaining = new Set(change.newKeys ?? []);
  const removed = new Set(change.oldKeys.filter((key) => !remaining.has(key)));
  return change.users
    .map((user) => ({ entry: user.entry, keys: user.keys.filter((key) => removed.has(key)) }))
    .filter((user) => user.keys.length > 0);
}

function describe(change: SecretChange, broken: readonly SecretUser[]): string {
  const secret = `Secret ${JSON.stringify(change.secret)} in namespace ${JSON.stringify(change.namespace)}`;
  const uses = broken.map((u) => `${u.entry} (${u.keys.length === 1 ? 'key' : 'keys'} ${u.keys.map((k) => JSON.stringify(k)).join(', ')})`);
  const count = broken.length === 1 ? '1 MCPServerEntry' : `${broken.length} MCPServerEntries`;
  const action =
    change.operation === 'DELETE'
      ? `deleting ${secret} would break ${count} that forward headers from it`
      : `this update of ${secret} removes ${broken.length === 1 ? 'a key' : 'keys'} that ${count} forward headers from`;
  return `${action}: ${uses.join('; ')}. Remove those headers from the entries (or delete the entries) first; with the namespace label ${MODE_LABEL}=warn the change is admitted with a warning`;
}

/** Keys of a Secret as the admission request carries it (data, and stringData for a create-then-update race). */
export function secretKeys(object: unknown): string[] | undefined {
  if (object === null || typeof object !== 'object') return undefined;
  const { data, stringData } = object as { data?: unknown; stringData?: unknown };
  const keys = (value: unknown): string[] => (value !== null && typeof value === 'object' ? Object.keys(value) : []);
  return [...new Set([...keys(data), ...keys(stringData)])].sort();
}
