import { describe, expect, it } from 'vitest';
import { deploymentCheck } from './deployment.js';
import { DEFAULT_TARGET } from './target.js';
import type { DeploymentFacts } from './types.js';

const target = DEFAULT_TARGET;

const facts = (available: number, extra: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
  desired: 2,
  ready: available,
  available,
  updated: 2,
  serviceAccount: 'mcp-header-forward',
  conditions: [],
  ...extra,
});

describe('deploymentCheck', () => {
  it('passes with every replica available', () => {
    expect(deploymentCheck(target, { status: 'found', value: facts(2) })).toEqual({
      id: 'deployment',
      title: 'Webhook Deployment mcp-header-forward/mcp-header-forward',
      status: 'pass',
      detail: '2/2 available, 2 ready, 2 up to date',
    });
  });

  it('warns with one of two available (admission works, no room for a drain)', () => {
    const result = deploymentCheck(target, { status: 'found', value: facts(1) });
    expect(result).toMatchObject({ status: 'warn' });
    expect(result.fix).toContain('kubectl -n mcp-header-forward describe deployment mcp-header-forward');
  });

  it('fails with none available, quoting the conditions that are not True', () => {
    const conditions = [
      {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      },
    ];
    const result = deploymentCheck(target, { status: 'found', value: facts(0, { conditions }) });
    expect(result).toMatchObject({
      status: 'fail',
      detail: '0/2 available, 0 ready, 2 up to date (Available: Deployment does not have minimum availability.)',
    });
    expect(result.fix).toContain('logs deployment/mcp-header-forward');
  });

  it('fails when scaled to 0, with the scale command', () => {
    expect(deploymentCheck(target, { status: 'found', value: facts(0, { desired: 0 }) })).toMatchObject({
      status: 'fail',
      fix: 'kubectl -n mcp-header-forward scale deployment mcp-header-forward --replicas=2',
    });
  });

  it('fails when missing, pointing at the install and the flags', () => {
    const result = deploymentCheck(target, { status: 'missing' });
    expect(result).toMatchObject({ status: 'fail', detail: 'not found' });
    expect(result.fix).toContain('kubectl apply -k manifests/overlays/self-signed');
    expect(result.fix).toContain('--namespace and --deployment');
  });

  it('fails when it cannot be read', () => {
    expect(deploymentCheck(target, { status: 'error', code: 403, message: 'HTTP 403' })).toMatchObject({
      status: 'fail',
      fix: 'you need get on deployments in namespace mcp-header-forward',
    });
  });
});
