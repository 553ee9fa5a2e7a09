import { z } from 'zod';

// admission.k8s.io/v1 AdmissionReview as the API server sends it. Parsed at the edge: everything past the
// handler sees typed data. Unknown fields pass through (newer API servers add some).
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_KIND = 'AdmissionReview';

export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export type Operation = (typeof OPERATIONS)[number];

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() }).passthrough();
const groupVersionResource = z.object({ group: z.string(), version: z.string(), resource: z.string() }).passthrough();

const userInfo = z
  .object({
    username: z.string().optional(),
    uid: z.string().optional(),
    groups: z.array(z.string()).optional(),
    extra: z.record(z.string(), z.array(z.string())).optional(),
  })
  .passthrough();

/** A Kubernetes object as it arrives: only `metadata` is assumed to be an object; routes parse the rest. */
const kubeObject = z.record(z.string(), z.unknown());

export const admissionRequestSchema = z
  .object({
    uid: z.string().min(1),
    kind: groupVersionKind,
    resource: groupVersionResource,
    subResource: z.string().optional(),
    requestKind: groupVersionKind.optional(),
    requestResource: groupVersionResource.optional(),
    requestSubResource: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.enum(OPERATIONS),
    userInfo: userInfo.optional(),
    object: kubeObject.nullable().optional(),
    oldObject: kubeObject.nullable().optional(),
    dryRun: z.boolean().optional(),
    options: z.unknown().optional(),
  })
  .passthrough();

export const admissionReviewRequestSchema = z
  .object({
    apiVersion: z.literal(ADMISSION_API_VERSION),
    kind: z.literal(ADMISSION_KIND),
    request: admissionRequestSchema,
  })
  .passthrough();

export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;
export type AdmissionReviewRequest = z.infer<typeof admissionReviewRequestSchema>;

export interface AdmissionStatus {
  code?: number;
  message?: string;
  reason?: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  /** kubectl prints each as `Warning: ...`. */
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of the JSON Patch document. */
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_KIND;
  response: AdmissionResponse;
}

export type ParsedReview = { ok: true; review: AdmissionReviewRequest } | { ok: false; error: string };

/** Parse a request body; the error names every bad field so a person can fix the caller. */
export function parseAdmissionReview(body: unknown): ParsedReview {
  const result = admissionReviewRequestSchema.safeParse(body);
  if (result.success) return { ok: true, review: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    return `${path}: ${issue.message}`;
  });
  return { ok: false, error: `malformed ${ADMISSION_API_VERSION} AdmissionReview: ${problems.join('; ')}` };
}
