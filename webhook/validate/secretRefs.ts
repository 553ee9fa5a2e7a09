import { describeHeaderValueProblem } from '../../contract/headers.js';
import { secretHeaderPath } from './paths.js';
import { REASONS, type Reason } from './reasons.js';
import type { Finding, Rule, RuleInput, SecretFacts, SecretLookup } from './types.js';

export const SECRET_REF_RULE = 'secret-ref';
/** A missing Secret or key: its own rule id so --missing-secret=warn can admit it (GitOps creates it later). */
export const SECRET_MISSING_RULE = 'secret-missing';

// Each addHeadersFromSecret item: the Secret exists in the entry's namespace, the key exists, and the
// value can be sent as a header (non-empty, no CR/LF/NUL). Lookups happened at the edge; this only reads them.
export const secretRefRule: Rule = {
  id: SECRET_REF_RULE,
  check({ entry, namespace, secrets }: RuleInput): Finding[] {
    return (entry.spec.headerForward?.addHeadersFromSecret ?? []).flatMap((header, index) => {
      const subject = `secret-header:${header.headerName}`;
      const at = (leaf: Parameters<typeof secretHeaderPath>[1], reason: Reason, message: string, hint: string): Finding => ({
        severity: 'violation',
        rule: SECRET_REF_RULE,
        reason,
        subject,
        field: secretHeaderPath(index, leaf),
        message,
        hint,
      });
      const ref = header.valueSecretRef;
      if (ref === undefined) {
        return [
          at(
            'valueSecretRef',
            REASONS.invalidSecretRef,
            'is required',
            'set valueSecretRef.name and valueSecretRef.key of a Secret in the same namespace',
          ),
        ];
      }
      const missing: Finding[] = [];
      if (ref.name === '')
        missing.push(at('valueSecretRef.name', REASONS.invalidSecretRef, 'is empty', 'name a Secret in the same namespace'));
      // The ref is wrong, not the value: InvalidSecretRef, as for an empty name.
      if (ref.key === '') missing.push(at('valueSecretRef.key', REASONS.invalidSecretRef, 'is empty', 'name a key of that Secret'));
      if (missing.length > 0) return missing;
      return lookupFindings(secrets.get(ref.name), { namespace, name: ref.name, key: ref.key }, at);
    });
  },
};

type At = (leaf: 'valueSecretRef.name' | 'valueSecretRef.key', reason: Reason, message: string, hint: string) => Finding;

function lookupFindings(lookup: SecretLookup | undefined, ref: { namespace: string; name: string; key: string }, at: At): Finding[] {
  const secret = `Secret ${JSON.stringify(ref.name)}`;
  // secretAccessRule reports these; saying anything about existence or keys here would be the oracle.
  if (lookup?.status === 'forbidden' || lookup?.status === 'access-unknown') return [];
  if (lookup === undefined || lookup.status === 'error') {
    const reason = lookup?.reason ?? 'it was not looked up';
    return [
      at(
        'valueSecretRef.name',
        REASONS.secretLookupFailed,
        `could not check ${secret} in namespace ${JSON.stringify(ref.namespace)}: ${reason}`,
        "the check fails closed; retry, and if it persists check that the identity looking it up (the webhook's ServiceAccount; your kubeconfig for validate and report) may get secrets in this namespace and reach the API server",
      ),
    ];
  }
  if (lookup.status === 'not-found') {
    return [
      {
        ...at(
          'valueSecretRef.name',
          REASONS.headerSecretNotFound,
          `${secret} not found in namespace ${JSON.stringify(ref.namespace)}`,
          `create it first (kubectl create secret generic ${ref.name} -n ${ref.namespace} --from-literal=${ref.key}=...) or fix the name`,
        ),
        rule: SECRET_MISSING_RULE,
      },
    ];
  }
  return valueFindings(lookup.secret, ref.key, at);
}

function valueFindings(secret: SecretFacts, key: string, at: At): Finding[] {
  const where = `key ${JSON.stringify(key)} of Secret ${JSON.stringify(secret.name)}`;
  const facts = secret.keys[key];
  if (facts === undefined) {
    return [
      {
        ...at(
          'valueSecretRef.key',
          REASONS.headerSecretKeyNotFound,
          // Never the Secret's other key names: who may not read the Secret must not learn them from us.
          `key ${JSON.stringify(key)} not found in Secret ${JSON.stringify(secret.name)}`,
          'point valueSecretRef.key at an existing key, or add the key to the Secret',
        ),
        rule: SECRET_MISSING_RULE,
      },
    ];
  }
  if (facts.empty) {
    return [at('valueSecretRef.key', REASONS.invalidHeaderValue, `the value of ${where} is empty`, 'put the header value into the Secret')];
  }
  if (facts.trailingNewline) {
    return [
      at(
        'valueSecretRef.key',
        REASONS.invalidHeaderValue,
        `the value of ${where} ends with a trailing newline, which cannot be sent in an HTTP header`,
        `recreate it without the newline: kubectl create secret generic ${secret.name} --from-literal=${key}=VALUE (or printf, or echo -n)`,
      ),
    ];
  }
  if (facts.forbiddenChar !== undefined) {
    return [
      at(
        'valueSecretRef.key',
        REASONS.invalidHeaderValue,
        `the value of ${where} ${describeHeaderValueProblem(facts.forbiddenChar)}`,
        'store the bare header value: visible ASCII, spaces and tabs only',
      ),
    ];
  }
  return [];
}
