import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa } from '../../certs/x509.js';
import { waitForOk } from '../../test/e2e/harness/readiness.js';
import { runClient } from '../lib/loadgen.js';
import { PROXY_CPU } from '../lib/pinning.js';
import { freeLoopbackPort, startPinned, type ManagedProcess } from '../lib/processes.js';
import { CLI_ENTRY } from '../paths.js';
import { compare, missed, OVERLOAD_RATE } from '../report/compare.js';
import { cpuProfFlags, readHotspots, timed } from './profile.js';
import type { BenchResults, LoadSummary, WebhookMeasurement } from '../report/model.js';
import { mutateReview, validateReview } from '../webhook/fixtures.js';
import { startStandIn, writeServingCert } from '../webhook/standIn.js';

// The webhook on one core, fed AdmissionReviews over HTTPS at fixed rates, with Secrets and informer lists
// from the stand-in API server; then closed loop for the most reviews per second it sustains.

/** The last, about twice the best rate of either route, shows the admission control (webhook/admission/overload.ts) at work. */
export const WEBHOOK_RATES = [500, 1000, 2000, OVERLOAD_RATE] as const;
const RATE_SECONDS = 2;
/** Below the 25 idle connections kube-apiserver keeps per webhook host: more concurrent calls would re-handshake TLS on every call past 25. */
const MAX_RATE_CONCURRENCY = 24;
const MAX_RATE_REQUESTS = 4000;
const WARMUP_REQUESTS = 1500;
const WEBHOOK_PROFILE_SCENARIO = '/validate then /mutate, c=16, 1000 reviews each';
/** A review only counts when the webhook really decided: allowed with (for /mutate) a patch. */
const EXPECT = { validate: '"allowed":true', mutate: '"patch":' } as const;
/** The webhook's answer to a review it shed (webhook/admission/overload.ts): counted apart, not as an error. */
const SHED_MARK = 'mcp-header-forward is overloaded';

export type WebhookRoute = keyof typeof EXPECT;
/** The load generator's client: like kube-apiserver's webhook client (HTTP/1.1, or h2 as for a loopback URL), or its old default. */
export type ReviewClient = 'apiserver' | 'apiserver-h2' | 'default';

/** The load generator's arguments for POSTing one review file to a route, checking each answer is the expected kind. */
export function reviewLoadArgs(
  webhook: { url: string; caFile: string },
  route: WebhookRoute,
  bodyFile: string,
  client: ReviewClient = 'apiserver',
): string[] {
  return [
    '-client',
    client,
    '-shed-body',
    SHED_MARK,
    '-url',
    `${webhook.url}/${route}`,
    '-ca',
    webhook.caFile,
    '-method',
    'POST',
    '-body-file',
    bodyFile,
    '-expect-body',
    EXPECT[route],
  ];
}

export interface WebhookPhaseOptions {
  loadgen: string;
  dir: string;
  log: (line: string) => void;
  results: BenchResults;
  withinBudget: (part: string, needMs: number) => boolean;
}

export async function startWebhook(
  dir: string,
  kubeconfigFile: string,
  nodeFlags: string[] = [],
  entry = CLI_ENTRY,
  webhookFlags: string[] = [],
): Promise<{ process: ManagedProcess; url: string; caFile: string }> {
  const ca = await createCa({ commonName: 'mcp-header-forward bench webhook CA', validForMs: 86_400_000 });
  const caFile = join(dir, 'webhook-ca.pem');
  await writeFile(caFile, ca.certPem);
  const { certFile, keyFile } = await writeServingCert(ca, dir, 'webhook');
  const port = await freeLoopbackPort();
  const args = [
    ...nodeFlags,
    entry,
    'webhook',
    '--listen',
    `127.0.0.1:${port}`,
    '--metrics-listen',
    `127.0.0.1:${await freeLoopbackPort()}`,
    '--tls-cert-file',
    certFile,
    '--tls-key-file',
    keyFile,
    '--kubeconfig',
    kubeconfigFile,
    '--log-level',
    'warn',
    '--api-server-host',
    '127.0.0.1',
    ...webhookFlags,
  ];
  const managed = await startPinned('webhook', dir, PROXY_CPU, process.execPath, args, { ...process.env, NODE_ENV: 'production' });
  const url = `https://127.0.0.1:${port}`;
  await waitForOk({ url: `${url}/readyz`, tls: { caPem: ca.certPem } }, managed, 30_000);
  return { process: managed, url, caFile };
}

