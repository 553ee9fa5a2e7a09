import type { MCPServerEntry } from '../../contract/toolhive.js';
import { REMOTE_URL } from './paths.js';
import { privateTargetReason } from './privateTargets.js';
import { REASONS, type Reason } from './reasons.js';
import type { Finding, Rule, RuleInput } from './types.js';

export const REMOTE_URL_RULE = 'remote-url';

// remoteUrl parses, is http(s), and does not target a private/loopback/link-local address unless the entry
// says allowPrivateEndpoint. Secret headers over plain http are readable on the wire: warn.
export const remoteUrlRule: Rule = {
  id: REMOTE_URL_RULE,
  check({ entry }: RuleInput): Finding[] {
    const target = remoteUrlTarget(entry);
    if ('violation' in target) return [target.violation];
    const { url } = target;
    const findings: Finding[] = [];
    if (url.username !== '' || url.password !== '') {
      // Never echoed: the URL's own credential would otherwise land in the message, in logs and Events.
      findings.push(
        finding(
          'violation',
          REASONS.invalidRemoteUrl,
          'carries a user name or password (user:password@host), which vMCP would send and logs would show',
          'remove it from the URL; send the credential as a header from a Secret (addHeadersFromSecret)',
        ),
      );
    }
    const privateReason = privateTargetReason(url.hostname);
    if (privateReason !== undefined && entry.spec.allowPrivateEndpoint !== true) {
      findings.push(
        finding(
          'violation',
          REASONS.privateEndpoint,
          `targets a private endpoint: ${privateReason}`,
          'point it at a public host, or set spec.allowPrivateEndpoint: true if this target is intended',
        ),
      );
    }
    const secretHeaders = entry.spec.headerForward?.addHeadersFromSecret ?? [];
    if (url.protocol === 'http:' && secretHeaders.length > 0) {
      findings.push(
        finding(
          'warning',
          REASONS.secretOverHttp,
          `${secretHeaders.length} secret header(s) would be sent over plain http, readable by anyone on the path`,
          'use https://',
        ),
      );
    }
    return findings;
  },
};

/**
 * The http(s) URL to send to, or why there is none (missing, unparsable, another scheme). The injector skips an
 * entry without one, so it calls this too; private targets and credentials in the URL are admission's to judge.
 */
export function remoteUrlTarget(entry: MCPServerEntry): { url: URL } | { violation: Finding } {
  const raw = entry.spec.remoteUrl;
  if (raw === undefined || raw === '') {
    return {
      violation: finding(
        'violation',
        REASONS.invalidRemoteUrl,
        'is required',
        'set the http(s) URL of the remote MCP server, e.g. https://mcp.example.com/mcp',
      ),
    };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      violation: finding(
        'violation',
        REASONS.invalidRemoteUrl,
        `${JSON.stringify(raw)} is not a valid URL`,
        'use an absolute URL such as https://mcp.example.com/mcp',
      ),
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      violation: finding(
        'violation',
        REASONS.invalidRemoteUrl,
        `scheme ${JSON.stringify(url.protocol.slice(0, -1))} is not supported`,
        'use https:// (or http://)',
      ),
    };
  }
  return { url };
}

function finding(severity: Finding['severity'], reason: Reason, message: string, hint: string): Finding {
  return { severity, rule: REMOTE_URL_RULE, reason, subject: 'remoteUrl', field: REMOTE_URL, message, hint };
}
