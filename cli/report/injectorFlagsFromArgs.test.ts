import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { injectorFlagsFromArgs, injectorFlagsFromDeployment } from './injectorFlagsFromArgs.js';

const deployment = (containers: { name: string; command?: string[]; args?: string[] }[]): V1Deployment => ({
  spec: { selector: {}, template: { spec: { containers } } },
});

describe('injector flags from the webhook Deployment', () => {
  it('keeps only the injector flags the args set, parsed as the webhook parses them; other webhook flags are skipped', () => {
    const read = injectorFlagsFromArgs([
      '--listen=0.0.0.0:8443',
      '--mode',
      'enforce',
      '--sidecar-image=registry.example/mhf:1.2.3',
      '--sidecar-memory-limit',
      '0.25Gi',
      '--api-server-host=10.0.0.1',
      '--api-server-host',
      'k8s.internal',
    ]);
    expect(read).toEqual({
      values: { sidecarImage: 'registry.example/mhf:1.2.3', sidecarMemoryLimit: '256Mi', apiServerHost: ['10.0.0.1', 'k8s.internal'] },
    });
  });

  it('reads --require-host-binding too: it changes the routes the injector plans', () => {
    expect(injectorFlagsFromArgs(['--require-host-binding', '--mode=warn'])).toEqual({ values: { requireHostBinding: true } });
    expect(injectorFlagsFromArgs(['--mode=warn'])).toEqual({ values: {} });
  });

  it('finds the container running "webhook" and reads the words after it', () => {
    const read = injectorFlagsFromDeployment(
      deployment([
        { name: 'istio-proxy', args: ['proxy'] },
        { name: 'webhook', args: ['webhook', '--sidecar-mode=container'] },
      ]),
    );
    expect(read).toEqual({ values: { sidecarMode: 'container' }, container: 'webhook' });
    expect(
      injectorFlagsFromDeployment(deployment([{ name: 'x', command: ['mcp-header-forward', 'webhook', '--sidecar-proxy-port=15002'] }])),
    ).toEqual({ values: { sidecarProxyPort: 15002 }, container: 'x' });
  });

  it('says what is wrong: no webhook container, or a value the webhook itself would refuse', () => {
    expect(injectorFlagsFromDeployment(deployment([{ name: 'app', args: ['serve'] }]))).toEqual({
      problem: 'no container runs "webhook" (containers: app)',
    });
    const bad = injectorFlagsFromDeployment(deployment([{ name: 'webhook', args: ['webhook', '--sidecar-mode=sideways'] }]));
    expect(bad).toMatchObject({
      problem: expect.stringContaining("container webhook: error: option '--sidecar-mode <mode>' argument 'sideways' is invalid"),
    });
  });
});
