// Kubernetes-style reasons (Event reason, metric label, `report` and `validate -o json` output), one per thing a
// person must fix. ToolHive's own condition reason where one exists (HeaderSecretNotFound, from MCPRemoteProxy and
// the MCPServerEntry HeaderSecretRefsValidated condition); CamelCase names of ours otherwise.
// Here, beside the rules, because each rule picks its reason where it knows what went wrong; this file imports
// nothing, so rules, report/ and the CLI all import it without a cycle. Not in contract/: the sidecar never
// reports these.
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
  tooManyHeaders: 'TooManyHeaders',
  // Warning-only findings (they never deny): a reason of their own so a finding's reason is never a guess.
  plaintextCredential: 'PlaintextCredential',
  secretOverHttp: 'SecretOverHttp',
  // No rule gives this any more (the header-count rule had it as the fallback before TooManyHeaders); kept so
  // alerts and dashboards written against it keep parsing.
  headerForwardInvalid: 'HeaderForwardInvalid',
} as const;

export type Reason = (typeof REASONS)[keyof typeof REASONS];
