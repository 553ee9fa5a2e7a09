#!/usr/bin/env node
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { connect } from './cluster.js';
import { startControlPlane, type ControlPlane } from './controlPlane.js';
import { loopbackHostname } from '../vmcp/loopbackName.js';
import { STREAMABLE_PATH, startUpstream, type Upstream } from '../vmcp/upstream.js';
import { injectionSteps } from './demoInjectSteps.js';
import { validationSteps, type DemoContext, type DemoStep } from './demoSteps.js';
import { startWebhookProcess, type WebhookProcess } from './webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook } from './webhookRegistration.js';

// `make demo`: a local control plane, the webhook, and a narrated walk through what it does. Ctrl-C cleans up.
const NAMESPACE = 'demo';
/** The steps `make demo` runs, in order. */
const demoSteps: DemoStep[] = [...validationSteps, ...injectionSteps];
const waitForCtrlC = !process.argv.includes('--no-wait');
const out = (text: string): void => void process.stdout.write(text);
const bold = (text: string): string => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);

let controlPlane: ControlPlane | undefined;
let webhook: WebhookProcess | undefined;
let upstream: Upstream | undefined;
/** What the steps started (the sidecar), stopped first, newest first. */
const stepCleanUps: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    out('\nCleaning up: stopping the sidecar, the demo upstream, the webhook, kube-controller-manager, kube-apiserver and etcd...\n');
    for (const stop of stepCleanUps.reverse()) await stop();
    await upstream?.close();
    await webhook?.stop();
    await controlPlane?.stop();
    out('Done. Nothing left running.\n');
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  out(`${bold('mcp-header-forward demo')}: a real kube-apiserver, etcd and kube-controller-manager on 127.0.0.1, no Docker.\n`);
  out('Starting the control plane (the first run builds the binaries from their Go modules; later runs start in seconds)...\n');
  controlPlane = await startControlPlane({ log: (line) => out(`  ${line}\n`) });
  const cluster = connect(controlPlane.info);
  await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });

  out('Starting the webhook (`mcp-header-forward webhook`, TLS on 127.0.0.1) and registering it with the API server...\n');
  await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster);
  await registerValidatingWebhook(cluster.admin, webhook);
  out(`  webhook at ${webhook.url}, log ${webhook.logFile}\n`);

  const filesDir = join(controlPlane.info.workDir, 'demo');
  await mkdir(filesDir, { recursive: true });
  // The entry's remoteUrl: a name that resolves to loopback but does not look like it (see loopbackName.ts).
  const { name, address } = await loopbackHostname();
  upstream = await startUpstream({ label: 'demo', address });
  const remoteUrl = `${upstream.baseUrl(name)}${STREAMABLE_PATH}`;
  out(`Starting a small MCP server that records the headers it receives: ${remoteUrl} (listening on ${address})\n`);
  const context: DemoContext = {
    cluster,
    webhook,
    namespace: NAMESPACE,
    filesDir,
    out,
    upstream: { remoteUrl, requests: upstream.requests },
    onCleanUp: (stop) => void stepCleanUps.push(stop),
  };
  for (const [index, step] of demoSteps.entries()) {
    out(`\n${bold(`Step ${index + 1}/${demoSteps.length}: ${step.title}`)}\n${step.explain}\n\n`);
    await step.run(context);
  }

  if (!waitForCtrlC) return cleanUp();
  out(`\n${bold('Your turn.')} The control plane and the webhook keep running. In another terminal:\n\n`);
  out(`  export KUBECONFIG=${controlPlane.info.kubeconfigPath}\n`);
  out(`  alias kubectl=${controlPlane.info.kubectlPath}\n`);
  out('  kubectl get mcpserverentries -A\n');
  out(`  kubectl get pod gateway-demo -n ${NAMESPACE} -o yaml   # the injected sidecar\n`);
  out(`  kubectl apply -n ${NAMESPACE} -f ${join(filesDir, 'entry.yaml')}   # edit it and see what the webhook says\n`);
  out(`  tail -f ${webhook.logFile}\n\n`);
  out('Press Ctrl-C to stop everything and clean up.\n');
  // Keep the event loop alive until a signal arrives; the handlers above clean up and exit.
  setInterval(() => {}, 60_000);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`\nmake demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await cleanUp();
  process.exit(1);
});
