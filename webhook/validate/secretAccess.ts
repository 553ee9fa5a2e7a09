import { secretHeaderPath } from './paths.js';
import { REASONS } from './reasons.js';
import type { Finding, Rule, RuleInput } from './types.js';

export const SECRET_ACCESS_RULE = 'secret-access';

/** The exact denial for a Secret the requesting user may not `get`: the same whether or not it exists. */
export function mayNotReadMessage(user: string, secret: string): string {
  return `user ${JSON.stringify(user)} may not read Secret ${JSON.stringify(secret)}; only users who can read a Secret may forward it`;
}

// Confused deputy: the gateway can read every Secret of the namespace; the entry's author must be able to as
// well, or they could send any Secret to a host of their choosing. The edge asked a SubjectAccessReview and
// recorded `forbidden` / `access-unknown` instead of reading the Secret; this rule turns that into findings.
// The subject names the ref and the remoteUrl, so on UPDATE the ratchet denies exactly when one of them changed.
export const secretAccessRule: Rule = {
  id: SECRET_ACCESS_RULE,
  check({ entry, namespace, secrets }: RuleInput): Finding[] {
    const remoteUrl = entry.spec.remoteUrl ?? '';
    return (entry.spec.headerForward?.addHeadersFromSecret ?? []).flatMap((header, index): Finding[] => {
      const ref = header.valueSecretRef;
      if (ref === undefined || ref.name === '') return [];
      const lookup = secrets.get(ref.name);
      const finding = (message: string, hint: string): Finding => ({
        severity: 'violation',
        rule: SECRET_ACCESS_RULE,
        // Also when the review could not run: the requester was not shown to be allowed, and nothing was read.
        reason: REASONS.secretAccessDenied,
        subject: `secret-access:${ref.name}/${ref.key}@${remoteUrl}`,
        field: secretHeaderPath(index, 'valueSecretRef.name'),
        message,
        hint,
      });
      if (lookup?.status === 'forbidden') {
        return [
          finding(
            mayNotReadMessage(lookup.user, ref.name),
            `reference a Secret you can read, or ask for "get" on secrets/${ref.name} in namespace ${JSON.stringify(namespace)}`,
          ),
        ];
      }
      if (lookup?.status === 'access-unknown') {
        return [
          finding(
            `could not check whether user ${JSON.stringify(lookup.user)} may read Secret ${JSON.stringify(ref.name)}: ${lookup.reason}`,
            'the check fails closed; retry, and if it persists check the webhook may create subjectaccessreviews (authorization.k8s.io) and reach the API server',
          ),
        ];
      }
      return [];
    });
  },
};
