import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdmissionregistrationV1Api, CoreV1Api, type V1MutatingWebhookConfiguration, type V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  SIDECAR_CONTAINER_NAME,
  STATUS_ANNOTATION,
  VMCP_CONTAINER_NAME,
  VMCP_INSTANCE_LABEL,
  VMCP_NAME_LABEL,
  VMCP_NAME_VALUE,
} from '../../../contract/labels.js';
import { mutatingWebhookConfiguration } from '../../../webhook/registrations/webhookConfigurations.js';
import { TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { runGatewayDemo } from '../vmcp/demo.js';
import { DEMO_ENTRY_NAME, DEMO_GROUP, DEMO_SECRET_VALUE, narrateKubectl, narrateKubectlExpecting, type DemoStep } from './demoSteps.js';
import { maskSecret, postThroughProxy, startLocalSidecar } from './demoSidecar.js';

// Issues 5-6 in `make demo`: the mutating webhook injects the sidecar into a vMCP pod, and that sidecar,
// run locally from the stored pod spec, adds the entry's headers to a request on its way upstream.

const GATEWAY = 'gateway';
const POD = 'gateway-demo';
export const MUTATING_CONFIGURATION_NAME = 'mcp-header-forward-demo-inject';
const sidecarsOf = (pod: V1Pod) =>
  [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].filter((c) => c.name === SIDECAR_CONTAINER_NAME);

const virtualMcpServer = {
  apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
  kind: 'VirtualMCPServer',
  metadata: { name: GATEWAY },
  spec: { groupRef: { name: DEMO_GROUP }, incomingAuth: { type: 'anonymous' } },
};

/** A pod as ToolHive's operator creates one for VirtualMCPServer "gateway": its labels and its `vmcp` container. */
function vmcpPod(name: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { [VMCP_NAME_LABEL]: VMCP_NAME_VALUE, [VMCP_INSTANCE_LABEL]: GATEWAY } },
    spec: {
      automountServiceAccountToken: false,
      containers: [
        {
          name: VMCP_CONTAINER_NAME,
          image: 'ghcr.io/stacklok/toolhive/vmcp:v0.44.0',
          args: ['serve', '--config=/etc/vmcp-config/config.yaml', '--host=0.0.0.0', '--port=4483'],
          env: [{ name: 'VMCP_NAME', value: GATEWAY }],
          ports: [{ name: 'http', containerPort: 4483 }],
        },
      ],
    },
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`make demo: timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const injectionSteps: DemoStep[] = [
  {
    title: 'Register the injector and create the VirtualMCPServer',
    explain:
      'The same webhook process also serves /mutate. The MutatingWebhookConfiguration the manifests ship selects\n' +
      `pods labelled ${VMCP_NAME_LABEL}=${VMCP_NAME_VALUE}. VirtualMCPServer "${GATEWAY}" uses group "${DEMO_GROUP}", the\n` +
      `group of entry "${DEMO_ENTRY_NAME}", so its pods get that entry's headers.`,
    async run(context) {
      const admission = context.cluster.admin.makeApiClient(AdmissionregistrationV1Api);
      const body = mutatingWebhookConfiguration({
        name: MUTATING_CONFIGURATION_NAME,
        endpoint: { url: context.webhook.url },
        caBundle: context.webhook.caBundle,
      });
      await admission.deleteMutatingWebhookConfiguration({ name: MUTATING_CONFIGURATION_NAME }).catch(() => undefined);
      await admission.createMutatingWebhookConfiguration({ body: body as V1MutatingWebhookConfiguration });
      await narrateKubectl(context, ['get', 'mutatingwebhookconfigurations']);
      await narrateKubectlExpecting(context, this.title, 'success', ['apply', '-n', context.namespace], {
        file: 'virtualmcpserver.yaml',
        yaml: stringify(virtualMcpServer),
      });
      // The API server's webhook cache and the webhook's informers both lag a create: probe with dry runs.
      const core = context.cluster.admin.makeApiClient(CoreV1Api);
      await until('the default ServiceAccount of the demo namespace', () =>
        core.readNamespacedServiceAccount({ namespace: context.namespace, name: 'default' }),
      );
      await until('the injector to patch a dry-run vMCP pod', async () => {
        const probe = await core.createNamespacedPod({
          namespace: context.namespace,
          body: vmcpPod(`probe-${randomBytes(3).toString('hex')}`),
          dryRun: 'All',
        });
        return sidecarsOf(probe).length === 1 ? probe : undefined;
      });
    },
  },
  {
    title: 'Create a vMCP pod: the API server stores it mutated',
    explain:
      `The YAML has one container, "${VMCP_CONTAINER_NAME}". Look for: an initContainer "${SIDECAR_CONTAINER_NAME}" with\n` +
      'restartPolicy=Always (a native sidecar), its env var NAMES (one secretKeyRef per secret header; kubectl shows\n' +
      'where the value comes from, never the value), the vmcp container pointed at it (HTTP_PROXY/HTTPS_PROXY,\n' +
      `NO_PROXY, SSL_CERT_DIR with the sidecar's CA), and the ${STATUS_ANNOTATION} annotation. There is no node here,\n` +
      'so the pod stays Pending; the next step runs its sidecar container as a local process.',
    async run(context) {
      await narrateKubectlExpecting(context, this.title, 'success', ['apply', '-n', context.namespace], {
        file: 'vmcp-pod.yaml',
        yaml: stringify(vmcpPod(POD)),
      });
      const get = (jsonpath: string) =>
        narrateKubectlExpecting(context, this.title, 'success', ['get', 'pod', POD, '-n', context.namespace, '-o', `jsonpath=${jsonpath}`]);
      await get('{range .spec.initContainers[*]}{.name}{"  restartPolicy="}{.restartPolicy}{"  args="}{.args}{"\\n"}{end}');
      await get(
        `{range .spec.initContainers[?(@.name=="${SIDECAR_CONTAINER_NAME}")].env[*]}{.name}{"  "}{.valueFrom.secretKeyRef}{"\\n"}{end}`,
      );
      await get(`{range .spec.containers[?(@.name=="${VMCP_CONTAINER_NAME}")].env[*]}{.name}{"="}{.value}{"\\n"}{end}`);
      // Dots in an annotation key are escaped in kubectl's JSONPath.
      await get(`{"${STATUS_ANNOTATION}="}{.metadata.annotations.${STATUS_ANNOTATION.replaceAll('.', '\\.')}}{"\\n"}`);
      const stored = await context.cluster.admin.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: context.namespace, name: POD });
      if (sidecarsOf(stored).length !== 1)
        throw new Error(
          `make demo: pod ${context.namespace}/${POD} was stored without the ${SIDECAR_CONTAINER_NAME} sidecar; see ${context.webhook.logFile}`,
        );
      context.out(
        `  => pod ${context.namespace}/${POD} mutated: sidecar ${SIDECAR_CONTAINER_NAME} injected, status ${stored.metadata?.annotations?.[STATUS_ANNOTATION] ?? '(none)'}\n`,
      );
    },
  },
  {
    title: 'One request through the injected sidecar',
    explain:
      "The stored pod's sidecar container runs here as a local process: its args and env exactly as stored, the\n" +
      'secretKeyRef resolved from the Secret through the API (as the kubelet would), only the listen ports and the\n' +
      'volume paths (CA and CA key directories) changed. One request goes through it the way vMCP sends one\n' +
      "(HTTP_PROXY) to the entry's " +
      'remoteUrl. Look for: the upstream saw Authorization and X-Team, added by the sidecar; the secret masked.',
    async run(context) {
      const pod = await context.cluster.admin.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: context.namespace, name: POD });
      const workDir = join(context.filesDir, 'sidecar');
      await mkdir(workDir, { recursive: true });
      const sidecar = await startLocalSidecar(context.cluster, pod, workDir);
      context.onCleanUp(() => sidecar.process.stop());
      context.out(
        `  started: mcp-header-forward ${sidecar.args.join(' ')}   (pid ${sidecar.process.pid}, log ${sidecar.process.logFile})\n`,
      );
      context.out(`  its env: ${sidecar.envNames.join(', ')}\n`);
      const target = context.upstream.remoteUrl;
      const before = context.upstream.requests.length;
      context.out(`  POST ${target} via HTTP_PROXY=${sidecar.proxyUrl}, with no Authorization or X-Team header\n`);
      const status = await postThroughProxy(sidecar.proxyUrl, target);
      const seen = context.upstream.requests.slice(before).at(-1);
      if (seen === undefined)
        throw new Error(`make demo: the upstream at ${target} saw no request (HTTP ${status}); see ${sidecar.process.logFile}`);
      const authorization = seen.headers['authorization'] ?? [];
      const team = seen.headers['x-team'] ?? [];
      context.out(`  upstream answered HTTP ${status} and saw:\n`);
      context.out(
        `    Authorization: ${authorization.map(maskSecret).join(', ') || 'absent'}${authorization.length === 1 && authorization[0] === DEMO_SECRET_VALUE ? "  (the Secret's value, exactly once)" : "  (NOT the Secret's value)"}\n`,
      );
      context.out(`    X-Team: ${team.join(', ') || 'absent'}\n`);
      if (authorization[0] !== DEMO_SECRET_VALUE || team[0] !== 'platform')
        throw new Error(`make demo: the sidecar did not add the entry's headers; see ${sidecar.process.logFile}`);
      context.out('  => header arrived upstream: Authorization and X-Team added by the sidecar\n');
    },
  },
  {
    title: 'The real gateway: ToolHive vMCP and the sidecar',
    explain: "The same path with ToolHive's own vmcp binary as the client, when a built one is cached (make e2e builds it).",
    async run(context) {
      await runGatewayDemo({ log: (line) => context.out(`  ${line}\n`) });
    },
  },
];
