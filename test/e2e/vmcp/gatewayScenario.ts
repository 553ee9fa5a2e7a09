import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueLeaf } from '../../../certs/x509.js';
import { contextFromObjects, injectPod } from '../../../webhook/mutate/inject.js';
import type { Plan } from '../../../webhook/mutate/plan.js';
import { DEFAULT_SETTINGS, type InjectSettings } from '../../../webhook/mutate/settings.js';
import { freeLoopbackPort } from '../harness/ports.js';
import { startGateway, type GatewayOptions, type GatewayStack } from './gateway.js';
import { loopbackHostname } from './loopbackName.js';
import { loadScenario, type Scenario } from './scenario.js';
import { SSE_PATH, STREAMABLE_PATH, startUpstream, type Upstream } from './upstream.js';
import { toolhiveOperatorEnv } from './operatorEnv.js';
import { VMCP_CONTAINER_NAME } from '../../../contract/labels.js';
import type { ResolvedToolhiveBinary } from '../harness/toolhiveBinaries.js';

// The whole real-gateway setup, shared by the e2e test and `make demo`: two upstream MCP servers, the
// fixture objects filled for this run, the injector's plan for the vMCP pod, and the two processes.

export const SECRET_HEADER = 'X-Api-Key';
export const PLAINTEXT_HEADER = 'X-Tenant';
export const PLAINTEXT_VALUE = 'acme';
export const SECURE_ENTRY = 'secure-upstream';
export const OPEN_ENTRY = 'open-upstream';

export interface Upstreams {
  /** The loopback-resolving name both upstreams are reached by. */
  hostname: string;
  /** HTTPS with a test CA, streamable-http, 401 without the Secret's header. */
  secure: Upstream;
  /** Plain HTTP, SSE transport, no headerForward. */
  open: Upstream;
  /** The Secret's value: random per run, so a log grep for it means something. */
  apiKey: string;
  caPem: string;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const { name, address } = await loopbackHostname();
  const ca = await createCa({ commonName: 'mcp-header-forward e2e upstream CA', validForMs: 3_600_000 });
  const leaf = await issueLeaf(ca, { commonName: name, dnsNames: [name], validForMs: 3_600_000 });
  const apiKey = `e2e-${randomBytes(12).toString('hex')}`;
  const secure = await startUpstream({
    label: 'secure',
    tls: { certPem: leaf.certPem, keyPem: leaf.keyPem },
    requiredHeader: { name: SECRET_HEADER, value: apiKey },
    address,
  });
  const open = await startUpstream({ label: 'open', address });
  return {
    hostname: name,
    secure,
    open,
    apiKey,
    caPem: ca.certPem,
    close: async () => {
      await Promise.all([secure.close(), open.close()]);
    },
  };
}

export interface InjectedScenario {
  scenario: Scenario;
  settings: InjectSettings;
  plan: Plan;
}

export interface ScenarioOptions {
  /**
   * Give the vmcp container the header-forward env ToolHive's operator (>= v0.27.2) writes, before injection: vMCP
   * then forwards the headers itself, and the injector (seal, its default) moves the Secret to the sidecar.
   */
  operatorEnv?: boolean;
  toolhiveForwarding?: InjectSettings['toolhiveForwarding'];
}

/** Fill the fixtures for these upstreams and run the injector's engine on the vMCP pod, as the webhook would. */
export async function injectScenario(upstreams: Upstreams, options: ScenarioOptions = {}): Promise<InjectedScenario> {
  const scenario = await loadScenario({
    SECURE_URL: `${upstreams.secure.baseUrl(upstreams.hostname)}${STREAMABLE_PATH}`,
    OPEN_URL: `${upstreams.open.baseUrl(upstreams.hostname)}${SSE_PATH}`,
    API_KEY: upstreams.apiKey,
    UPSTREAM_CA_PEM: upstreams.caPem,
  });
  // Free ports instead of the fixed defaults: several runs (and other suites) may share this machine.
  const settings: InjectSettings = {
    ...DEFAULT_SETTINGS,
    proxyPort: await freeLoopbackPort(),
    adminPort: await freeLoopbackPort(),
    ...(options.toolhiveForwarding ? { toolhiveForwarding: options.toolhiveForwarding } : {}),
  };
  const namespace = scenario.pod.metadata?.namespace ?? 'default';
  if (options.operatorEnv) {
    const vmcpContainer = scenario.pod.spec!.containers.find((c) => c.name === VMCP_CONTAINER_NAME)!;
    vmcpContainer.env = [...(vmcpContainer.env ?? []), ...toolhiveOperatorEnv(scenario.entries)];
  }
  const result = injectPod(
    scenario.pod,
    contextFromObjects({ vmcps: [scenario.vmcp], entries: scenario.entries }, { namespace, settings }),
  );
  if (!result.decision.inject || result.plan === undefined) {
    throw new Error(`the injector skipped the fixture pod: ${result.decision.reasons.map((r) => r.message).join('; ')}`);
  }
  return { scenario, settings, plan: result.plan };
}

export interface RunningGateway {
  injected: InjectedScenario;
  stack: GatewayStack;
  workDir: string;
  stop(): Promise<void>;
}

/** Sidecar + vMCP for the injected pod, in a fresh scratch directory (removed on stop unless keepWorkDir). */
export async function runGateway(
  upstreams: Upstreams,
  vmcp: ResolvedToolhiveBinary,
  options: ScenarioOptions & { vmcpEnv?: GatewayOptions['vmcpEnv']; log?: (line: string) => void; keepWorkDir?: boolean } = {},
): Promise<RunningGateway> {
  const injected = await injectScenario(upstreams, options);
  const workDir = await mkdtemp(join(tmpdir(), 'mcp-hf-vmcp-'));
  const { scenario } = injected;
  const stack = await startGateway({
    pod: injected.plan.pod,
    objects: { secrets: scenario.secrets, configMaps: scenario.configMaps },
    vmcpBinary: vmcp.path,
    workDir,
    ...(options.vmcpEnv ? { vmcpEnv: options.vmcpEnv } : {}),
    ...(options.log ? { log: options.log } : {}),
  }).catch(async (error: unknown) => {
    if (!options.keepWorkDir) await rm(workDir, { recursive: true, force: true });
    throw error;
  });
  return {
    injected,
    stack,
    workDir,
    stop: async () => {
      await stack.stop();
      if (!options.keepWorkDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}
