import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { MCPServerEntry, VirtualMCPServer } from '../../contract/toolhive.js';
import { decide, SKIP, type DecideInput } from './decide.js';
import { loadFixture } from '../../test/unit/webhook/mutateFixtures.js';

const base = loadFixture('basic-native');
const vmcp = base.vmcps[0]!;
const entries = base.entries.filter((e) => e.metadata.namespace === 'tools');

function input(edit: (i: DecideInput) => void = () => {}): DecideInput {
  const i: DecideInput = {
    pod: structuredClone(base.pod),
    namespace: 'tools',
    vmcp,
    entries,
    excludedNamespaces: ['kube-system', 'kube-public', 'mhf'],
  };
  edit(i);
  return i;
}

const pod = (i: DecideInput): V1Pod => i.pod;

describe('decide', () => {
  it('injects a vMCP pod whose group has entries with headerForward', () => {
    expect(decide(input())).toEqual({ inject: true, reasons: [] });
  });

  it.each<[string, (i: DecideInput) => void, string]>([
    ['a pod without the vMCP label', (i) => delete pod(i).metadata!.labels!['app.kubernetes.io/name'], SKIP.notVmcpPod],
    ['a pod labelled as another app', (i) => (pod(i).metadata!.labels!['app.kubernetes.io/name'] = 'mcpserver'), SKIP.notVmcpPod],
    ['the opt-out annotation', (i) => (pod(i).metadata!.annotations!['mcp-header-forward.dev/inject'] = 'false'), SKIP.optedOut],
    [
      'the opt-out annotation in capitals',
      (i) => (pod(i).metadata!.annotations!['mcp-header-forward.dev/inject'] = 'False'),
      SKIP.optedOut,
    ],
    ['hostNetwork', (i) => (pod(i).spec!.hostNetwork = true), SKIP.hostNetwork],
    ['kube-system', (i) => (i.namespace = 'kube-system'), SKIP.namespaceExcluded],
    ["the webhook's own namespace", (i) => (i.namespace = 'mhf'), SKIP.namespaceExcluded],
    [
      'a namespace labelled inject=disabled',
      (i) => (i.namespaceLabels = { 'mcp-header-forward.dev/inject': 'disabled' }),
      SKIP.namespaceDisabled,
    ],
    ['no vmcp container', (i) => (pod(i).spec!.containers[0]!.name = 'gateway'), SKIP.noVmcpContainer],
    ['an unknown VirtualMCPServer', (i) => delete i.vmcp, SKIP.vmcpNotFound],
    ['a VirtualMCPServer without groupRef', (i) => (i.vmcp = { ...vmcp, spec: {} } as VirtualMCPServer), SKIP.noGroup],
    ['no entries with headerForward', (i) => (i.entries = [] as MCPServerEntry[]), SKIP.noForwardingEntries],
  ])('skips %s', (_what, edit, code) => {
    const decision = decide(input(edit));
    expect(decision.inject).toBe(false);
    expect(decision.reasons.map((r) => r.code)).toContain(code);
    for (const reason of decision.reasons) expect(reason.message.length).toBeGreaterThan(10);
  });

  it('still injects with inject=enabled or an unrelated annotation value', () => {
    expect(decide(input((i) => (i.namespaceLabels = { 'mcp-header-forward.dev/inject': 'enabled' }))).inject).toBe(true);
    expect(decide(input((i) => (pod(i).metadata!.annotations!['mcp-header-forward.dev/inject'] = 'true'))).inject).toBe(true);
  });

  it('reports every reason about the pod, and cluster lookups only for a pod that qualifies', () => {
    const decision = decide(
      input((i) => {
        pod(i).spec!.hostNetwork = true;
        pod(i).metadata!.annotations!['mcp-header-forward.dev/inject'] = 'false';
        delete i.vmcp;
      }),
    );
    expect(decision.reasons.map((r) => r.code)).toEqual([SKIP.optedOut, SKIP.hostNetwork]);
  });

  it('names the missing VirtualMCPServer and namespace', () => {
    const [reason] = decide(input((i) => delete i.vmcp)).reasons;
    expect(reason!.message).toBe('VirtualMCPServer "gateway" (label app.kubernetes.io/instance) not found in namespace "tools"');
  });
});
