import { describe, expect, it } from 'vitest';
import { mcpServerEntrySchema } from '../../contract/toolhive.js';
import { VALIDATING_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { decide } from '../../webhook/validate/decide.js';
import { validateEntry } from '../../webhook/validate/validateEntry.js';
import { admissionProbeCheck, ourDenialPrefix, probeEntry, probeVersion } from './admissionProbe.js';
import { DEFAULT_TARGET as target } from './target.js';
import type { ProbeFacts } from './types.js';

const probe = { namespace: 'default', name: 'mcp-header-forward-check-abc123', apiVersion: 'v1beta1', namespaceMode: undefined };
const denied = (message: string, code: number | undefined = 400): ProbeFacts => ({ ...probe, outcome: { allowed: false, code, message } });
const CALL_FAILED = `Internal error occurred: failed calling webhook "${VALIDATING_WEBHOOK_NAME}": failed to call webhook: Post "https://mcp-header-forward.mcp-header-forward.svc:443/validate?timeout=5s": `;

describe('the probe entry', () => {
  it("is denied by the webhook's own rules, in words that start with the prefix check looks for", () => {
    const entry = mcpServerEntrySchema.parse(probeEntry(probe));
    const result = validateEntry({ entry, operation: 'CREATE', namespace: probe.namespace, secrets: new Map() });
    const decision = decide(result, 'enforce', `MCPServerEntry ${probe.namespace}/${probe.name}`);
    expect(decision.allowed).toBe(false);
    // The API server puts `admission webhook "<name>" denied the request: ` before the webhook's message.
    expect(
      `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request: ${decision.message}`.startsWith(ourDenialPrefix(probe)),
    ).toBe(true);
    expect(decision.message).toContain('header "Host" is restricted');
  });

  it('uses the newest version the CRD serves that the webhook is registered for', () => {
    expect(probeVersion(['v1alpha1', 'v1beta1'])).toBe('v1beta1');
    expect(probeVersion(['v1alpha1'])).toBe('v1alpha1');
    expect(probeVersion(['v1'])).toBeUndefined();
  });
});

describe('admissionProbeCheck', () => {
  it("passes on our denial, relayed by the API server under our webhook's name", () => {
    const result = admissionProbeCheck(denied(`${ourDenialPrefix(probe)}1 problem:\n- spec...`), target);
    expect(result).toMatchObject({
      id: 'admission-probe',
      title: 'Dry-run MCPServerEntry default/mcp-header-forward-check-abc123 with header "Host" denied by the webhook',
      status: 'pass',
    });
    expect(result.detail).toContain(`denied by ${VALIDATING_WEBHOOK_NAME} in its own words`);
  });

  it('fails when the API server distrusts the webhook certificate, pointing at the caBundle', () => {
    const result = admissionProbeCheck(
      denied(`${CALL_FAILED}tls: failed to verify certificate: x509: certificate signed by unknown authority`, 500),
      target,
    );
    expect(result).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('the API server could not call the webhook: Internal error occurred'),
    });
    expect(result.fix).toContain('the caBundle does not trust the certificate the webhook pods serve');
  });

  it('fails when no pod answers behind the Service, with the command to see them', () => {
    const result = admissionProbeCheck(denied(`${CALL_FAILED}dial tcp 10.96.0.12:443: connect: connection refused`, 500), target);
    expect(result.fix).toBe(
      'no webhook pod answers behind Service mcp-header-forward/mcp-header-forward: kubectl -n mcp-header-forward get pods,endpointslices -l app.kubernetes.io/name=mcp-header-forward',
    );
  });

  it('fails on a timeout, naming NetworkPolicy', () => {
    const result = admissionProbeCheck(denied(`${CALL_FAILED}context deadline exceeded`, 500), target);
    expect(result.fix).toContain('a NetworkPolicy must allow ingress to port 8443 from the API server');
  });

  it('fails when someone else refused it first, quoting them', () => {
    const result = admissionProbeCheck(denied('admission webhook "policy.example.com" denied the request: no', 400), target);
    expect(result).toMatchObject({
      status: 'fail',
      detail: 'refused, but not by mcp-header-forward\'s rules (HTTP 400): admission webhook "policy.example.com" denied the request: no',
    });
  });

  it('does not take a denial of another entry name for ours', () => {
    const other = { ...probe, name: 'someone-else' };
    expect(admissionProbeCheck(denied(`${ourDenialPrefix(other)}1 problem:`), target).status).toBe('fail');
  });

  it('fails when the probe namespace is missing or the caller may not create entries', () => {
    expect(admissionProbeCheck(denied('namespaces "default" not found', 404), target)).toMatchObject({
      fix: 'pass --probe-namespace with a namespace that exists',
    });
    expect(admissionProbeCheck(denied('mcpserverentries is forbidden', 403), target).fix).toContain(
      'create on mcpserverentries.toolhive.stacklok.dev in namespace default',
    );
  });

  it('fails when admitted: the webhook did not review it', () => {
    const result = admissionProbeCheck({ ...probe, outcome: { allowed: true } }, target);
    expect(result).toMatchObject({ status: 'fail', detail: 'admitted: the webhook did not review it (or runs with --mode warn or audit)' });
    expect(result.fix).toContain(`webhook ${VALIDATING_WEBHOOK_NAME} for mcpserverentries.toolhive.stacklok.dev`);
  });

  it('fails when admitted in a namespace labelled warn, saying so', () => {
    const result = admissionProbeCheck({ ...probe, namespaceMode: 'warn', outcome: { allowed: true } }, target);
    expect(result).toMatchObject({
      status: 'fail',
      detail: 'admitted: namespace default is labelled mcp-header-forward.dev/mode=warn, so the webhook only warns',
    });
  });
});
