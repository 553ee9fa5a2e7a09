import type { SecretFacts, SecretValueFacts } from './types.js';

/** The Secret fields we read; both API objects and `kind: Secret` YAML documents fit. */
export interface SecretObject {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> | undefined };
  /** base64 values, as the API returns them. */
  data?: Record<string, string> | undefined;
  /** plain values (manifests); wins over `data` for the same key, as on the API server. */
  stringData?: Record<string, string> | undefined;
}

/** Reduce a Secret to what the rules may see. Values are inspected here and dropped. */
export function secretFacts(secret: SecretObject, fallbackNamespace: string): SecretFacts {
  const keys: Record<string, SecretValueFacts> = {};
  for (const [key, encoded] of Object.entries(secret.data ?? {})) keys[key] = valueFacts(Buffer.from(encoded, 'base64'));
  for (const [key, plain] of Object.entries(secret.stringData ?? {})) keys[key] = valueFacts(Buffer.from(plain, 'utf8'));
  return {
    namespace: secret.metadata?.namespace ?? fallbackNamespace,
    name: secret.metadata?.name ?? '',
    annotations: { ...(secret.metadata?.annotations ?? {}) },
    keys,
  };
}

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

export function valueFacts(value: Buffer): SecretValueFacts {
  const facts: SecretValueFacts = { empty: value.length === 0, trailingNewline: value.at(-1) === LF };
  if (value.includes(CR)) facts.forbiddenChar = 'CR';
  else if (value.includes(LF)) facts.forbiddenChar = 'LF';
  else if (value.includes(NUL)) facts.forbiddenChar = 'NUL';
  return facts;
}
