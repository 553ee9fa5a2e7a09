import type { MCPServerEntry } from '../../contract/toolhive.js';

// Which MCPServerEntries reference which Secret keys, kept from the entry informer's add/update/delete events:
// the Secret-deletion guard answers from memory, with no API call per Secret request.

export interface SecretUser {
  /** Name of the MCPServerEntry (same namespace as the Secret). */
  entry: string;
  /** The keys of the Secret it reads, sorted. */
  keys: string[];
}

export class SecretReferenceIndex {
  /** `namespace/secret` -> entry name -> keys. */
  private readonly bySecret = new Map<string, Map<string, Set<string>>>();
  /** `namespace/entry` -> the `namespace/secret` keys it is listed under, to undo on update/delete. */
  private readonly byEntry = new Map<string, Set<string>>();

  /** Record an entry's references, replacing what it had. Deleting entries hold nothing: they are on their way out. */
  upsert(entry: MCPServerEntry): void {
    const namespace = entry.metadata.namespace ?? '';
    const name = entry.metadata.name ?? '';
    this.delete(namespace, name);
    if (entry.metadata.deletionTimestamp !== undefined) return;
    const secretKeys = new Set<string>();
    for (const header of entry.spec.headerForward?.addHeadersFromSecret ?? []) {
      const ref = header.valueSecretRef;
      if (ref === undefined || ref.name === '') continue;
      const secretKey = `${namespace}/${ref.name}`;
      secretKeys.add(secretKey);
      let users = this.bySecret.get(secretKey);
      if (users === undefined) this.bySecret.set(secretKey, (users = new Map()));
      let keys = users.get(name);
      if (keys === undefined) users.set(name, (keys = new Set()));
      keys.add(ref.key);
    }
    if (secretKeys.size > 0) this.byEntry.set(`${namespace}/${name}`, secretKeys);
  }

  delete(namespace: string, name: string): void {
    const entryKey = `${namespace}/${name}`;
    for (const secretKey of this.byEntry.get(entryKey) ?? []) {
      const users = this.bySecret.get(secretKey);
      users?.delete(name);
      if (users?.size === 0) this.bySecret.delete(secretKey);
    }
    this.byEntry.delete(entryKey);
  }

  /** The entries that read Secret namespace/name, in name order. */
  users(namespace: string, secret: string): SecretUser[] {
    const users = this.bySecret.get(`${namespace}/${secret}`);
    if (users === undefined) return [];
    return [...users.entries()].map(([entry, keys]) => ({ entry, keys: [...keys].sort() })).sort((a, b) => a.entry.localeCompare(b.entry));
  }

  /** Number of referenced Secrets (logs, tests). */
  size(): number {
    return this.bySecret.size;
  }
}
