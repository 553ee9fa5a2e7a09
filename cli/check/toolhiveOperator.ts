import { TESTED_TOOLHIVE_VERSION, TOOLHIVE_FORWARDS_SINCE } from '../../contract/compatibility.js';
import { compareReleases, formatRelease, parseRelease, type Release } from './releaseVersion.js';
import type { CheckResult, OperatorFacts } from './types.js';

// Informational: which ToolHive operator runs, and so which world the injector is in. From v0.27.2 the
// operator gives vMCP the headerForward Secrets itself and the injector seals them; before, the sidecar adds
// every header. The version is the operator image's tag, else the Helm chart's app.kubernetes.io/version.

/** The label ToolHive's Helm chart puts on the operator Deployment. */
export const OPERATOR_SELECTOR = 'app.kubernetes.io/name=toolhive-operator';
const INSTALL_OPERATOR =
  'helm upgrade -i toolhive-operator oci://ghcr.io/stacklok/toolhive/toolhive-operator -n toolhive-system --create-namespace';

/** `repo/operator:v0.44.0` and `repo/operator:v0.44.0@sha256:...` give v0.44.0; a digest alone gives nothing. */
export function imageTag(image: string | undefined): string | undefined {
  const withoutDigest = image?.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : withoutDigest.slice(colon + 1);
}

function versionOf(operator: OperatorFacts): Release | undefined {
  return parseRelease(imageTag(operator.image)) ?? parseRelease(operator.versionLabel);
}

function describeOne(operator: OperatorFacts): { line: string; known: boolean } {
  const where = `${operator.namespace}/${operator.name}`;
  const version = versionOf(operator);
  if (version === undefined) return { line: `${where}: cannot tell the version from image ${operator.image ?? '(none)'}`, known: false };
  const forwards = compareReleases(version, parseRelease(TOOLHIVE_FORWARDS_SINCE)!) >= 0;
  const newer =
    compareReleases(version, parseRelease(TESTED_TOOLHIVE_VERSION)!) > 0 ? `, newer than tested ${TESTED_TOOLHIVE_VERSION}` : '';
  const world = forwards
    ? `forwards headerForward itself (>= ${TOOLHIVE_FORWARDS_SINCE}): the injector seals those Secrets (--toolhive-forwarding seal, the default)`
    : `does not forward headerForward (< ${TOOLHIVE_FORWARDS_SINCE}): the sidecar adds every header`;
  return { line: `${formatRelease(version)} at ${where}${newer}: ${world}`, known: true };
}

export function toolhiveOperatorCheck(found: OperatorFacts[] | { error: string }): CheckResult {
  const base = { id: 'toolhive-operator', title: 'ToolHive operator' };
  if (!Array.isArray(found)) {
    return {
      ...base,
      status: 'warn',
      detail: `cannot look for it: ${found.error}`,
      fix: `check needs list on deployments in all namespaces to find ${OPERATOR_SELECTOR}`,
    };
  }
  if (found.length === 0) {
    return {
      ...base,
      status: 'warn',
      detail: `no Deployment labelled ${OPERATOR_SELECTOR}: without it no VirtualMCPServer gets a vMCP pod to inject`,
      fix: `install it (${INSTALL_OPERATOR}); an operator installed otherwise works too, check just cannot see its version`,
    };
  }
  const described = found.map(describeOne);
  const detail = described.map((d) => d.line).join('; ');
  if (described.every((d) => d.known)) return { ...base, status: 'pass', detail };
  return {
    ...base,
    status: 'warn',
    detail,
    fix: "tag the operator image with its release (vX.Y.Z) or keep the chart's app.kubernetes.io/version label",
  };
}
