import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import { secretFacts, type SecretObject } from '../../webhook/validate/secretFacts.js';
import type { SecretFacts } from '../../webhook/validate/types.js';

// Reading the offline CLI's input: YAML or JSON files, several documents each, `kind: List` (and *List)
// flattened. Unreadable input is an InputError (exit 2); its message never quotes file contents.

export const DEFAULT_NAMESPACE = 'default';

export class InputError extends Error {
  override name = 'InputError';
}

export interface SourcedDocument {
  /** `file` or `file#3` (1-based document) for messages. */
  source: string;
  object: Record<string, unknown>;
}

/** Parse one file's text into Kubernetes objects. */
export function documentsFromText(text: string, file: string): SourcedDocument[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  const out: SourcedDocument[] = [];
  documents.forEach((document, index) => {
    const error = document.errors[0];
    if (error !== undefined) {
      // First line only: later lines quote the source, which may be a Secret.
      const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
      throw new InputError(`${file}:${line}:${col}: not valid YAML/JSON (${error.code}: ${error.message.split('\n')[0]})`);
    }
    const value: unknown = document.toJS();
    const source = documents.length > 1 ? `${file}#${index + 1}` : file;
    out.push(...flatten(value, source));
  });
  return out;
}

function flatten(value: unknown, source: string): SourcedDocument[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${source}: expected a Kubernetes object (a mapping with apiVersion and kind)`);
  }
  const object = value as Record<string, unknown>;
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
    return object.items.flatMap((item, i) => flatten(item, `${source} items[${i}]`));
  }
  return [{ source, object }];
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** Files as given; a directory becomes its .yaml/.yml/.json files, recursively, in path order (as gator and kubectl -R). */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = path === '-' ? undefined : await stat(path).catch(() => undefined);
    if (info?.isDirectory() !== true) {
      out.push(path);
      continue;
    }
    const found = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && MANIFEST_FILE.test(entry.name))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    if (found.length === 0) throw new InputError(`${path}: a directory with no .yaml, .yml or .json file under it`);
    out.push(...found);
  }
  return out;
}

export async function readDocuments(paths: readonly string[], readStdin: () => Promise<string>): Promise<SourcedDocument[]> {
  const all: SourcedDocument[] = [];
  for (const file of await expandPaths(paths)) {
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (error: unknown) {
      throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    all.push(...documentsFromText(text, file === '-' ? '(stdin)' : file));
  }
  return all;
}

export function isEntryDocument(object: Record<string, unknown>): boolean {
  return object.kind === 'MCPServerEntry' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith(`${TOOLHIVE_GROUP}/`);
}

export function isSecretDocument(object: Record<string, unknown>): boolean {
  return object.kind === 'Secret' && object.apiVersion === 'v1';
}

/** Secrets from --secrets files, reduced to facts at once, keyed `namespace/name`. */
export function secretsFromDocuments(documents: readonly SourcedDocument[]): Map<string, SecretFacts> {
  const secrets = new Map<string, SecretFacts>();
  for (const { source, object } of documents) {
    if (!isSecretDocument(object)) {
      throw new InputError(`${source}: --secrets files may hold only kind Secret (apiVersion v1), found ${String(object.kind)}`);
    }
    const secret = object as SecretObject;
    if (secret.metadata?.name === undefined || secret.metadata.name === '') throw new InputError(`${source}: Secret without metadata.name`);
    for (const [field, map] of [
      ['data', secret.data],
      ['stringData', secret.stringData],
    ] as const) {
      if (map !== undefined && (typeof map !== 'object' || Object.values(map).some((v) => typeof v !== 'string'))) {
        throw new InputError(`${source}: Secret ${secret.metadata.name}: ${field} must map keys to strings`);
      }
    }
    for (const [key, encoded] of Object.entries(secret.data ?? {})) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded.replace(/\s/g, ''))) {
        throw new InputError(`${source}: Secret ${secret.metadata.name}: data.${key} is not base64 (use stringData for plain values)`);
      }
    }
    const facts = secretFacts(secret, DEFAULT_NAMESPACE);
    secrets.set(`${facts.namespace}/${facts.name}`, facts);
  }
  return secrets;
}
