import { TOOLHIVE_GROUP } from '../../contract/toolhive.js';

// The peer's version of our Secret check, as a Kyverno ClusterPolicy: every
// spec.headerForward.addHeadersFromSecret[*].valueSecretRef must name a Secret in the entry's namespace that has
// that key. One context.apiCall GET of the Secret per item (Kyverno caches nothing between admissions); a Secret
// that does not exist makes the call fail, and `default` turns that into "no keys", so the rule denies instead
// of erroring. Pure: plain objects out.

export const KYVERNO_POLICY_NAME = 'mcpserverentry-secret-refs';
const RULE = 'secret-and-key-exist';
/** What the denial says; the bench's probe looks for it to know the policy is live. */
export const KYVERNO_DENY_MESSAGE = 'every addHeadersFromSecret item must name an existing Secret and key in the entry namespace';

export function kyvernoSecretRefPolicy(): Record<string, unknown> {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: KYVERNO_POLICY_NAME },
    spec: {
      // Admission only: the comparison is the create path, like our /validate.
      background: false,
      rules: [
        {
          name: RULE,
          match: { any: [{ resources: { kinds: [`${TOOLHIVE_GROUP}/*/MCPServerEntry`], operations: ['CREATE', 'UPDATE'] } }] },
          validate: {
            failureAction: 'Enforce',
            message: KYVERNO_DENY_MESSAGE,
            foreach: [
              {
                list: 'request.object.spec.headerForward.addHeadersFromSecret || `[]`',
                context: [
                  {
                    name: 'secretKeys',
                    apiCall: {
                      urlPath: '/api/v1/namespaces/{{ request.namespace }}/secrets/{{ element.valueSecretRef.name }}',
                      jmesPath: 'keys(data || `{}`)',
                      default: [],
                    },
                  },
                ],
                deny: {
                  conditions: { any: [{ key: '{{ element.valueSecretRef.key }}', operator: 'AnyNotIn', value: '{{ secretKeys }}' }] },
                },
              },
            ],
          },
        },
      ],
    },
  };
}