export async function runWebhookPhases(o: WebhookPhaseOptions): Promise<void> {
  if (!o.withinBudget('webhook', 60_000)) return;
  const dir = join(o.dir, 'webhook');
  await mkdir(dir, { recursive: true });
  const standIn = await startStandIn(o.loadgen, dir);
  let webhook: Awaited<ReturnType<typeof startWebhook>> | undefined;
  try {
    webhook = await startWebhook(dir, standIn.kubeconfigFile);
    const bodies = { validate: join(dir, 'validate-review.json'), mutate: join(dir, 'mutate-review.json') };
    await writeFile(bodies.validate, JSON.stringify(validateReview()));
    await writeFile(bodies.mutate, JSON.stringify(mutateReview()));
    const measurement: WebhookMeasurement = { rateRuns: [], maxRate: [] };
    for (const route of ['validate', 'mutate'] as const) {
      const base = reviewLoadArgs(webhook, route, bodies[route]);
      // Unrecorded: JIT, connection pools and caches warm first, or the 500 rps row measures a cold start.
      await runClient<LoadSummary>(o.loadgen, 'load', [...base, '-c', '8', '-n', String(WARMUP_REQUESTS), '-max-seconds', '5'], 60_000);
      for (const rate of WEBHOOK_RATES) {
        const load = await runClient<LoadSummary>(
          o.loadgen,
          'rate',
          [...base, '-rate', String(rate), '-seconds', String(RATE_SECONDS)],
          60_000,
        );
        measurement.rateRuns.push({ route, rate, load });
        o.log(
          `webhook /${route} at ${rate} rps: p50 ${Math.round(load.p50us)} µs p99 ${Math.round(load.p99us)} µs, ${Math.round(load.rps)}/s, errors ${load.errors}${load.firstError ? ` (${load.firstError})` : ''}, shed ${load.shed ?? 0}`,
        );
      }
      const args = [...base, '-c', String(MAX_RATE_CONCURRENCY), '-n', String(MAX_RATE_REQUESTS), '-warmup', '300', '-max-seconds', '10'];
      const load = await runClient<LoadSummary>(o.loadgen, 'load', args, 60_000);
      measurement.maxRate.push({ route, concurrency: MAX_RATE_CONCURRENCY, load });
      o.log(
        `webhook /${route} closed loop c=${MAX_RATE_CONCURRENCY}: ${Math.round(load.rps)}/s p99 ${Math.round(load.p99us)} µs errors ${load.errors}`,
      );
    }
    o.results.webhook = measurement;
    if (missed(compare(o.results), 'webhook').length > 0 && o.withinBudget('webhook CPU profile', 40_000)) {
      await webhook.process.stop(3000);
      o.log('a webhook target was missed: profiling it with node --cpu-prof');
      const profileDir = join(dir, 'cpu-profile');
      webhook = await startWebhook(dir, standIn.kubeconfigFile, cpuProfFlags(profileDir));
      const profiled = webhook;
      const window = await timed(async () => {
        for (const route of ['validate', 'mutate'] as const) {
          const args = [
            ...reviewLoadArgs(profiled, route, bodies[route]),
            '-c',
            '16',
            '-n',
            '1000',
            '-warmup',
            '100',
            '-max-seconds',
            '15',
          ];
          await runClient<LoadSummary>(o.loadgen, 'load', args, 90_000);
        }
      });
      await webhook.process.stop(10_000);
      o.results.profiles = [
        ...(o.results.profiles ?? []),
        { target: 'webhook', scenario: WEBHOOK_PROFILE_SCENARIO, hotspots: await readHotspots(profileDir, window) },
      ];
    }
  } catch (error) {
    o.results.skips.push({ part: 'webhook', reason: (error as Error).message.split('\n')[0] ?? 'failed' });
    o.log(`webhook phase failed: ${(error as Error).message}`);
  } finally {
    await webhook?.process.stop(3000);
    await standIn.process.stop(2000);
  }
}
