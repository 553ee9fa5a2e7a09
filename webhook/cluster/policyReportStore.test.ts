import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { failure } from './policyReportStore.js';

// The Status k8s.io/apiserver's NamespaceLifecycle plugin answers a create in a deleting namespace with
// (plugin/namespace/lifecycle/admission.go: a StatusCause of type NamespaceTerminating, serialised as `reason`).
const terminating = JSON.stringify({
  kind: 'Status',
  status: 'Failure',
  reason: 'Forbidden',
  code: 403,
  message:
    'policyreports.wgpolicyk8s.io "mcp-header-forward" is forbidden: unable to create new content in namespace a because it is being terminated',
  details: { causes: [{ reason: 'NamespaceTerminating', message: 'namespace a is being terminated', field: 'metadata.namespace' }] },
});

describe('PolicyReport store failures', () => {
  it('mark a write into a namespace being deleted, which is not an RBAC problem', () => {
    const failed = failure(new ApiException(403, 'Forbidden', terminating, {}), 'create PolicyReport a/mcp-header-forward');
    expect(failed).toMatchObject({ code: 403, namespaceTerminating: true });
    expect(failed.message).toContain('because it is being terminated');
  });

  it('leave a plain 403 (missing RBAC) and other answers unmarked', () => {
    const rbac = JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'cannot create resource "policyreports"' });
    expect(failure(new ApiException(403, 'Forbidden', rbac, {}), 'create').namespaceTerminating).toBeUndefined();
    expect(failure(new ApiException(409, 'Conflict', terminating, {}), 'create').namespaceTerminating).toBeUndefined();
    expect(failure(new ApiException(403, 'Forbidden', 'not json', {}), 'create').namespaceTerminating).toBeUndefined();
  });
});
