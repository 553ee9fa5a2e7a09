import { isHeaderToken, isRestrictedHeader } from '../../contract/headers.js';
import { HEADER_NAME_RULE } from '../validate/headerNames.js';
import { HOST_BINDING_RULE } from '../validate/hostBinding.js';
import { PLAINTEXT_VALUE_RULE } from '../validate/plaintextValues.js';
import { REMOTE_URL_RULE } from '../validate/remoteUrl.js';
import { SECRET_ACCESS_RULE } from '../validate/secretAccess.js';
import { SECRET_MISSING_RULE, SECRET_REF_RULE } from '../validate/secretRefs.js';
import { SIBLING_ENV_RULE } from '../validate/siblingEnvNames.js';
import type { Finding } from '../validate/types.js';

// Kubernetes-style reasons (Event reason, metric label) for rule findings. ToolHive's own condition reason where
// one exists (HeaderSecretNotFound, from MCPRemoteProxy and the MCPServerEntry HeaderSecretRefsValidated
// condition); CamelCase names of ours otherwise. One word per thing a person must fix.
export const REASONS = {
  headerSecretNotFound: 'HeaderSecretNotFound',
  headerSecretKeyNotFound: 'HeaderSecretKeyNotFound',
  invalidHeaderValue: 'InvalidHeaderValue',
  invalidSecretRef: 'InvalidSecretRef',
  secretLookupFailed: 'SecretLookupFailed',
  secretAccessDenied: 'SecretAccessDenied',
  secretHostNotAllowed: 'SecretHostNotAllowed',
  restrictedHeader: 'RestrictedHeader',
  invalidHeaderName: 'InvalidHeaderName',
  duplicateHeaderName: 'DuplicateHeaderName',
  headerEnvVarCollision: 'HeaderEnvVarCollision',
  privateEndpoint: 'PrivateEndpoint',
  invalidRemoteUrl: 'InvalidRemoteUrl',
  unreadableObject: 'UnreadableObject',
  headerForwardInvalid: 'HeaderForwardInvalid',
} as const;
export type Reason = (typeof REASONS)[keyof typeof REASONS];

/** The reason for one violation; a rule added later without a mapping still gets a usable generic reason. */
export function reasonFor(finding: Pick<Finding, 'rule' | 'subject' | 'field' | 'message'>): Reason {
  switch (finding.rule) {
    case SECRET_MISSING_RULE:
      return finding.field.endsWith('.key') ? REASONS.headerSecretKeyNotFound : REASONS.headerSecretNotFound;
    case SECRET_REF_RULE:
      if (finding.field.endsWith('.key')) return REASONS.invalidHeaderValue;
      // The rule's "could not check" finding: the API answered with an error, not with a verdict on the entry.
      return finding.message.startsWith('could not check') ? REASONS.secretLookupFailed : REASONS.invalidSecretRef;
    case SECRET_ACCESS_RULE:
      return REASONS.secretAccessDenied;
    case HOST_BINDING_RULE:
      return REASONS.secretHostNotAllowed;
    case PLAINTEXT_VALUE_RULE:
      return REASONS.invalidHeaderValue;
    case HEADER_NAME_RULE:
      return headerNameReason(finding.subject);
    case SIBLING_ENV_RULE:
      return REASONS.headerEnvVarCollision;
    case REMOTE_URL_RULE:
      return finding.message.startsWith('targets a private endpoint') ? REASONS.privateEndpoint : REASONS.invalidRemoteUrl;
    default:
      return REASONS.headerForwardInvalid;
  }
}

// Subjects are `plaintext-header:<name>` / `secret-header:<name>`; the contract decides what is wrong with the name.
function headerNameReason(subject: string): Reason {
  const name = subject.slice(subject.indexOf(':') + 1);
  if (!isHeaderToken(name)) return REASONS.invalidHeaderName;
  if (isRestrictedHeader(name)) return REASONS.restrictedHeader;
  return REASONS.duplicateHeaderName;
}
