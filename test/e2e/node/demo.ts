#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SIDECAR_CONTAINER_NAME, VMCP_CONTAINER_NAME } from '../../../contract/labels.js';
import { narrateKubectl, narrateKubectlExpecting, type Narration } from '../harness/demoSteps.js';
import { startNodeCluster, type NodeCluster, type NodeClusterInfo } from './nodeCluster.js';
import { nodeUnavailableReason } from './requirements.js';
import {
  CREDENTIALS_SECRET,
  entryFor,
  isReady,
  nodeScenario,
  OVERLAY,
  SECURE_UPSTREAM,
  textOf,
  waitFor,
  type NodeScenario,
} from './scenario.js';
import { valueDigest } from './upstreamPod.js';

// `make demo`: where this machine can run a real node (root, containerd...), the story on that node — installed from
// the shipped overlay, the vMCP pod made by ToolHive's operator and run by the kubelet, and an MCP tool call whose
// upstream shows the header. Elsewhere one line says why, and the loopback demo (../harness/demo.ts) runs instead.

const NAMESPACE = 'demo';
const bold = (text: string): string => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);

interface Step {
  title: string;
  explain: string;
  run(): Promise<void>;
}

function steps(demo: NodeScenario, narration: Narration, apiKey: string): Step[] {
  const { out } = narration;
  const entry = entryFor(SECURE_UPSTREAM, NAMESPACE);
  return [
    {
      title: 'Install with the shipped overlay',
      explain:
        'kubectl apply -k manifests/overlays/self-signed, as a user installs it: the image built from the\nDockerfile, a Job that issues the serving certificate and publishes its CA, two webhook replicas.',
      async run() {
        const started = Date.now();
        await narrateKubectlExpecting(narration, this.title, 'success', ['apply', '-k', OVERLAY]);
        await demo.waitInstalled();
        out(`  the certs Job ran and both replicas are Ready, ${((Date.now() - started) / 1000).toFixed(1)}s after the apply\n`);
        await narrateKubectl(narration, ['get', 'deploy,job', '-n', 'mcp-header-forward']);
      },
    },
    {
      title: 'An MCPServerEntry whose header comes from a Secret that does not exist yet: rejected',
      explain: 'The entry forwards X-Api-Key from Secret "upstream-credentials". The validating webhook names the field\nand the fix.',
      async run() {
        await demo.core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
        await demo.createGroup();
        await narrateKubectlExpecting(narration, this.title, 'failure', ['apply', '-n', NAMESPACE], {
          file: 'entry.yaml',
          yaml: stringify(entry),
        });
      },
    },
    {
      title: 'Create the Secret (and the upstream MCP server, a pod that logs what it receives): the entry is admitted',
      explain: 'The value is random and never printed; the upstream answers 401 without it.',
      async run() {
        const ips = await demo.createUpstreams([SECURE_UPSTREAM], { 'api-key': apiKey });
        out(`  created Secret ${CREDENTIALS_SECRET}, pod and Service secure-upstream (ClusterIP ${ips[SECURE_UPSTREAM.name]})\n`);
        await narrateKubectlExpecting(narration, this.title, 'success', [
          'apply',
          '-n',
          NAMESPACE,
          '-f',
          join(narration.filesDir, 'entry.yaml'),
        ]);
        await demo.startOperator((line) => out(`  ${line}\n`));
        await demo.createVirtualMcpServer([SECURE_UPSTREAM], ips);
      },
    },
    {
      title: "ToolHive's operator makes the vMCP pod; the kubelet runs it with the sidecar",
      explain:
        "A VirtualMCPServer in the entry's group. The operator gives the vmcp container the Secret (ToolHive >= v0.27.2);\nthe injector seals it: a placeholder stays on vmcp, the secretKeyRef moves to the sidecar.",
      async run() {
        const pod = await waitFor('the vMCP pod Ready', async () => (await demo.vmcpPods()).find(isReady), 180_000);
        const name = pod.metadata!.name!;
        await narrateKubectl(narration, [
          'get',
          'pod',
          name,
          '-n',
          NAMESPACE,
          '-o',
          `jsonpath={range .spec.initContainers[*]}initContainer {.name} restartPolicy={.restartPolicy}{"\\n"}{end}`,
        ]);
        await narrateKubectl(narration, [
          'get',
          'pod',
          name,
          '-n',
          NAMESPACE,
          '-o',
          `jsonpath={range .spec.containers[?(@.name=="${VMCP_CONTAINER_NAME}")].env[?(@.name=="TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_SECURE_UPSTREAM")]}vmcp: {.name}={.value}{"\\n"}{end}`,
        ]);
        await narrateKubectl(narration, [
          'get',
          'pod',
          name,
          '-n',
          NAMESPACE,
          '-o',
          `jsonpath={range .spec.initContainers[?(@.name=="${SIDECAR_CONTAINER_NAME}")].env[?(@.valueFrom)]}sidecar: {.name} <- secret {.valueFrom.secretKeyRef.name}/{.valueFrom.secretKeyRef.key}{"\\n"}{end}`,
        ]);
        await narrateKubectl(narration, ['get', 'pods', '-n', NAMESPACE]);
      },
    },
    {
      title: 'An MCP tool call through vMCP',
      explain:
        "kubectl port-forward to vMCP, an MCP client lists the tools and calls echo on the upstream. The upstream\nlogs each request; the credential as a digest, compared here with the Secret's.",
      async run() {
        const pod = (await demo.vmcpPods()).find(isReady)!;
        const client = await demo.connectClient(pod.metadata!.name!);
        const tool = (await client.listTools()).tools.map((t) => t.name).find((t) => t.endsWith('echo'))!;
        const result = await client.callTool({ name: tool, arguments: { message: 'hello from make demo' } });
        out(`  tool ${tool} answered: ${textOf(result)}\n`);
        const last = (await demo.upstreamLog(SECURE_UPSTREAM.name)).at(-1)!;
        const key = last.headers['x-api-key'] ?? [];
        out(
          `  upstream received X-Api-Key: ${key.length} value(s), ${key[0] === `sha256:${valueDigest(apiKey)}` ? "the Secret's value (digest matches)" : 'NOT the Secret value'}; X-Tenant: ${(last.headers['x-tenant'] ?? []).join(', ')}\n`,
        );
        if (key.length !== 1 || key[0] !== `sha256:${valueDigest(apiKey)}`)
          throw new Error('the upstream did not receive the Secret header exactly once');
      },
    },
  ];
}

