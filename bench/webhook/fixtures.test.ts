import { describe, expect, it } from 'vitest';
import { mcpServerEntrySchema, virtualMcpServerSchema } from '../../contract/toolhive.js';
import { admissionReviewRequestSchema } from '../../webhook/admission/review.js';
import { MUTATE_ENTRIES, mutateReview, standInFixtures, validateReview } from './fixtures.js';

describe('webhook bench fixtures', () => {
  it('the /validate review is an AdmissionReview the webhook accepts, for an entry with 10 headers', () => {
    const review = admissionReviewRequestSchema.parse(validateReview());
    const entry = mcpServerEntrySchema.parse(review.request.object);
    const forward = entry.spec.headerForward!;
    expect(Object.keys(forward.addPlaintextHeaders ?? {}).length + (forward.addHeadersFromSecret ?? []).length).toBe(10);
  });

  it('every Secret key the entry references is served by the stand-in', () => {
    const entry = mcpServerEntrySchema.parse(admissionReviewRequestSchema.parse(validateReview()).request.object);
    const { secrets } = standInFixtures();
    for (const ref of entry.spec.headerForward!.addHeadersFromSecret ?? []) {
      const secret = secrets[`tools/${ref.valueSecretRef!.name}`] as { data: Record<string, string> } | undefined;
      expect(secret?.data[ref.valueSecretRef!.key]).toBeTruthy();
    }
  });

  it('the /mutate review is a vMCP pod CREATE whose VirtualMCPServer selects 20 routed entries', () => {
    const review = admissionReviewRequestSchema.parse(mutateReview());
    expect(review.request.kind.kind).toBe('Pod');
    const lists = standInFixtures().lists;
    const entries = (lists['/apis/toolhive.stacklok.dev/v1beta1/mcpserverentries'] as { items: unknown[] }).items.map((e) =>
      mcpServerEntrySchema.parse(e),
    );
    const [vmcp] = (lists['/apis/toolhive.stacklok.dev/v1beta1/virtualmcpservers'] as { items: unknown[] }).items.map((v) =>
      virtualMcpServerSchema.parse(v),
    );
    expect(entries.filter((e) => e.spec.groupRef?.name === vmcp!.spec.groupRef?.name && e.spec.headerForward)).toHaveLength(MUTATE_ENTRIES);
  });
});
