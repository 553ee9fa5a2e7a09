import { parseAllowedHosts, hostAllowed, remoteHost } from '../../contract/hostBinding.js';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import { secretHeaderPath } from './paths.js';
import { REASONS } from './reasons.js';
import type { Finding, Rule, RuleInput } from './types.js';

export const HOST_BINDING_RULE = 'host-binding';

export interface HostBindingOptions {
  /** --require-host-binding: every forwarded Secret must carry the allowed-hosts annotation. */
  requireHostBinding: boolean;
}

// A Secret annotated with allowed hosts may only be forwarded to those hosts: the Secret's owner decides where
// it may go, whoever writes the entry. Only Secrets the requester may read reach this rule (`found`), so the
// annotation is never shown to someone who may not read the Secret. Subjects name the remote host, so on
// UPDATE a changed remoteUrl is judged afresh while a newly tightened annotation only warns (ratchet).
export function hostBindingRule(options: HostBindingOptions = { requireHostBinding: false }): Rule {
  return {
    id: HOST_BINDING_RULE,
    check({ entry, namespace, secrets }: RuleInput): Finding[] {
      const host = remoteHost(entry.spec.remoteUrl ?? '');
      // An unparsable remoteUrl is the remote-url rule's finding; nothing to bind to here.
      if (host === undefined) return [];
      return (entry.spec.headerForward?.addHeadersFromSecret ?? []).flatMap((header, index): Finding[] => {
        const ref = header.valueSecretRef;
        const lookup = ref === undefined || ref.name === '' ? undefined : secrets.get(ref.name);
        if (ref === undefined || lookup?.status !== 'found') return [];
        const secret = `Secret ${JSON.stringify(ref.name)}`;
        const finding = (message: string, hint: string): Finding => ({
          severity: 'violation',
          rule: HOST_BINDING_RULE,
          reason: REASONS.secretHostNotAllowed,
          subject: `host-binding:${ref.name}@${host}`,
          field: secretHeaderPath(index, 'valueSecretRef.name'),
          message,
          hint,
        });
        const annotation = lookup.secret.annotations[ALLOWED_HOSTS_ANNOTATION];
        if (annotation === undefined) {
          if (!options.requireHostBinding) return [];
          return [
            finding(
              `${secret} has no ${ALLOWED_HOSTS_ANNOTATION} annotation, and --require-host-binding needs every forwarded Secret to name the hosts it may be sent to`,
              `have the Secret's owner run: kubectl annotate secret ${ref.name} -n ${namespace} ${ALLOWED_HOSTS_ANNOTATION}=${host}`,
            ),
          ];
        }
        const { patterns, invalid } = parseAllowedHosts(annotation);
        if (invalid.length > 0) {
          return [
            finding(
              `${secret} has invalid ${ALLOWED_HOSTS_ANNOTATION} entries: ${invalid.map((i) => JSON.stringify(i)).join(', ')}`,
              'list host names or *.domain patterns, comma-separated, without scheme, port or path',
            ),
          ];
        }
        if (hostAllowed(host, patterns)) return [];
        const allowed = patterns.length === 0 ? 'no host' : patterns.join(', ');
        return [
          finding(
            `${secret} may only be sent to ${allowed} (its ${ALLOWED_HOSTS_ANNOTATION} annotation), not to ${JSON.stringify(host)} (spec.remoteUrl)`,
            `point spec.remoteUrl at an allowed host, or have the Secret's owner add ${host} to the annotation`,
          ),
        ];
      });
    },
  };
}