export interface NodeDemoResult {
  /** Stops what the demo started on the node (operator, port-forward), uninstalls, and removes its files. */
  cleanUp(): Promise<void>;
}

/** The narrated steps on a running node: install, reject, admit, the operator's pod, a tool call. */
export async function runNodeDemo(info: NodeClusterInfo, out: (text: string) => void): Promise<NodeDemoResult> {
  const scenario = nodeScenario(info, NAMESPACE);
  const filesDir = await mkdtemp(join(tmpdir(), 'mcp-hf-demo-'));
  const cleanUp = async (): Promise<void> => {
    await scenario.close();
    await rm(filesDir, { recursive: true, force: true });
  };
  try {
    const narration: Narration = { cluster: { info }, filesDir, out };
    const list = steps(scenario, narration, `demo-${randomBytes(12).toString('hex')}`);
    for (const [index, step] of list.entries()) {
      out(`\n${bold(`Step ${index + 1}/${list.length}: ${step.title}`)}\n${step.explain}\n\n`);
      await step.run();
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return { cleanUp };
}

async function main(): Promise<void> {
  const out = (text: string): void => void process.stdout.write(text);
  let node: NodeCluster | undefined;
  let demo: NodeDemoResult | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      out(
        '\nCleaning up: ToolHive operator, port-forward, then the node (pods, kubelet, containerd, control plane, network namespace)...\n',
      );
      await demo?.cleanUp();
      await node?.stop();
      out('Done. Nothing left running, the machine as it was.\n');
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(0)));
  try {
    out(
      `${bold('mcp-header-forward demo on a real node')}: kubelet, containerd and kube-proxy in a network namespace of its own, no Docker.\n`,
    );
    out(
      'Starting the node (the first run builds Kubernetes, ToolHive and the image from the Dockerfile; later runs take about a minute)...\n',
    );
    node = await startNodeCluster({ log: (line) => out(`  ${line}\n`) });
    demo = await runNodeDemo(node.info, out);
  } catch (error) {
    process.stderr.write(`\nmake demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanUp();
    process.exit(1);
  }
  if (process.argv.includes('--no-wait')) return cleanUp();
  out(`\n${bold('Your turn.')} The node keeps running. In another terminal:\n\n`);
  out(`  export KUBECONFIG=${node.info.kubeconfigPath}\n  alias kubectl=${node.info.kubectlPath}\n`);
  out(
    `  kubectl get pods -A\n  kubectl logs -n ${NAMESPACE} secure-upstream\n  kubectl get pod -n ${NAMESPACE} -l app.kubernetes.io/instance=gateway -o yaml\n\n`,
  );
  out('Press Ctrl-C to stop everything and clean up.\n');
  setInterval(() => {}, 60_000);
}

// Run as `make demo` (not when a test imports the steps).
if (process.argv[1]?.endsWith(`${join('node', 'demo.js')}`)) {
  const unavailable = nodeUnavailableReason();
  if (unavailable !== undefined) {
    process.stdout.write(`${unavailable}; running the loopback demo instead.\n\n`);
    await import('../harness/demo.js');
  } else {
    await main();
  }
}
