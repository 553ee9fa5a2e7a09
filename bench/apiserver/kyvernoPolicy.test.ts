import { describe, expect, it } from 'vitest';
import { TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import { KYVERNO_DENY_MESSAGE, kyvernoSecretRefPolicy } from './kyvernoPolicy.js';

interface Rule {
  match: { any: { resources: { kinds: string[]; operations: string[] } }[] };
  validate: {
    failureAction: string;
    message: string;
    foreach: { list: string; context: { apiCall: { urlPath: string; default: unknown } }[]; deny: unknown }[];
  };
}

describe('kyvernoSecretRefPolicy', () => {
  const policy = kyvernoSecretRefPolicy() as { spec: { background: boolean; rules: Rule[] } };
  const [rule] = policy.spec.rules;

  it('enforces on creates and updates of MCPServerEntries in any served version, at admission only', () => {
    expect(rule!.match.any[0]!.resources).toEqual({ kinds: [`${TOOLHIVE_GROUP}/*/MCPServerEntry`], operations: ['CREATE', 'UPDATE'] });
    expect(rule!.validate.failureAction).toBe('Enforce');
    expect(rule!.validate.message).toBe(KYVERNO_DENY_MESSAGE);
    expect(policy.spec.background).toBe(false);
  });

  it('GETs each referenced Secret in the entry’s namespace, a missing one counting as no keys (a denial, not an error)', () => {
    const [each] = rule!.validate.foreach;
    expect(each!.list).toContain('spec.headerForward.addHeadersFromSecret');
    expect(each!.context[0]!.apiCall.urlPath).toBe('/api/v1/namespaces/{{ request.namespace }}/secrets/{{ element.valueSecretRef.name }}');
    expect(each!.context[0]!.apiCall.default).toEqual([]);
    expect(JSON.stringify(each!.deny)).toContain('element.valueSecretRef.key');
  });
});
