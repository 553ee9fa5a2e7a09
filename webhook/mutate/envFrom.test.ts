import type { V1Container, V1EnvFromSource } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { VMCP_CONTAINER_NAME } from '../../contract/labels.js';
import { envFromWarnings, namesAtStake, OVERRIDDEN_ENV_NAMES } from './envFrom.js';
import { planPod } from './plan.js';
import { loadFixture } from '../../test/unit/webhook/mutateFixtures.js';

const SIDECAR_URL = 'http://127.0.0.1:15080';
const configMap = (name: string, prefix?: string): V1EnvFromSource => ({
  configMapRef: { name },
  ...(prefix !== undefined ? { prefix } : {}),
});

function vmcp(envFrom: V1EnvFromSource[], env: V1Container['env'] = []): V1Container {
  return { name: VMCP_CONTAINER_NAME, image: 'vmcp', env, envFrom };
}

describe('namesAtStake', () => {
  it('an unprefixed source may define every variable the injector sets', () => {
    expect(namesAtStake(vmcp([]), configMap('corp'), SIDECAR_URL)).toEqual([...OVERRIDDEN_ENV_NAMES]);
  });

  it.each([
    ['OIDC_', []],
    ['HTTP', ['HTTP_PROXY', 'HTTPS_PROXY']],
    ['no_', ['no_proxy']],
    ['SSL_CERT_', ['SSL_CERT_DIR']],
  ])('a source with prefix %s may define only names that start with it', (prefix, names) => {
    expect(namesAtStake(vmcp([]), configMap('corp', prefix), SIDECAR_URL)).toEqual(names);
  });

  it('leaves out names the container sets in env itself (env wins over envFrom)', () => {
    const env = [
      { name: 'HTTPS_PROXY', value: 'http://proxy.corp:3128' },
      { name: 'NO_PROXY', value: 'internal' },
      { name: 'SSL_CERT_DIR', value: '' },
    ];
    expect(namesAtStake(vmcp([], env), configMap('corp'), SIDECAR_URL)).toEqual(['HTTP_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']);
  });

  it("still counts a proxy variable that points at the sidecar (the injector's own, on a re-planned pod)", () => {
    const env = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].map((name) => ({ name, value: SIDECAR_URL }));
    expect(namesAtStake(vmcp([], env), configMap('corp', 'HTTPS'), SIDECAR_URL)).toEqual(['HTTPS_PROXY']);
  });
});

describe('envFromWarnings', () => {
  it('says nothing without envFrom, or when no source can define a variable the injector sets', () => {
    expect(envFromWarnings(vmcp([]), SIDECAR_URL)).toEqual([]);
    expect(envFromWarnings({ name: 'vmcp', image: 'x' }, SIDECAR_URL)).toEqual([]);
    expect(envFromWarnings(vmcp([configMap('settings', 'APP_'), { secretRef: { name: 'oidc' }, prefix: 'OIDC_' }]), SIDECAR_URL)).toEqual(
      [],
    );
  });

  it('names the container, the source by index and kind, the variables, what happens and the fix', () => {
    const [warning, ...rest] = envFromWarnings(
      vmcp([configMap('settings', 'APP_'), { secretRef: { name: 'proxy-creds' }, prefix: 'HTTPS' }]),
      SIDECAR_URL,
    );
    expect(rest).toEqual([]);
    expect(warning).toBe(
      'container "vmcp": envFrom[1] (Secret "proxy-creds" with prefix "HTTPS") may define HTTPS_PROXY; the injector cannot read it and ' +
        'the env it adds overrides those values: a proxy set there is not chained behind the sidecar (outbound traffic would skip it). ' +
        'Fix: set them under env of container "vmcp" with literal values (the injector chains or keeps them), ' +
        'or opt the pod out with the annotation mcp-header-forward.dev/inject: "false"',
    );
  });

  it('says which non-proxy variables are replaced', () => {
    const [warning] = envFromWarnings(vmcp([configMap('trust', 'SSL_')]), SIDECAR_URL);
    expect(warning).toContain('envFrom[0] (ConfigMap "trust" with prefix "SSL_") may define SSL_CERT_DIR;');
    expect(warning).toContain(": SSL_CERT_DIR set there is replaced by the injector's.");
    expect(warning).not.toContain('chained behind');
  });
});

describe('planPod with envFrom on the vmcp container', () => {
  it('injects as usual and returns the warning (it neither guesses nor refuses)', () => {
    const { pod, vmcps, entries, settings } = loadFixture('env-from');
    const plan = planPod(pod, { vmcp: vmcps[0]!, entries, settings });
    expect(plan.routeCount).toBe(2);
    expect(plan.warnings).toEqual([
      expect.stringMatching(/^container "vmcp": envFrom\[0\] \(ConfigMap "corp-proxy"\) may define HTTP_PROXY, /),
    ]);
    const container = plan.pod.spec!.containers.find((c) => c.name === VMCP_CONTAINER_NAME)!;
    expect(container.envFrom).toEqual(pod.spec!.containers[0]!.envFrom);
    expect(container.env!.find((e) => e.name === 'HTTPS_PROXY')?.value).toBe(SIDECAR_URL);
  });
});
