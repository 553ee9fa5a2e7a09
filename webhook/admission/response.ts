import type { Operation as JsonPatchOperation } from 'fast-json-patch';
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionResponse, type AdmissionReviewResponse } from './review.js';

/** What a route decides; the handler turns it into the wire format. */
export interface AdmissionVerdict {
  allowed: boolean;
  /** HTTP-style status code for `status.code`; defaults to 403 on denial, omitted on allow. */
  code?: number;
  /** Shown to the user on denial (kubectl: `denied the request: <message>`). */
  message?: string;
  warnings?: string[];
  /** JSON Patch operations (mutating routes); sent base64 with patchType JSONPatch only when non-empty. */
  patch?: JsonPatchOperation[];
  auditAnnotations?: Record<string, string>;
  /** Effective mode (enforce|warn|audit, or another route-specific word): the metric label `mode`. */
  mode?: string;
}

export function allow(extra: Omit<AdmissionVerdict, 'allowed'> = {}): AdmissionVerdict {
  return { ...extra, allowed: true };
}

export function deny(message: string, extra: Omit<AdmissionVerdict, 'allowed' | 'message'> = {}): AdmissionVerdict {
  return { code: 403, ...extra, allowed: false, message };
}

export function toAdmissionResponse(uid: string, verdict: AdmissionVerdict): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: verdict.allowed };
  if (!verdict.allowed || verdict.message !== undefined) {
    response.status = {
      code: verdict.code ?? (verdict.allowed ? 200 : 403),
      ...(verdict.message !== undefined ? { message: verdict.message } : {}),
    };
  }
  if (verdict.warnings !== undefined && verdict.warnings.length > 0) response.warnings = [...verdict.warnings];
  if (verdict.allowed && verdict.patch !== undefined && verdict.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = encodedPatch(verdict.patch);
  }
  if (verdict.auditAnnotations !== undefined && Object.keys(verdict.auditAnnotations).length > 0) {
    response.auditAnnotations = { ...verdict.auditAnnotations };
  }
  return response;
}

export function toAdmissionReview(uid: string, verdict: AdmissionVerdict): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response: toAdmissionResponse(uid, verdict) };
}

// A remembered plan (endpoints/injectMemo.ts) hands every replica of a rollout the same frozen patch, often
// tens of KiB: it is encoded once. Only frozen arrays are remembered, so a patch someone could still change is
// always encoded afresh.
const encodedPatches = new WeakMap<readonly JsonPatchOperation[], string>();

function encodedPatch(patch: readonly JsonPatchOperation[]): string {
  const remembered = encodedPatches.get(patch);
  if (remembered !== undefined) return remembered;
  const encoded = Buffer.from(JSON.stringify(patch), 'utf8').toString('base64');
  if (Object.isFrozen(patch)) encodedPatches.set(patch, encoded);
  return encoded;
}
